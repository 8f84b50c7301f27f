import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '../../src/parsers/collect.js';
import { procPid } from '../../src/parsers/proc-pid.js';
import { fact, fixture } from './system-helpers.js';

// Layouts from proc_pid_status(5), proc_pid_numa_maps(5) and proc_pid_cgroup(7); values invented.
const STATUS = [
  'Name:\tqemu-kvm',
  'Umask:\t0022',
  'State:\tS (sleeping)',
  'Tgid:\t4242',
  'Pid:\t4242',
  'VmPeak:\t 9123456 kB',
  'VmSize:\t 9000000 kB',
  'VmLck:\t       0 kB',
  'VmHWM:\t 8400000 kB',
  'VmRSS:\t 8300000 kB',
  'RssAnon:\t 8200000 kB',
  'VmSwap:\t    1024 kB',
  'HugetlbPages:\t       0 kB',
  'Threads:\t12',
  'Cpus_allowed_list:\t0-7',
  'Mems_allowed_list:\t0-1',
  'voluntary_ctxt_switches:\t150',
].join('\n');

const NUMA_MAPS = [
  '55d0c0a00000 default file=/usr/bin/qemu-system-x86_64 mapped=300 N0=300 kernelpagesize_kB=4',
  '7f4a5c000000 default anon=1024 dirty=1024 active=0 N0=1000 N1=24 kernelpagesize_kB=4',
  '7f4b00000000 bind:0 file=/dev/hugepages/libvirt/qemu/1-guest/qemu_back_mem huge dirty=2 N0=2 kernelpagesize_kB=1048576',
  '7ffd1e5d4000 default stack anon=9 dirty=9 N1=9 kernelpagesize_kB=4',
].join('\n');

function parse(text: string, path: string) {
  return parseText(procPid, text, { path });
}

describe('proc-pid', () => {
  it('reads status memory fields in KiB, labelled with pid and comm', () => {
    const r = parse(STATUS, 'proc/4242/status');
    const m = new Map(r.facts.map((f) => [f.name, f]));
    expect(m.get('proc.comm')?.value).toBe('qemu-kvm');
    expect(m.get('proc.status.VmRSSKiB')?.value).toBe(8300000);
    expect(m.get('proc.status.VmRSSKiB')?.labels).toEqual({ pid: '4242', comm: 'qemu-kvm' });
    expect(m.get('proc.status.VmRSSKiB')?.line).toBe(10);
    expect(m.get('proc.status.VmHWMKiB')?.value).toBe(8400000);
    expect(m.get('proc.status.VmSwapKiB')?.value).toBe(1024);
    expect(m.get('proc.status.Threads')?.value).toBe(12);
    expect(m.get('proc.status.Mems_allowed_list')?.value).toBe('0-1');
    expect(m.has('proc.status.Tgid')).toBe(false);
    const rss = r.samples.find((s) => s.metric === 'proc.rssKiB');
    expect(rss).toMatchObject({ value: 8300000, timeBase: 'collected', labels: { pid: '4242', comm: 'qemu-kvm' } });
    expect(r.samples.find((s) => s.metric === 'proc.swapKiB')?.value).toBe(1024);
  });

  it('sums numa_maps pages per node times each mapping\'s page size', () => {
    const r = parse(NUMA_MAPS, 'proc/4242/numa_maps');
    const f = r.facts.filter((x) => x.name === 'numa.procPagesKiB');
    expect(f.map((x) => [x.labels['node'], x.value])).toEqual([
      ['0', (300 + 1000) * 4 + 2 * 1048576],
      ['1', (24 + 9) * 4],
    ]);
    expect(f[0]?.labels).toEqual({ pid: '4242', node: '0' });
  });

  it('reads cgroup lines and the libvirt domain from the machine scope', () => {
    const text = '11:memory:/machine.slice/machine-qemu\\x2d1\\x2dinstance\\x2d00000001.scope\n0::/machine.slice/machine-qemu\\x2d1\\x2dinstance\\x2d00000001.scope/emulator\n';
    const r = parse(text, 'proc/4242/cgroup');
    expect(r.facts.find((f) => f.name === 'proc.cgroup' && f.labels['controller'] === 'memory')?.value).toBe('/machine.slice/machine-qemu\\x2d1\\x2dinstance\\x2d00000001.scope');
    expect(r.facts.find((f) => f.name === 'proc.cgroup' && f.labels['controller'] === 'unified')).toBeDefined();
    expect(r.facts.filter((f) => f.name === 'proc.libvirtDomain').map((f) => f.value)).toEqual(['instance-00000001']);
    expect(parse('0::/user.slice/user-0.slice/session-1.scope\n', 'proc/7/cgroup').facts.filter((f) => f.name === 'proc.libvirtDomain')).toEqual([]);
  });

  it('reads the libvirt domain from a cgroup v1 host without systemd (/machine/qemu-N-NAME.libvirt-qemu, as this project\'s libvirt 9.0 capture has it)', () => {
    const r = parse('4:memory:/machine/qemu-4-oom01.libvirt-qemu/emulator\n3:cpuset:/machine/qemu-4-oom01.libvirt-qemu/emulator\n', 'proc/28476/cgroup');
    expect(r.facts.filter((f) => f.name === 'proc.libvirtDomain').map((f) => f.value)).toEqual(['oom01']);
  });

  it('reads a NUL-separated cmdline and the guest name', () => {
    const r = parse(['/usr/bin/qemu-system-x86_64', '-name', 'guest=vm7,debug-threads=on', '-m', '2048', ''].join('\u0000'), 'proc/99/cmdline');
    const m = new Map(r.facts.map((f) => [f.name, f.value]));
    expect(m.get('proc.cmdline')).toBe('/usr/bin/qemu-system-x86_64 -name guest=vm7,debug-threads=on -m 2048');
    expect(m.get('proc.exe')).toBe('qemu-system-x86_64');
    expect(m.get('proc.libvirtDomain')).toBe('vm7');
  });

  it('warns about a non-numeric memory field with its line', () => {
    const r = parse('Name:\tx\nVmRSS:\tlots kB\n', 'proc/1/status');
    expect(r.diagnostics).toEqual([{ source: 'proc/1/status', line: 2, severity: 'warning', message: 'proc status: VmRSS is not a number' }]);
  });

  it('never throws on random or mutated input', () => {
    const lines = (STATUS + '\n' + NUMA_MAPS).split('\n');
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.shuffledSubarray(lines).map((l) => l.join('\n'))),
        fc.constantFrom('proc/1/status', 'proc/1/numa_maps', 'proc/1/cgroup', 'proc/1/cmdline', 'loose.txt'),
        (text, path) => {
          const r = parse(text, path);
          for (const d of r.diagnostics) expect(d.severity).not.toBe('error');
        },
      ),
      { numRuns: 300 },
    );
  });
});

// Real /proc/<pid>/ files of a stress-ng run on this project's Debian 12 machine (kernel 6.18,
// cgroup v1+v2 hybrid): see test/fixtures/SOURCES-virt.md. 16918 is the parent, 16921 the --vm
// worker (64 MiB touched). Values checked by eye in the files.
describe('proc-pid: real captures', () => {
  const real = (pid: string, file: string) => parse(fixture('proc-pid', `local-capture-debian12/proc/${pid}/${file}`), `proc/${pid}/${file}`);

  it('reads a kernel 6.18 status file (Kthread, THP_enabled, untag_mask lines included)', () => {
    const r = real('16921', 'status');
    expect(r.diagnostics).toEqual([]);
    expect(fact(r, 'proc.comm', { pid: '16921' })).toBe('stress-ng-vm');
    expect(fact(r, 'proc.status.State')).toBe('R (running)');
    expect(fact(r, 'proc.status.VmRSSKiB')).toBe(67792);
    expect(fact(r, 'proc.status.VmHWMKiB')).toBe(75912);
    expect(fact(r, 'proc.status.RssAnonKiB')).toBe(66684);
    expect(fact(r, 'proc.status.VmSwapKiB')).toBe(0);
    expect(fact(r, 'proc.status.nonvoluntary_ctxt_switches')).toBe(45);
    expect(fact(r, 'proc.status.Mems_allowed_list')).toBe('0');
    expect(r.samples.find((s) => s.metric === 'proc.rssKiB')).toMatchObject({ value: 67792, line: 23, labels: { pid: '16921', comm: 'stress-ng-vm' } });
    expect(fact(real('16918', 'status'), 'proc.status.VmLckKiB')).toBe(12);
  });

  it('sums a real numa_maps (lines without page counts, "\\040(deleted)" names) to about VmRSS', () => {
    const r = real('16921', 'numa_maps');
    expect(r.diagnostics).toEqual([]);
    // 16947 pages of 4 KiB on node 0; status said VmRSS 67792 kB at the same moment
    expect(r.facts.filter((f) => f.name === 'numa.procPagesKiB').map((f) => [f.labels['node'], f.value])).toEqual([['0', 67788]]);
    expect(fact(real('16918', 'numa_maps'), 'numa.procPagesKiB', { node: '0' })).toBe(10212);
  });

  it('reads a hybrid v1/v2 cgroup file', () => {
    const r = real('16921', 'cgroup');
    expect(r.diagnostics).toEqual([]);
    expect(r.facts.filter((f) => f.name === 'proc.cgroup')).toHaveLength(10);
    expect(fact(r, 'proc.cgroup', { controller: 'memory' })).toBe('/process_api/00000000000000000000000000000000');
    expect(fact(r, 'proc.cgroup', { controller: 'name=systemd' })).toBe('/');
    expect(fact(r, 'proc.cgroup', { controller: 'unified' })).toBe('/');
    expect(r.facts.some((f) => f.name === 'proc.libvirtDomain')).toBe(false);
  });

  it('reads a real NUL-separated cmdline, and one rewritten in place and padded with NULs', () => {
    const parent = real('16918', 'cmdline');
    expect(fact(parent, 'proc.cmdline')).toBe('stress-ng --vm 1 --vm-bytes 64M --vm-keep --timeout 60s');
    expect(fact(parent, 'proc.exe')).toBe('stress-ng');
    // the worker overwrote argv[0] with its title and zeroed the rest: 38 trailing NULs
    const worker = real('16921', 'cmdline');
    expect(fact(worker, 'proc.cmdline')).toBe('stress-ng-vm [run]');
    expect(worker.diagnostics).toEqual([]);
  });
});
