import { median } from 'simple-statistics';
import type { Diagnostic } from '../model.js';
import { isCrashedBootLog } from '../parsers/dmesg.js';
import { twinKey } from './kernel-twins.js';
import { lateBy } from './late-by.js';
import type { FileInfo } from './store.js';
import type { TimelineEvent } from './timeline.js';

/**
 * A crashed boot's kernel log, as kdump saved it (var/crash/<host>-<date-time>/vmcore-dmesg.txt),
 * counts seconds from a boot the bundle gives no time for. The parser places it by the dump
 * directory's name, the moment the capture kernel started saving: seconds to minutes after the
 * panic (it boots a second kernel first; a large host's memory takes long to walk), and in the
 * capture kernel's time zone. The syslog of that boot (var/log/messages, kern.log, the journal)
 * holds many of the same events at the times they happened, up to the last one written before the
 * panic. One shift of the whole log that lands its events on their syslog copies places it to the
 * second, and lets the twin matching count each of them once instead of twice.
 */

/** How far the dump directory's time may be from the events' own: kdump's capture boot and walk of memory. */
const ALIGN_WINDOW_MS = 15 * 60_000;

/** Copies that one shift places agree to this: syslog stamps whole seconds, and the two clocks drift. */
const AGREE_MS = 2_000;

/** The logs that hold the crashed boot's lines at their own times, with a daemon's wall-clock stamp. */
const WALL_CLOCK_LOGS = new Set(['syslog', 'journal']);

interface Proposal {
  /** the crashed boot's start, epoch ms, that lands this pair together */
  start: number;
  /** the two lines carried the same kernel stamp: the same line, whatever the times */
  stamped: boolean;
  from: number;
}

/** Shifts each crashed boot's events onto their copies in the syslog of that boot, when enough agree. */
export function alignCrashedBoots(events: TimelineEvent[], files: readonly FileInfo[], diagnostics: Diagnostic[]): void {
  const crashFiles = new Set<number>();
  files.forEach((f, i) => {
    if (f.parser === 'dmesg' && isCrashedBootLog(f.path)) crashFiles.add(i);
  });
  if (crashFiles.size === 0) return;
  let wallClock: Map<string, TimelineEvent[]> | null = null;
  for (const file of crashFiles) {
    const crashed = events.filter((e) => e.file === file && e.uptime !== undefined);
    if (crashed.length === 0) continue;
    wallClock ??= wallClockEvents(events, files);
    if (wallClock.size === 0) return;
    const proposals: Proposal[] = [];
    for (const c of crashed) {
      const copies = wallClock.get(twinKey(c));
      if (!copies) continue;
      const uptimeMs = (c.uptime as number) * 1000;
      for (const o of copies) {
        const stamped = o.uptime !== undefined;
        if (stamped && o.uptime !== c.uptime) continue;
        // without a stamp on the copy only the times can tell, and only near where the dump's name put it
        if (!stamped && (c.t === null || Math.abs((o.t as number) - c.t) > ALIGN_WINDOW_MS)) continue;
        proposals.push({ start: (o.t as number) - uptimeMs, stamped, from: o.file });
      }
    }
    const best = largestAgreement(proposals);
    if (!best) continue;
    const start = median(best.map((p) => p.start));
    const before = crashed.find((e) => e.t !== null && e.attrs['repeats'] === undefined);
    const shift = before ? start - ((before.t as number) - (before.uptime as number) * 1000) : null;
    for (const e of events) {
      if (e.file !== file) continue;
      if (e.t !== null && shift !== null) {
        e.t += shift;
        if (e.spread) e.spread = { t: e.spread.t.map((t) => t + shift), n: e.spread.n };
      } else if (e.t === null && e.uptime !== undefined) {
        e.t = start + e.uptime * 1000;
      }
    }
    const sources = [...new Set(best.map((p) => files[p.from]?.path ?? '?'))].join(', ');
    const n = best.length;
    const how =
      shift === null
        ? "the dump's directory gives no time"
        : Math.abs(shift) < AGREE_MS
          ? "as its dump directory's time said"
          : `${lateBy(Math.abs(shift))} ${shift < 0 ? 'earlier' : 'later'} than its dump directory's time said`;
    diagnostics.push({
      source: files[file]?.path ?? '?',
      severity: 'info',
      message: `placed by the ${n} kernel event${n === 1 ? '' : 's'} it shares with ${sources}, the syslog of the boot that crashed (${how}); each is counted once`,
    });
  }
}

/** The timed events of the wall-clock kernel logs, by twin key. */
function wallClockEvents(events: TimelineEvent[], files: readonly FileInfo[]): Map<string, TimelineEvent[]> {
  const out = new Map<string, TimelineEvent[]>();
  for (const e of events) {
    if (e.t === null || !WALL_CLOCK_LOGS.has(files[e.file]?.parser ?? '')) continue;
    const key = twinKey(e);
    const list = out.get(key);
    if (list) list.push(e);
    else out.set(key, [e]);
  }
  return out;
}

/**
 * The most proposals that agree on one start, when they are enough to trust: two or more, or one
 * line both logs stamped alike, or the only pair there is.
 */
function largestAgreement(proposals: Proposal[]): Proposal[] | null {
  if (proposals.length === 0) return null;
  const sorted = [...proposals].sort((a, b) => a.start - b.start);
  let bestFrom = 0;
  let bestTo = 0;
  for (let from = 0, to = 0; from < sorted.length; from++) {
    while (to < sorted.length && (sorted[to] as Proposal).start - (sorted[from] as Proposal).start <= AGREE_MS) to++;
    if (to - from > bestTo - bestFrom) {
      bestFrom = from;
      bestTo = to;
    }
  }
  const best = sorted.slice(bestFrom, bestTo);
  return best.length >= 2 || best.some((p) => p.stamped) || proposals.length === 1 ? best : null;
}
