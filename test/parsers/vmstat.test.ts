import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { vmstat } from '../../src/parsers/vmstat.js';
import type { SampleRecord } from '../../src/parsers/types.js';

const dir = new URL('../fixtures/vmstat/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

function value(samples: SampleRecord[], metric: string, t: number): number | undefined {
  return samples.find((s) => s.metric === metric && s.t === t)?.value;
}

describe('vmstat', () => {
  it('reads -a -w -t rows by column name and skips the since-boot first row (2015, EST)', () => {
    const r = parseText(vmstat, fixture('vmstat-awt_2015_EST_io-wait-blocked.txt'));
    const t = Date.UTC(2015, 1, 19, 19, 25, 20);
    expect(r.samples.some((s) => s.t === Date.UTC(2015, 1, 19, 19, 24, 20))).toBe(false);
    expect(value(r.samples, 'load.runQueue', t)).toBe(2);
    expect(value(r.samples, 'load.blocked', t)).toBe(2);
    expect(value(r.samples, 'mem.freeKiB', t)).toBe(57931432);
    expect(value(r.samples, 'mem.inactiveKiB', t)).toBe(2013332);
    expect(value(r.samples, 'mem.activeKiB', t)).toBe(4845572);
    expect(value(r.samples, 'io.readKBps', t)).toBe(7385);
    expect(value(r.samples, 'cpu.iowaitPct', t)).toBe(3);
    expect(r.samples.find((s) => s.metric === 'cpu.iowaitPct')?.labels).toEqual({ cpu: 'all' });
    expect(r.samples.every((s) => s.timeBase === 'local')).toBe(true);
    expect(r.formats).toEqual(['vmstat -t (EST), -a']);
    expect(value(r.samples, 'load.blocked', Date.UTC(2015, 1, 19, 19, 30, 20))).toBeGreaterThan(0);
  });

  it('reads the 2018 OpenShift node capture (EDT)', () => {
    const r = parseText(vmstat, fixture('vmstat-awt_2018_EDT_openshift-node.txt'));
    expect(value(r.samples, 'task.cswchPerSec', Date.UTC(2018, 9, 24, 10, 39, 22))).toBe(1952);
    expect(value(r.samples, 'cpu.idlePct', Date.UTC(2018, 9, 24, 10, 39, 22))).toBe(99);
    expect(new Set(r.samples.map((s) => s.t)).size).toBe(20);
  });

  it('takes no samples without -t and says why', () => {
    const r = parseText(vmstat, fixture('local-capture_debian12_procps4.0.2_vmstat-1-5_plain.txt'));
    expect(r.samples).toEqual([]);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['info', 'warning']);
  });

  it('converts si/so KiB/s to 4 KiB pages/s, accepts repeated headers and a UTC zone', () => {
    const hdr = [
      'procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu----- -----timestamp-----',
      ' r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st                 UTC',
    ];
    const text = [
      ...hdr,
      ' 1  0   1000 500000   1000  20000    8    8     0     0   10   10  1  1 98  0  0 2024-01-01 00:00:00',
      ' 3  1   2000 400000   1000  20000  400  800     0     0   10   10  1  1 58 40  0 2024-01-01 00:00:01',
      ...hdr,
      ' 2  1   3000 300000   1000  20000    0    0     0     0   10   10  1  1 98  0  0 2024-01-01 00:00:02',
    ].join('\n');
    const r = parseText(vmstat, text);
    const t = Date.UTC(2024, 0, 1, 0, 0, 1);
    expect(value(r.samples, 'swap.inPagesPerSec', t)).toBe(100);
    expect(value(r.samples, 'swap.outPagesPerSec', t)).toBe(200);
    expect(value(r.samples, 'swap.usedKiB', Date.UTC(2024, 0, 1, 0, 0, 2))).toBe(3000);
    expect(r.samples.every((s) => s.timeBase === 'utc')).toBe(true);
  });

  it('drops memory columns that never change while swap traffic runs (procps-ng 4.0.2, real capture)', () => {
    // vmstat -t 5 on Debian 12 during a memcg swap thrash, 2026-11-23: swpd and free stay at the
    // first reading although /proc/swaps showed 512 MiB used. The first row is the since-boot one.
    const lines = [
      'procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu----- -----timestamp-----',
      ' r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st                 UTC',
      '13  0      0 23834776   5936 704588 10603 1477 11193  2010 8353 19710 86 14  0  0  0 2026-11-23 11:20:30',
      ' 9  0      0 23834776   5936 704588 5620    0  6540  4850 6892 19359 88 12  0  0  0 2026-11-23 11:20:35',
      '11  0      0 23834776   5936 704588 9256   20  9598  2376 1357 6817 91  9  0  0  0 2026-11-23 11:20:40',
      '16  0      0 23834776   5936 704588 9550    1  9862   435 4458 14124 88 12  0  0  0 2026-11-23 11:20:45',
      '12  1      0 23834776   5936 704588 4562 4262  5247  4817 10173 22119 82 18  0  0  0 2026-11-23 11:20:50',
      '24  0      0 23834776   5936 704588 13760 10114 14159 10387 3586 9690 87 13  0  0  0 2026-11-23 11:20:55',
      '11  4      0 23834776   5936 704588 7368 4611  8414  4905 4959 17300 86 14  0  0  0 2026-11-23 11:21:00',
      '14  0      0 23834776   5936 704588 9972    0 10503     2 1516 3386 94  6  0  0  0 2026-11-23 11:21:05',
      '12  0      0 23834776   5936 704588 11698 4265 12526  4942 1483 3245 93  7  0  0  0 2026-11-23 11:21:10',
      ' 7  1      0 23834776   5936 704588 13658 5021 14038  7141 1526 5717 91  9  0  0  0 2026-11-23 11:21:15',
      ' 9  0      0 23834776   5936 704588 17394 9581 19139  9959 2018 8936 89 11  0  0  0 2026-11-23 11:21:20',
      '10  0      0 23834776   5936 704588 41541 114146 41563 114191 11024 7972 71 29  0  0  0 2026-11-23 11:21:25',
      '14  0      0 23834776   5936 704588 85234 27586 85242 27838 7408 7863 80 20  0  0  0 2026-11-23 11:21:30',
    ];
    const frozen = parseText(vmstat, lines.join('\n'));
    for (const m of ['swap.usedKiB', 'mem.freeKiB', 'mem.buffersKiB', 'mem.cachedKiB']) expect(frozen.samples.some((s) => s.metric === m)).toBe(false);
    expect(frozen.samples.filter((s) => s.metric === 'swap.inPagesPerSec')).toHaveLength(12);
    expect(value(frozen.samples, 'swap.outPagesPerSec', Date.UTC(2026, 10, 23, 11, 21, 25))).toBe(114146 / 4);
    expect(frozen.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message)).toEqual([expect.stringContaining('identical on all 12 rows')]);

    // one changed free value is enough to trust the columns
    const live = lines.slice();
    live[8] = (live[8] ?? '').replace('23834776', '23830000');
    const ok = parseText(vmstat, live.join('\n'));
    expect(ok.samples.filter((s) => s.metric === 'mem.freeKiB')).toHaveLength(12);
    expect(value(ok.samples, 'swap.usedKiB', Date.UTC(2026, 10, 23, 11, 21, 25))).toBe(0);
    expect(ok.diagnostics.some((d) => d.severity === 'warning')).toBe(false);
  });

  it('sniffs vmstat and parses every fixture without a parser failure', () => {
    for (const name of readdirSync(dir)) {
      const text = fixture(name);
      expect(vmstat.sniff(text, name)).toBe(true);
      expect(parseText(vmstat, text).diagnostics.filter((d) => d.message.includes('failed'))).toEqual([]);
    }
  });

  it('never throws on random or mutated input', () => {
    const base = fixture('vmstat-awt_2015_EST_io-wait-blocked.txt').split('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.string({ maxLength: 80 }), (cut, junk) => {
        const r = parseText(vmstat, [...base.slice(0, cut), junk, ...base.slice(cut)].join('\n'));
        for (const d of r.diagnostics) {
          expect(d.message).not.toContain('failed');
          if (d.line !== undefined) expect(d.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});
