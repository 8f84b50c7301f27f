import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { parseText } from '../../src/parsers/collect.js';
import { syslog } from '../../src/parsers/syslog.js';
import { clockFiles, writeBundleDir } from '../helpers/bundle-dir.js';

// kern.log of a real Debian 12 guest (rsyslog 8.2302, RFC 3339 stamps; test/fixtures/SOURCES-logs.md): three boots,
// each of whose first kernel lines rsyslog wrote down when it started, 33 to 163 s into the boot, all stamped then.
// Only the current boot's start is known elsewhere (proc/stat: btime 1796687767 = 23:56:07).
const kernLog = readFileSync(path.resolve(import.meta.dirname, '../fixtures/syslog/debian12-kdump-guest_kern.log'), 'utf8');
const iso = (t: number | null): string => new Date(t ?? NaN).toISOString();
/** each boot's lines in the file, and whether its start is only the latest it can have been */
const BOOT_LINES = [
  { from: 1, to: 443 },
  { from: 444, to: 888, latest: true },
  { from: 889, to: 1335 },
];

describe("an earlier boot's kernel lines a syslog daemon wrote down late", () => {
  it("are dated by the boot's own lines: a line written as it came, else the last one written down late", () => {
    const r = parseText(syslog, kernLog, { path: 'var/log/kern.log', year: 2026 });
    const clocks = r.events.filter((e) => e.type === 'boot-clock');
    expect(clocks.map((e) => e.attrs)).toEqual(BOOT_LINES);
    // boot 1: "[  169.619078] hrtimer: interrupt took 67534420 ns", written at 23:24:41.394895, 7 s after the flush
    expect(iso(clocks[0]?.t ?? null)).toBe('2026-12-07T23:21:51.774Z');
    // boot 2 has no line written as it came: its flush (23:27:25.324) ends with "[   33.266102] powernow_k8: …"
    expect(iso(clocks[1]?.t ?? null)).toBe('2026-12-07T23:26:52.057Z');
    // boot 3, the current one: the same second as proc/stat's btime
    expect(iso(clocks[2]?.t ?? null)).toBe('2026-12-07T23:56:07.070Z');
    // the boot lines themselves still carry rsyslog's stamps: the parser does not move them
    expect(r.events.filter((e) => e.type === 'boot').map((e) => iso(e.t))).toEqual([
      '2026-12-07T23:24:34.848Z',
      '2026-12-07T23:27:25.324Z',
      '2026-12-07T23:56:56.007Z',
    ]);
  });

  it("the same from rsyslog's traditional format (no year, whole seconds)", () => {
    // the real file's stamps cut to RSYSLOG_TraditionalFileFormat: "Dec  7 23:24:41 crashhost kernel: …"
    const traditional = kernLog.replace(
      /^2026-12-(\d\d)T(\d\d:\d\d:\d\d)\.\d+\+00:00 /gm,
      (_m, day: string, time: string) => `Dec ${day.replace(/^0/, ' ')} ${time} `,
    );
    expect(traditional.split('\n', 1)[0]).toMatch(/^Dec {2}7 23:24:34 crashhost kernel: \[ {4}0\.000000\] Linux version/);
    const r = parseText(syslog, traditional, { path: 'var/log/kern.log', year: 2026 });
    const clocks = r.events.filter((e) => e.type === 'boot-clock');
    expect(clocks.map((e) => e.attrs)).toEqual(BOOT_LINES);
    expect(clocks.every((e) => e.timeBase === 'local-noyear')).toBe(true);
    // 23:24:41 - 169.619078 s; 23:27:25 - 33.266102 s; 23:57:07 - 60.395536 s: within the second the stamps drop
    const start = (i: number): number => new Date(Date.UTC(2026, 11, 7)).getTime() + ((clocks[i]?.t ?? 0) % 86_400_000);
    expect(iso(start(0))).toBe('2026-12-07T23:21:51.380Z');
    expect(iso(start(1))).toBe('2026-12-07T23:26:51.733Z');
    expect(iso(start(2))).toBe('2026-12-07T23:56:06.604Z');
  });

  describe('on the timeline', () => {
    let root = '';
    let dir = '';
    beforeAll(async () => {
      root = mkdtempSync(path.join(tmpdir(), 'sosmortem-boots-'));
      dir = await writeBundleDir(root, 'bundle', { 'var/log/kern.log': kernLog, ...clockFiles(1796687767, 'Mon Dec  7 23:57:34 UTC 2026') });
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('places each boot and its early events by the kernel, not at the daemon’s start', async () => {
      const { timeline } = await analyze([dir]);
      const at = (type: string): string[] => timeline.events.filter((e) => e.type === type).map((e) => iso(e.t));
      expect(at('boot')).toEqual(['2026-12-07T23:21:51.774Z', '2026-12-07T23:26:52.057Z', '2026-12-07T23:56:07.000Z']);
      // "Reserving 116MB of memory at 1888MB for crashkernel", [0.042167] into the first boot
      expect(at('crash-reserve')[0]).toBe('2026-12-07T23:21:51.817Z');
      expect(timeline.events.some((e) => e.type === 'boot-clock')).toBe(false);
      // the second boot's time is a bound, and its event says so (the postmortem: "host booted (at the latest: …)")
      expect(timeline.events.filter((e) => e.type === 'boot').map((e) => e.attrs['atLatest'] === true)).toEqual([false, true, false]);
      // the reader is told how each was placed
      expect(timeline.lineNotes.get(`${timeline.events.find((e) => e.type === 'boot')?.file}:1`)).toContain(
        '3 min after the kernel stamped the event [0.000000] = 2026-12-07 23:21:51',
      );
      expect(timeline.lineNotes.get(`${timeline.events.find((e) => e.type === 'boot')?.file}:444`)).toContain(
        'counted from the latest this boot can have started',
      );
    });
  });
});
