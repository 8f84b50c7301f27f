import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '../../src/parsers/collect.js';
import { virsh } from '../../src/parsers/virsh.js';

// Layouts of virsh 6.x read-only commands (tools/virsh-domain-monitor.c, virsh-host.c); values invented.
const LIST = ` Id   Name                State
------------------------------------
 2    instance-00000001   running
 -    instance-00000003   shut off
 5    web7                paused
`;
const FREECELL = `    0:      1232856 KiB
    1:     28331540 KiB
--------------------
  Total:   29564396 KiB
`;
const NODEINFO = `CPU model:           x86_64
CPU(s):              48
CPU frequency:       2600 MHz
CPU socket(s):       1
Core(s) per socket:  12
Thread(s) per core:  2
NUMA cell(s):        2
Memory size:         263842404 KiB
`;
const MEMSTAT = `actual 2097152
swap_in 0
swap_out 0
major_fault 1234
unused 1523400
available 2041284
rss 2146300
`;

function parse(text: string, path: string) {
  return parseText(virsh, text, { path });
}
function map(r: ReturnType<typeof parse>): Map<string, string | number | boolean> {
  return new Map(r.facts.map((f) => [`${f.name}${JSON.stringify(f.labels)}`, f.value]));
}

describe('virsh', () => {
  it('reads virsh list --all states, including two-word states', () => {
    const r = parse(LIST, 'sos_commands/virsh/virsh_-r_list_--all');
    const m = map(r);
    expect(m.get('vm.state{"domain":"instance-00000001"}')).toBe('running');
    expect(m.get('vm.state{"domain":"instance-00000003"}')).toBe('shut off');
    expect(m.get('vm.id{"domain":"web7"}')).toBe(5);
    expect(m.has('vm.id{"domain":"instance-00000003"}')).toBe(false);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads dominfo: autostart and persistence in virsh\'s words, on the lines that say them (libvirt 9.0, real capture)', () => {
    const dominfo = [
      'Id:             -',
      'Name:           hps02',
      'UUID:           9e4c9d55-54b8-4d3c-9389-35b2042ceecb',
      'OS Type:        hvm',
      'State:          shut off',
      'CPU(s):         1',
      'Max memory:     524288 KiB',
      'Used memory:    524288 KiB',
      'Persistent:     yes',
      'Autostart:      enable',
      'Managed save:   no',
      'Security model: none',
      'Security DOI:   0',
      '',
    ].join('\n');
    const r = parse(dominfo, 'sos_commands/virsh/virsh_-r_dominfo_hps02');
    expect(r.facts.map((f) => [f.name, f.value, f.labels, f.line])).toEqual([
      ['vm.persistent', 'yes', { domain: 'hps02' }, 9],
      ['vm.autostart', 'enable', { domain: 'hps02' }, 10],
    ]);
    expect(r.formats).toEqual(['virsh dominfo']);
    // by its first line when the file name does not say
    expect(map(parse(dominfo.replace('enable', 'disable'), 'attachments/dominfo.txt')).get('vm.autostart{"domain":"hps02"}')).toBe('disable');
  });

  it('reads freecell per node and the total', () => {
    const m = map(parse(FREECELL, 'sos_commands/virsh/virsh_-r_freecell_--all'));
    expect(m.get('numa.freecellKiB{"node":"0"}')).toBe(1232856);
    expect(m.get('numa.freecellKiB{"node":"1"}')).toBe(28331540);
    expect(m.get('numa.freecellTotalKiB{}')).toBe(29564396);
  });

  it('reads nodeinfo', () => {
    const m = map(parse(NODEINFO, 'sos_commands/virsh/virsh_-r_nodeinfo'));
    expect(m.get('virsh.cpus{}')).toBe(48);
    expect(m.get('virsh.numaCells{}')).toBe(2);
    expect(m.get('virsh.memoryKiB{}')).toBe(263842404);
    expect(m.get('virsh.cpuMHz{}')).toBe(2600);
    expect(m.get('virsh.cpuModel{}')).toBe('x86_64');
  });

  it('reads dommemstat with the domain from the file name', () => {
    const r = parse(MEMSTAT, 'sos_commands/virsh/virsh_-r_dommemstat_web7');
    const m = map(r);
    expect(m.get('vm.memstat.actual{"domain":"web7"}')).toBe(2097152);
    expect(m.get('vm.memstat.major_fault{"domain":"web7"}')).toBe(1234);
    expect(r.facts.find((f) => f.name === 'vm.memstat.rss')?.line).toBe(7);
  });

  it('reports virsh errors as info and bad rows as located warnings', () => {
    const r = parse('error: failed to connect to the hypervisor\n 3 \n', 'sos_commands/virsh/virsh_-r_list_--all');
    expect(r.diagnostics.map((d) => [d.line, d.severity])).toEqual([[1, 'info'], [2, 'warning']]);
  });

  it('sniffs loose list and nodeinfo output', () => {
    expect(virsh.sniff(LIST, 'list.txt')).toBe(true);
    expect(virsh.sniff(NODEINFO, 'n.txt')).toBe(true);
    expect(virsh.sniff(MEMSTAT, 'm.txt')).toBe(false);
  });

  it('never throws on random or mutated input', () => {
    const lines = (LIST + FREECELL + NODEINFO + MEMSTAT).split('\n');
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.shuffledSubarray(lines).map((l) => l.join('\n'))),
        fc.constantFrom('sos_commands/virsh/virsh_-r_list_--all', 'sos_commands/virsh/virsh_-r_freecell_--all', 'sos_commands/virsh/virsh_-r_nodeinfo', 'sos_commands/virsh/virsh_-r_dommemstat_x', 'loose'),
        (text, path) => {
          const r = parse(text, path);
          for (const d of r.diagnostics) expect(d.severity).not.toBe('error');
        },
      ),
      { numRuns: 300 },
    );
  });
});
