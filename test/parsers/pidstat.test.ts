import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '../../src/parsers/collect.js';
import { pidstat, pidstatValue } from '../../src/parsers/pidstat.js';
import { fixture } from './system-helpers.js';

// Layouts of pidstat(1): sysstat 10.x "-h" prints epoch seconds in the Time column; sysstat 12
// prints the wall clock there (epoch only with -H) and, with --human, sizes with unit suffixes.
// Values invented.
const EPOCH_H = `Linux 3.10.0-327.28.3.el7.x86_64 (host1) \t01/11/2017 \t_x86_64_\t(8 CPU)

#      Time   UID       PID    %usr %system  %guest    %CPU   CPU  minflt/s  majflt/s     VSZ    RSS   %MEM   kB_rd/s   kB_wr/s kB_ccwr/s   cswch/s nvcswch/s  Command
 1484168290     0         3    0.00    0.00    0.00    0.00     0      0.00      0.00       0      0   0.00      0.00      0.00      0.00      0.10      0.00  ksoftirqd/0
 1484168290   107      4242   12.00    3.00   80.00   95.00     2     10.00     42.50 9000000 8300000  25.10     -1.00     -1.00     -1.00     20.00      1.00  qemu-kvm
`;

const HUMAN_H = `Linux 5.14.0-362.el9.x86_64 (host1) \t11/23/2026 \t_x86_64_\t(8 CPU)

# Time        USER       PID    %usr %system  %guest   %wait    %CPU   CPU  minflt/s  majflt/s     VSZ     RSS   %MEM   kB_rd/s   kB_wr/s kB_ccwr/s iodelay  cswch/s nvcswch/s  Command
11:59:58 PM   qemu      4242   10.0%    2.0%   70.0%    0.5%   82.0%     3      1.20      7.00    8.6G    7.9G  24.0%      2.0M      1.0k      0.0k      17     0.50      0.01  /usr/libexec/qemu-kvm -name guest=db01
12:00:08 AM   qemu      4242   11.0%    2.0%   70.0%    0.5%   83.0%     3      1.20      9.00    8.6G    8.0G  24.0%      0.0k      0.0k      0.0k       0     0.50      0.01  /usr/libexec/qemu-kvm -name guest=db01
`;

const BLOCKS = `Linux 4.18.0-305.el8.x86_64 (host1) \t2021-06-30 \t_x86_64_\t(4 CPU)

10:20:01      UID       PID    %usr %system  %guest   %wait    %CPU   CPU  Command
10:20:02        0       812    1.00    2.00    0.00    0.00    3.00     1  rsyslogd

10:20:01      UID       PID  minflt/s  majflt/s     VSZ     RSS   %MEM  Command
10:20:02        0       812      0.00      5.00  231000   9000   0.11  rsyslogd

Average:      UID       PID    %usr %system  %guest   %wait    %CPU   CPU  Command
Average:        0       812    1.00    2.00    0.00    0.00    3.00     -  rsyslogd
`;

const THREADS = `Linux 4.18.0 (host1) \t06/30/2021 \t_x86_64_\t(4 CPU)

10:20:01 AM   UID      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command
10:20:02 AM     0       812         -    1.00    2.00    0.00    0.00    3.00     1  rsyslogd
10:20:02 AM     0         -       815    1.00    2.00    0.00    0.00    3.00     1  |__in:imjournal
`;

function parse(text: string) {
  return parseText(pidstat, text, { path: 'sos_commands/process/pidstat_-p_ALL_-rudvwsRU_--human_-h' });
}

describe('pidstat', () => {
  it('reads the sysstat 10 -h layout with epoch seconds as UTC', () => {
    const r = parse(EPOCH_H);
    const qemu = r.samples.filter((s) => s.labels['pid'] === '4242');
    const byMetric = new Map(qemu.map((s) => [s.metric, s]));
    expect(byMetric.get('proc.majfltPerSec')?.value).toBe(42.5);
    expect(byMetric.get('proc.majfltPerSec')?.timeBase).toBe('utc');
    expect(byMetric.get('proc.majfltPerSec')?.t).toBe(1484168290000);
    expect(byMetric.get('proc.majfltPerSec')?.line).toBe(5);
    expect(byMetric.get('proc.rssKiB')?.value).toBe(8300000);
    expect(byMetric.get('proc.cpuPct')?.value).toBe(95);
    expect(byMetric.get('proc.guestPct')?.value).toBe(80);
    expect(byMetric.get('proc.cpuPct')?.labels).toEqual({ pid: '4242', comm: 'qemu-kvm' });
    // -1.00 means "not readable", not a value
    expect(byMetric.has('proc.readKBps')).toBe(false);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads the sysstat 12 --human -h layout: AM/PM wall clock past midnight, unit suffixes, full command', () => {
    const r = parse(HUMAN_H);
    const rss = r.samples.filter((s) => s.metric === 'proc.rssKiB');
    expect(rss.map((s) => s.value)).toEqual([7.9 * 1024 * 1024, 8.0 * 1024 * 1024]);
    expect(rss[0]?.timeBase).toBe('local');
    expect(rss[0]?.t).toBe(Date.UTC(2026, 10, 23, 23, 59, 58));
    expect(rss[1]?.t).toBe(Date.UTC(2026, 10, 24, 0, 0, 8));
    expect(rss[0]?.labels).toEqual({ pid: '4242', comm: '/usr/libexec/qemu-kvm -name guest=db01', user: 'qemu' });
    expect(r.samples.find((s) => s.metric === 'proc.cpuPct')?.value).toBe(82);
    expect(r.samples.find((s) => s.metric === 'proc.readKBps')?.value).toBe(2048);
    expect(r.samples.find((s) => s.metric === 'proc.iodelayTicks')?.value).toBe(17);
    expect(r.samples.filter((s) => s.metric === 'proc.majfltPerSec').map((s) => s.value)).toEqual([7, 9]);
  });

  it('reads per-activity blocks without -h and skips Average rows', () => {
    const r = parse(BLOCKS);
    expect(r.samples.find((s) => s.metric === 'proc.systemPct')).toMatchObject({ value: 2, t: Date.UTC(2021, 5, 30, 10, 20, 2), timeBase: 'local', line: 4 });
    expect(r.samples.find((s) => s.metric === 'proc.majfltPerSec')).toMatchObject({ value: 5, line: 7, labels: { pid: '812', comm: 'rsyslogd' } });
    expect(r.samples.filter((s) => s.metric === 'proc.cpuPct')).toHaveLength(1);
  });

  it('keeps task rows and drops -t thread rows', () => {
    const r = parse(THREADS);
    const cpu = r.samples.filter((s) => s.metric === 'proc.cpuPct');
    expect(cpu).toHaveLength(1);
    expect(cpu[0]?.labels).toEqual({ pid: '812', comm: 'rsyslogd' });
    expect(cpu[0]?.t).toBe(Date.UTC(2021, 5, 30, 10, 20, 2));
  });

  it('parses human values only where the column is a size', () => {
    expect(pidstatValue('1.5M', true)).toBe(1536);
    expect(pidstatValue('12.5%', false)).toBe(12.5);
    expect(pidstatValue('512B', true)).toBe(0.5);
    expect(Number.isNaN(pidstatValue('1.5M', false))).toBe(true);
  });

  it('warns once when wall-clock rows have no date', () => {
    const r = parse('#      Time   UID       PID    %CPU  Command\n10:00:00     0    1   5.00  init\n10:00:01     0    1   5.00  init\n');
    expect(r.samples).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.line).toBe(2);
  });

  it('honours wants() so unwanted families cost nothing', () => {
    const sink = { wanted: [] as string[] };
    let count = 0;
    const lp = pidstat.create({ path: 'x' }, {
      sample: () => count++,
      event: () => undefined,
      fact: () => undefined,
      diagnostic: () => undefined,
      format: () => undefined,
      wants: (m: string) => {
        sink.wanted.push(m);
        return m === 'proc.majfltPerSec';
      },
    });
    EPOCH_H.split('\n').forEach((l, i) => lp.push(l, i + 1));
    lp.end();
    expect(count).toBe(2);
  });

  it('never throws on random or mutated input', () => {
    const lines = (EPOCH_H + HUMAN_H + BLOCKS + THREADS).split('\n');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.shuffledSubarray(lines).map((l) => l.join('\n')), fc.nat(HUMAN_H.length).map((n) => HUMAN_H.slice(0, n))), (text) => {
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

// Real captures on this project's Debian 12 machine (sysstat 12.6.1, LC_ALL=C), with stress-ng
// --vm/--cpu running: see test/fixtures/SOURCES-virt.md. Values checked by eye in the files.
describe('pidstat: real sysstat 12.6.1 captures', () => {
  const H_RUD = fixture('pidstat', 'local-capture_debian12_sysstat12.6.1_pidstat-h-r-u-d-1-3_stress-ng.txt');
  const R_BLOCKS = fixture('pidstat', 'local-capture_debian12_sysstat12.6.1_pidstat-r-1-2.txt');
  const SOS_CMD = fixture('pidstat', 'local-capture_debian12_sysstat12.6.1_pidstat-p-ALL-rudvwsRU-human-h.txt');

  it('reads `pidstat -h -r -u -d 1 3`: 24h wall clock on the MM/DD/YY banner date, one row per task', () => {
    const r = parse(H_RUD);
    expect(r.diagnostics).toEqual([]);
    const vm = r.samples.filter((s) => s.labels['pid'] === '16579' && s.metric === 'proc.rssKiB');
    expect(vm.map((s) => [s.value, s.t, s.line])).toEqual([
      [112500, Date.UTC(2026, 10, 23, 14, 59, 50), 7],
      [112500, Date.UTC(2026, 10, 23, 14, 59, 51), 14],
      [100292, Date.UTC(2026, 10, 23, 14, 59, 52), 20],
    ]);
    expect(vm[0]?.timeBase).toBe('local');
    expect(vm[0]?.labels).toEqual({ pid: '16579', comm: 'stress-ng-vm' });
    const first = new Map(r.samples.filter((s) => s.line === 7).map((s) => [s.metric, s.value]));
    expect(first.get('proc.cpuPct')).toBe(73.27);
    expect(first.get('proc.waitPct')).toBe(24.75);
    expect(first.get('proc.minfltPerSec')).toBe(3048.51);
    expect(first.get('proc.vszKiB')).toBe(646664);
    // a command name with spaces (npm rewrites its process title) stays whole
    const npm = r.samples.find((s) => s.line === 5 && s.metric === 'proc.writeKBps');
    expect(npm).toMatchObject({ value: 2392.08, labels: { pid: '16463', comm: 'npm i ../sosmor' } });
    expect(r.samples.find((s) => s.labels['pid'] === '29257' && s.metric === 'proc.readKBps')?.value).toBe(16);
    expect(new Set(r.samples.map((s) => s.t)).size).toBe(3);
  });

  it('reads plain `pidstat -r 1 2` blocks and skips the Average block', () => {
    const r = parse(R_BLOCKS);
    expect(r.diagnostics).toEqual([]);
    expect(r.samples.find((s) => s.labels['pid'] === '1081' && s.metric === 'proc.rssKiB')).toMatchObject({ value: 4232, t: Date.UTC(2026, 10, 23, 14, 59, 53), line: 5 });
    const own = r.samples.filter((s) => s.labels['pid'] === '16598' && s.metric === 'proc.minfltPerSec');
    expect(own.map((s) => [s.value, s.line])).toEqual([
      [8, 6],
      [1, 9],
    ]);
    expect(r.samples.some((s) => s.metric === 'proc.cpuPct')).toBe(false);
  });

  it('reads the command sos runs (-p ALL -rudvwsRU --human -h): USER column, k/M/B suffixes', () => {
    const r = parse(SOS_CMD);
    expect(r.diagnostics).toEqual([]);
    expect(new Set(r.samples.map((s) => s.labels['pid'])).size).toBe(70);
    expect(new Set(r.samples.map((s) => s.t))).toEqual(new Set([Date.UTC(2026, 10, 23, 14, 59, 54)]));
    const vm = new Map(r.samples.filter((s) => s.line === 68).map((s) => [s.metric, s]));
    expect(vm.get('proc.rssKiB')?.value).toBeCloseTo(97.9 * 1024, 6);
    expect(vm.get('proc.vszKiB')?.value).toBeCloseTo(619.5 * 1024, 6);
    expect(vm.get('proc.cpuPct')?.value).toBe(0.1);
    expect(vm.get('proc.rssKiB')?.labels).toEqual({ pid: '16579', comm: 'stress-ng-vm', user: 'root' });
    // --human prints I/O rates in bytes below 1 kB: "773.7B" is 0.76 kB/s (plain pidstat -d said 0.75)
    const kworker = r.samples.find((s) => s.line === 30 && s.metric === 'proc.readKBps');
    expect(kworker?.value).toBeCloseTo(773.7 / 1024, 6);
    expect(kworker?.labels['comm']).toBe('kworker/u8:1-kvfree_rcu_reclaim');
    expect(r.samples.find((s) => s.line === 56 && s.metric === 'proc.readKBps')?.value).toBeCloseTo(1.1 * 1024, 6);
    expect(r.samples.find((s) => s.line === 30 && s.metric === 'proc.cswchPerSec')?.value).toBe(10.12);
  });
});
