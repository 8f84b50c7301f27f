import { describe, expect, it } from 'vitest';
import { dropKernelTwins } from '../../src/timeline/kernel-twins.js';
import type { FileInfo } from '../../src/timeline/store.js';
import type { TimelineEvent } from '../../src/timeline/timeline.js';

const files: FileInfo[] = [
  { path: 'sos_commands/kernel/dmesg', parser: 'dmesg', records: 0, formats: [], diagnostics: 0 },
  { path: 'var/log/messages', parser: 'syslog', records: 0, formats: [], diagnostics: 0 },
  { path: 'var/log/kern.log', parser: 'syslog', records: 0, formats: [], diagnostics: 0 },
  { path: 'sos_commands/sar/sar07', parser: 'sar', records: 0, formats: [], diagnostics: 0 },
];
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);

function ev(file: number, t: number | null, attrs: TimelineEvent['attrs'], more: Partial<TimelineEvent> = {}): TimelineEvent {
  return {
    type: 'oom-kill',
    t,
    labels: { comm: String(attrs['comm'] ?? 'java') },
    attrs: { comm: 'java', ...attrs },
    file,
    line: 1,
    lines: [{ line: 1, text: 'x' }],
    ...more,
  };
}

describe('kernel events read from two logs (dropKernelTwins)', () => {
  it("pairs a boot's first lines a syslog daemon wrote down minutes late with the journal's copy, never with an earlier one", () => {
    const journalFiles: FileInfo[] = [
      ...files,
      { path: 'sos_commands/logs/journalctl_--no-pager', parser: 'journal', records: 0, formats: [], diagnostics: 0 },
    ];
    const boot = (file: number, t: number, uptime?: number): TimelineEvent => ({
      ...ev(file, t, {}),
      type: 'boot',
      labels: {},
      attrs: { kernel: '6.1.0-50-amd64' },
      ...(uptime === undefined ? {} : { uptime }),
    });
    // a real guest: the journal dates the boot 23:22:09, rsyslog (started 145 s in) wrote "[0.000000] Linux version" at 23:24:34
    const journal = boot(4, T0);
    const late = boot(2, T0 + 145_000, 0);
    expect(dropKernelTwins([journal, late], journalFiles).kept).toEqual([journal]);
    // a line of that boot written 145 s late, but stamped 30 minutes in, is no early-boot line: another event
    const later = { ...boot(2, T0 + 145_000, 1800), type: 'oom-kill' as const };
    const journalKill = { ...boot(4, T0), type: 'oom-kill' as const };
    expect(dropKernelTwins([journalKill, later], journalFiles).kept).toEqual([journalKill, later]);
    // and a syslog line is never paired with a copy placed after it: written late, never early
    const early = boot(2, T0, 0);
    const journalAfter = boot(4, T0 + 145_000);
    expect(dropKernelTwins([early, journalAfter], journalFiles).kept).toEqual([early, journalAfter]);
  });

  it("keeps one of the same line in dmesg and syslog, the ring buffer's, and counts what it dropped by file", () => {
    const ring = ev(0, T0 + 800, { pid: 4242 }, { uptime: 9000.5 });
    const log = ev(1, T0, { pid: 4242 });
    const { kept, dropped } = dropKernelTwins([log, ring], files);
    expect(kept).toEqual([ring]);
    expect([...dropped]).toEqual([[1, 1]]);
  });

  it('never pairs two lines the kernel stamped differently, and tells boots apart that all start at 0', () => {
    const ring = ev(0, T0, { pid: 1 }, { uptime: 100.25 });
    const close = ev(1, T0 + 2000, { pid: 1 }, { uptime: 102.25 });
    expect(dropKernelTwins([ring, close], files).kept).toEqual([ring, close]);
    // "Linux version" at 0.000000 in syslog for last week's boot and today's, and in dmesg for today's
    const boot = (file: number, t: number): TimelineEvent => ({ ...ev(file, t, { version: '6.1.0-28-amd64' }, { uptime: 0 }), type: 'boot', labels: {} });
    const lastWeek = boot(1, T0 - 7 * 86_400_000);
    const today = boot(1, T0 + 400);
    const todayRing = boot(0, T0);
    expect(dropKernelTwins([lastWeek, today, todayRing], files).kept).toEqual([lastWeek, todayRing]);
  });

  it('keeps a task reported hung twice, two minutes apart, as two reports, in one log or both', () => {
    const hung = (file: number, t: number): TimelineEvent => ({ ...ev(file, t, { pid: 77, blockedSec: 120 }), type: 'hung-task' });
    const events = [hung(0, T0 + 1500), hung(1, T0), hung(0, T0 + 121_500), hung(1, T0 + 120_000)];
    const { kept } = dropKernelTwins(events, files);
    expect(kept.map((e) => [e.file, e.t])).toEqual([
      [0, T0 + 1500],
      [0, T0 + 121_500],
    ]);
  });

  it('leaves events of one file, of other sources, and different events alone', () => {
    const a = ev(1, T0, { pid: 1 });
    const b = ev(1, T0 + 1000, { pid: 1 });
    const c = ev(0, T0 + 500, { pid: 2 });
    const d = ev(3, T0, { pid: 1 });
    const e = ev(0, T0 + 5 * 60_000, { pid: 1 });
    expect(dropKernelTwins([a, b, c, d, e], files).kept).toEqual([a, b, c, d, e]);
  });

  it('keeps the copy of a folded storm that counted more, whichever log it is from', () => {
    const ringStorm = ev(0, T0, { device: 'sdb', repeats: 300 }, { uptime: 50 });
    const logStorm = ev(1, T0 + 200, { device: 'sdb', repeats: 9000 });
    expect(dropKernelTwins([ringStorm, logStorm], files).kept).toEqual([logStorm]);
    // a fold sums what each line counts (EDAC's "2 CE"): two copies' sums differ as their counts do
    const ringEdac = ev(0, T0, { location: 'DIMM_A1', errorCount: 600, repeats: 300 }, { uptime: 50 });
    const logEdac = ev(1, T0 + 200, { location: 'DIMM_A1', errorCount: 18_000, repeats: 9000 });
    expect(dropKernelTwins([ringEdac, logEdac], files).kept).toEqual([logEdac]);
    // unfolded, the count is the line's own: two lines counting differently are two errors
    const one = ev(0, T0, { location: 'DIMM_A1', errorCount: 2 });
    const other = ev(1, T0 + 200, { location: 'DIMM_A1', errorCount: 3 });
    expect(dropKernelTwins([one, other], files).kept).toEqual([one, other]);
  });

  it("drops a ring buffer's share of a storm the syslog folded over a longer span, and nothing of a storm it did not fold", () => {
    const io = (file: number, t: number, sector: number, more: Partial<TimelineEvent> = {}): TimelineEvent => ({
      ...ev(file, t, { device: 'sdb', sector, kind: 'blk' }),
      type: 'io-error',
      labels: { device: 'sdb' },
      ...more,
    });
    // syslog: 2 000 itemised errors from T0, then 6 000 counted onto its last, at T0 + 8 000 s
    const log = Array.from({ length: 2000 }, (_, i) => io(1, T0 + i * 1000, i));
    const logFold = { ...io(1, T0 + 8_000_000, 7999), attrs: { comm: 'java', device: 'sdb', sector: 7999, kind: 'blk', repeats: 6000 } };
    // the ring buffer kept the last part: 2 000 itemised from T0 + 5 000 s, 1 000 more counted onto the same last error
    const ring = Array.from({ length: 2000 }, (_, i) => io(0, T0 + 5_000_000 + i * 1000, 5000 + i, { uptime: 5000 + i }));
    const ringFold = { ...io(0, T0 + 8_000_000, 7999, { uptime: 8000 }), attrs: { comm: 'java', device: 'sdb', sector: 7999, kind: 'blk', repeats: 1000 } };
    const { kept } = dropKernelTwins([...log, logFold, ...ring, ringFold], files);
    expect(kept.every((e) => e.file === 1)).toBe(true);
    expect(kept.reduce((n, e) => n + Number(e.attrs['repeats'] ?? 1), 0)).toBe(8000);
    // unfolded on both sides: only exact twins go
    const a = [io(1, T0, 1), io(1, T0 + 1000, 2)];
    const b = [io(0, T0 + 500, 3, { uptime: 10 })];
    expect(dropKernelTwins([...a, ...b], files).kept).toHaveLength(3);
  });
  it('takes the stretch two logs both recorded off the log, when neither copy of a storm spans the other', () => {
    const io = (file: number, t: number, sector: number, more: Partial<TimelineEvent> = {}): TimelineEvent => ({
      ...ev(file, t, { device: 'sdb', sector, kind: 'blk' }),
      type: 'io-error',
      labels: { device: 'sdb' },
      ...more,
    });
    // one error a second from T0 to T0 + 8 000 s; the syslog stopped writing at 5 000 s, the ring buffer kept from 4 000 s
    const fold = (file: number, from: number, to: number, more: Partial<TimelineEvent> = {}): TimelineEvent => {
      const minutes = Array.from({ length: (to - from) / 60 }, (_, i) => T0 + (from + i * 60) * 1000);
      // a fold is its last line, counted with the rest (event-storm.ts): the error of the second before `to`
      return {
        ...io(file, T0 + (to - 1) * 1000, to - 1, more),
        attrs: { comm: 'java', device: 'sdb', sector: to - 1, kind: 'blk', repeats: to - from },
        spread: { t: minutes, n: minutes.map(() => 60) },
      };
    };
    const log = Array.from({ length: 1980 }, (_, i) => io(1, T0 + i * 1000, i));
    const logFold = fold(1, 1980, 5040);
    const ring = Array.from({ length: 1980 }, (_, i) => io(0, T0 + (3960 + i) * 1000, 3960 + i, { uptime: 3960 + i }));
    const ringFold = fold(0, 5940, 8040, { uptime: 8039 });
    const count = (list: TimelineEvent[]): number => list.reduce((n, e) => n + Number(e.attrs['repeats'] ?? 1), 0);
    expect(count([...log, logFold])).toBe(5040);
    expect(count([...ring, ringFold])).toBe(4080);
    const { kept, dropped } = dropKernelTwins([...log, logFold, ...ring, ringFold], files);
    // 8 040 errors happened; 5 040 + 4 080 were counted, the 1 080 from 3 960 s to 5 040 s twice
    expect(count(kept)).toBe(8040);
    // the syslog's last line is the ring's too, paired as a twin (the fold kept, it counts more); then
    // the syslog's fold gave up the other shared minutes, its count and spread alike
    expect(kept.filter((e) => e.file === 0)).toHaveLength(1980);
    const cut = kept.find((e) => e.file === 1 && e.attrs['repeats'] !== undefined);
    expect(cut?.attrs['repeats']).toBe(3060 - 1079);
    expect(cut?.spread?.n.reduce((a, b) => a + b, 0)).toBe(3060 - 1079);
    expect(dropped.get(1)).toBe(1079);
    expect(dropped.get(0)).toBe(1);
  });
});
