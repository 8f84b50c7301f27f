/**
 * The sar reader's fast paths (rows passed over on their first tokens, data
 * rows read by one pattern per section) must give exactly the records of the
 * general path (split, readClock, row()). Only the general path reads a
 * 12-hour clock, so a file and its 12-hour rewrite (or a 12-hour file and its
 * 24-hour rewrite) compare the two, whatever the sink wants.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordCollector, feedText } from '../../src/parsers/collect.js';
import { sar } from '../../src/parsers/sar.js';

const dir = new URL('../fixtures/sar/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

/** A collector that wants only what `keep` accepts (`cpu.percpu` included). */
class Wanting extends RecordCollector {
  constructor(private readonly keep: (metric: string) => boolean) {
    super('x');
  }
  override wants(prefix?: string): boolean {
    return this.keep(prefix ?? '');
  }
}

const FILTERS: Record<string, (m: string) => boolean> = {
  all: () => true,
  'no per-CPU rows': (m) => m !== 'cpu.percpu',
  'per-CPU idle, load, disk util': (m) => m === 'cpu.percpu' || m === 'cpu.idlePct' || m === 'load.runQueue' || m === 'disk.utilPct',
  'memory only': (m) => m.startsWith('mem.'),
  nothing: () => false,
};

function to12h(text: string): string {
  return text.replace(/^(\d\d):(\d\d):(\d\d)(?=[ \t])/gm, (_, h: string, m: string, s: string) => {
    const hour = Number(h);
    return `${String(hour % 12 === 0 ? 12 : hour % 12).padStart(2, '0')}:${m}:${s} ${hour < 12 ? 'AM' : 'PM'}`;
  });
}

function to24h(text: string): string {
  return text.replace(/^(\d\d):(\d\d):(\d\d)[ \t]+(AM|PM)(?=[ \t])/gm, (_, h: string, m: string, s: string, ampm: string) => {
    const hour = (Number(h) % 12) + (ampm === 'PM' ? 12 : 0);
    return `${String(hour).padStart(2, '0')}:${m}:${s}`;
  });
}

function parse(text: string, keep: (m: string) => boolean): { records: unknown[]; diagnostics: unknown[] } {
  const c = new Wanting(keep);
  feedText(sar, text, { path: 'sos_commands/sar/sar30' }, c);
  // A boot event quotes its line, which the rewrite changed.
  const records = c.records.map((r) => (r.kind === 'event' ? { ...r, lines: r.lines.map((l) => l.line) } : r));
  return { records, diagnostics: c.diagnostics };
}

function expectSameAsGeneralPath(text24: string, text12: string): number {
  let samples = 0;
  for (const [name, keep] of Object.entries(FILTERS)) {
    const fast = parse(text24, keep);
    const general = parse(text12, keep);
    expect(fast.records, name).toEqual(general.records);
    expect(fast.diagnostics, name).toEqual(general.diagnostics);
    samples += fast.records.length;
  }
  return samples;
}

describe('sar fast paths', () => {
  it('read every corpus file as the general path does, for any wanted metrics', () => {
    let files = 0;
    for (const name of readdirSync(dir)) {
      const text = fixture(name);
      const twelve = /^\d\d:\d\d:\d\d +[AP]M /m.test(text);
      const samples = twelve ? expectSameAsGeneralPath(to24h(text), text) : expectSameAsGeneralPath(text, to12h(text));
      expect(samples, name).toBeGreaterThan(0);
      files++;
    }
    expect(files).toBeGreaterThan(15);
  });

  const HEAD = 'Linux 5.14.0 (h) \t2026-11-20 \t_x86_64_\t(2 CPU)\n\n';

  it('skip a section with no wanted column and still find the next section and its rows', () => {
    const text =
      HEAD +
      [
        '00:00:01    proc/s   cswch/s',
        '00:10:01      1.00    100.00',
        '00:20:01      2.00    200.00',
        '00:00:01     INTR    intr/s',
        '00:10:01      sum    100.00',
        '00:00:01   runq-sz  plist-sz   ldavg-1   ldavg-5  ldavg-15   blocked',
        '00:10:01         3       100      0.50      0.40      0.30         0',
        '00:20:01         4       100      0.50      0.40      0.30         1',
      ].join('\n');
    const c = new Wanting((m) => m === 'load.runQueue' || m === 'load.blocked');
    feedText(sar, text, { path: 'x' }, c);
    expect(c.samples.map((s) => [s.metric, s.value, s.line])).toEqual([
      ['load.runQueue', 3, 9],
      ['load.blocked', 0, 9],
      ['load.runQueue', 4, 10],
      ['load.blocked', 1, 10],
    ]);
    expect(c.diagnostics).toEqual([]);
    expect(expectSameAsGeneralPath(text, to12h(text))).toBeGreaterThan(0);
  });

  it('report a row with more or fewer columns than its header, and read the rows around it', () => {
    const text =
      HEAD +
      [
        '00:00:01       DEV       tps     rkB/s     wkB/s   areq-sz    aqu-sz     await     %util',
        '00:10:01       sda      1.00      2.00      3.00      4.00      0.50      6.00      7.00',
        '00:20:01       sda      1.00      2.00      3.00      4.00      0.50      6.00      7.00      9.99',
        '00:30:01       sda      1.00      2.00      3.00      4.00      0.50      6.00',
        '00:40:01       sda      1.50      2.00      3.00      4.00      0.50      6.00      8.00',
      ].join('\n');
    const c = new Wanting(() => true);
    feedText(sar, text, { path: 'x' }, c);
    expect(c.samples.filter((s) => s.metric === 'disk.utilPct').map((s) => [s.value, s.line])).toEqual([
      [7, 4],
      [8, 7],
    ]);
    expect(c.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [5, 'row has 9 columns where the section header has 8: skipped'],
      [6, 'row has 7 columns where the section header has 8: skipped'],
    ]);
    expect(expectSameAsGeneralPath(text, to12h(text))).toBeGreaterThan(0);
  });

  it('emit per-CPU rows only when they are wanted, with the same cpu=all values either way', () => {
    const text =
      HEAD +
      [
        '00:00:01     CPU     %user     %nice   %system   %iowait    %steal     %idle',
        '00:10:01     all      1.00      0.00      2.00      3.00      0.00     94.00',
        '00:10:01       0      1.50      0.00      2.50      3.50      0.00     92.50',
        '00:10:01       1      0.50      0.00      1.50      2.50      0.00     95.50',
        '00:20:01     all      4.00      0.00      2.00      3.00      0.00     91.00',
        '00:20:01       0      4.50      0.00      2.50      3.50      0.00     89.50',
        '00:20:01       1      3.50      0.00      1.50      2.50      0.00     92.50',
      ].join('\n');
    const idle = (perCpu: boolean): [string | undefined, number, number][] => {
      const c = new Wanting((m) => (m === 'cpu.percpu' ? perCpu : true));
      feedText(sar, text, { path: 'x' }, c);
      return c.samples.filter((s) => s.metric === 'cpu.idlePct').map((s) => [s.labels.cpu, s.value, s.line]);
    };
    expect(idle(true)).toEqual([
      ['all', 94, 4],
      ['0', 92.5, 5],
      ['1', 95.5, 6],
      ['all', 91, 7],
      ['0', 89.5, 8],
      ['1', 92.5, 9],
    ]);
    expect(idle(false)).toEqual([
      ['all', 94, 4],
      ['all', 91, 7],
    ]);
    expect(expectSameAsGeneralPath(text, to12h(text))).toBeGreaterThan(0);
  });

  it('read restart, comment, dash-valued and tab-separated rows of a wanted section as the general path does', () => {
    const text =
      HEAD +
      [
        '00:00:01 kbswpfree kbswpused  %swpused  kbswpcad',
        '00:10:01   1000000         0      0.00         0',
        '00:15:00     LINUX   RESTART      (2        CPU)',
        '00:16:00       COM   comment      text      here',
        '00:20:01         -       100      0.01         0',
        '00:30:01\t999900\t100\t0.01\t0',
      ].join('\n');
    const c = new Wanting(() => true);
    feedText(sar, text, { path: 'x' }, c);
    expect(c.events.map((e) => [e.type, e.t, e.attrs])).toEqual([['boot', Date.UTC(2026, 10, 20, 0, 15, 0), { cpus: 2, source: 'sysstat' }]]);
    expect(c.samples.filter((s) => s.metric === 'swap.usedKiB').map((s) => [s.value, s.line])).toEqual([
      [0, 4],
      [100, 7],
      [100, 8],
    ]);
    expect(c.samples.filter((s) => s.metric === 'swap.freeKiB').map((s) => [s.value, s.line])).toEqual([
      [1000000, 4],
      [999900, 8],
    ]);
    expect(c.diagnostics).toEqual([]);
    expect(expectSameAsGeneralPath(text, to12h(text))).toBeGreaterThan(0);
  });

  it('read random rows of any section shape as the general path does', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 10_000_000 }).map(String),
      fc.double({ min: 0, max: 1e6, noNaN: true }).map((v) => v.toFixed(2)),
      fc.constantFrom('-', '1,5', '1.4G', '46.1%', '0.0B', '1e3', '99999999999999.00', '.5', '5.', '+1'),
    );
    // Not 'am'/'pm': the general path reads those after a clock as 12-hour markers, which a 12-hour rewrite cannot mirror.
    const key = fc.constantFrom('all', '0', '17', 'sda', 'dev8-0', 'eth0', 'LINUX', 'COM', '-1', 'x.y');
    const sections = [
      ['CPU', '%user', '%nice', '%system', '%iowait', '%steal', '%idle'],
      ['DEV', 'tps', 'rkB/s', 'wkB/s', 'await', '%util'],
      ['runq-sz', 'plist-sz', 'ldavg-1', 'ldavg-5', 'ldavg-15', 'blocked'],
      ['proc/s', 'cswch/s'],
    ];
    const row = fc.record({
      sec: fc.integer({ min: 0, max: 86399 }),
      section: fc.integer({ min: 0, max: sections.length - 1 }),
      header: fc.boolean(),
      key,
      values: fc.array(value, { minLength: 1, maxLength: 8 }),
      sep: fc.constantFrom(' ', '   ', '\t', ' \t '),
    });
    const clock = (sec: number): string => [Math.floor(sec / 3600), Math.floor(sec / 60) % 60, sec % 60].map((n) => String(n).padStart(2, '0')).join(':');
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        const lines = rows.map((r) => {
          const cols = sections[r.section] as string[];
          const toks = r.header ? cols : cols[0] === 'CPU' || cols[0] === 'DEV' ? [r.key, ...r.values] : r.values;
          return [clock(r.sec), ...toks].join(r.sep);
        });
        const text = HEAD + lines.join('\n');
        expectSameAsGeneralPath(text, to12h(text));
      }),
      { numRuns: 300 },
    );
  });
});
