import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '../../src/parsers/collect.js';
import { numastat } from '../../src/parsers/numastat.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/numastat/${name}`, import.meta.url), 'utf8');
const MISSES = fixture('rhel7.8_2node_numastat_misses.txt');
const MEM_HUGE = fixture('rhel7.8_2node_numastat-m_1G-hugepages.txt');
const TOKENS = fixture('ubuntu20.04_1node_numastat-m_token-not-in-hash-warnings.txt');
const PROC = fixture('local-capture_debian12_numastat-p_1node.txt');
const COMPUTE4 = fixture('numastat');
const COMPUTE4_N = fixture('numastat_-n');
const THP = fixture('2node_785GB_numastat-m_THP-heavy.txt');

function parse(text: string, path = 'sos_commands/numa/numastat') {
  return parseText(numastat, text, { path });
}
function fact(r: ReturnType<typeof parse>, name: string, labels: Record<string, string>): string | number | boolean | undefined {
  return r.facts.find((f) => f.name === name && Object.entries(labels).every(([k, v]) => f.labels[k] === v))?.value;
}

describe('numastat', () => {
  it('matches sos numastat file names', () => {
    for (const p of ['sos_commands/numa/numastat', 'sos_commands/numa/numastat_-m', 'sos_commands/numa/numastat_-n', 'sos_commands/numa/numastat_-p_qemu-kvm'])
      expect(numastat.paths.some((r) => r.test(p)), p).toBe(true);
  });

  it('reads the page counters per node and keeps numa_miss and numa_foreign apart', () => {
    const r = parse(MISSES);
    expect(fact(r, 'numa.numa_hit', { node: '0' })).toBe(4735090719);
    expect(fact(r, 'numa.numa_hit', { node: '1' })).toBe(2770141501);
    // node 1 served allocations meant for node 0: miss on 1, foreign on 0
    expect(fact(r, 'numa.numa_miss', { node: '1' })).toBe(92981);
    expect(fact(r, 'numa.numa_foreign', { node: '0' })).toBe(92981);
    expect(fact(r, 'numa.numa_miss', { node: '0' })).toBe(0);
    expect(fact(r, 'numa.other_node', { node: '0' })).toBe(766838);
    expect(fact(r, 'numa.localityPct', { node: '0' })).toBeCloseTo((4734323881 / (4734323881 + 766838)) * 100, 9);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads the compute4 single-node counters: numa_hit 386594585, 100 % local', () => {
    const r = parse(COMPUTE4);
    expect(fact(r, 'numa.numa_hit', { node: '0' })).toBe(386594585);
    expect(fact(r, 'numa.interleave_hit', { node: '0' })).toBe(63717);
    expect(fact(r, 'numa.localityPct', { node: '0' })).toBe(100);
  });

  it('reads numastat -m per node in MiB and skips the Total column', () => {
    const r = parse(MEM_HUGE, 'sos_commands/numa/numastat_-m');
    expect(fact(r, 'numa.mem.MemTotalMiB', { node: '0' })).toBe(95257.24);
    expect(fact(r, 'numa.mem.HugePages_FreeMiB', { node: '1' })).toBe(52224);
    expect(fact(r, 'numa.mem.Active(anon)MiB', { node: '1' })).toBe(369.71);
    expect(r.facts.some((f) => f.labels['node'] === 'Total')).toBe(false);
    expect(r.facts.filter((f) => f.name === 'numa.mem.MemTotalMiB')).toHaveLength(2);
    const thp = parse(THP, 'sos_commands/numa/numastat_-m');
    expect(fact(thp, 'numa.mem.AnonHugePagesMiB', { node: '0' })).toBe(129238);
  });

  it('turns "Token ... not in hash table" into one info diagnostic and still reads the table', () => {
    const r = parse(TOKENS, 'sos_commands/numa/numastat_-m');
    expect(r.diagnostics).toEqual([{ source: 'sos_commands/numa/numastat_-m', line: 3, severity: 'info', message: 'numastat: Token Node not in hash table.' }]);
    expect(fact(r, 'numa.mem.MemFreeMiB', { node: '0' })).toBe(168.91);
    expect(r.facts.find((f) => f.name === 'numa.mem.MemFreeMiB')?.line).toBe(11);
  });

  it('reads numastat -n counters in MiB', () => {
    const r = parse(COMPUTE4_N, 'sos_commands/numa/numastat_-n');
    expect(fact(r, 'numa.numa_hitMiB', { node: '0' })).toBe(1510153.25);
    expect(fact(r, 'numa.interleave_hitMiB', { node: '0' })).toBe(248.89);
    expect(r.facts.some((f) => f.name === 'numa.localityPct')).toBe(false);
  });

  it('reads numastat -p for one PID: the Total row per node and overall', () => {
    const r = parse(PROC, 'sos_commands/numa/numastat_-p_python3');
    expect(fact(r, 'numa.procMiB', { pid: '25710', comm: 'python3', node: '0' })).toBe(77.56);
    expect(fact(r, 'numa.procTotalMiB', { pid: '25710', comm: 'python3' })).toBe(77.56);
    expect(fact(r, 'numa.procHugeMiB', { pid: '25710', node: '0' })).toBe(0);
  });

  it('reads numastat -p for several processes, one row each', () => {
    const text = [
      '',
      'Per-node process memory usage (in MBs)',
      'PID                        Node 0          Node 1           Total',
      '-----------------  --------------- --------------- ---------------',
      '4242 (qemu-kvm)           8000.50          191.50         8192.00',
      '4343 (qemu-kvm)             10.00         4086.00         4096.00',
      '-----------------  --------------- --------------- ---------------',
      'Total                     8010.50         4277.50        12288.00',
    ].join('\n');
    const r = parse(text, 'sos_commands/numa/numastat_-p_qemu');
    expect(fact(r, 'numa.procMiB', { pid: '4242', comm: 'qemu-kvm', node: '1' })).toBe(191.5);
    expect(fact(r, 'numa.procTotalMiB', { pid: '4343' })).toBe(4096);
    expect(r.facts).toHaveLength(6);
    expect(r.diagnostics).toEqual([]);
  });

  it('warns about rows with too few values, with their line', () => {
    const r = parse('                           node0           node1\nnuma_hit  12\n');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.line).toBe(2);
  });

  it('never throws on random or mutated input', () => {
    const all = [MISSES, MEM_HUGE, TOKENS, PROC].join('\n');
    const lines = all.split('\n');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.shuffledSubarray(lines).map((l) => l.join('\n')), fc.nat(all.length).map((n) => all.slice(n))), (text) => {
        const r = parse(text);
        const n = text.split('\n').length;
        for (const d of r.diagnostics) {
          expect(d.severity).not.toBe('error');
          if (d.line !== undefined) expect(d.line >= 1 && d.line <= n).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
