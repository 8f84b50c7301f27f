import { firstAtOrAfter } from './first-at-or-after.js';
import type { FileInfo } from './store.js';
import type { TimelineEvent } from './timeline.js';

/**
 * The kernel's messages reach a sosreport more than once: the ring buffer
 * (`sos_commands/kernel/dmesg`, and `var/log/dmesg` saved at boot) and the
 * logs the kernel's lines were written to (`var/log/messages`, `syslog`,
 * `kern.log`, the journal). One OOM kill logged in both read as two kills,
 * one corrected memory error as two. An event parsed from one of these files
 * is dropped when an event of another of them says the same: type, labels
 * and attributes alike (the same lines, parsed alike), placed within
 * TWIN_WINDOW_MS, and with the same kernel stamp ("[48384.771762]") when both
 * lines carry one. Pairs are made nearest first and one to one per pair of
 * files, so a task reported hung twice, two minutes apart, stays two. A line
 * a syslog daemon wrote down late is placed by its kernel stamp beforehand
 * (timeline.ts), so its copies meet; the same stamp alone would not do, as
 * every boot starts again from 0 ("Linux version" is at 0.000000 each time).
 * Of two copies the one kept is the one dated by the kernel's own stamp
 * (dmesg's, placed from the boot time), unless the other counted more of a
 * folded storm.
 */

/** where a kernel event can be read: the logs, and rasdaemon's record of the memory errors the kernel reported */
const KERNEL_LOG_PARSERS = new Set(['dmesg', 'syslog', 'journal', 'rasdaemon']);

/**
 * How far apart the same line may be placed by two files when only their
 * times can tell: dmesg's stamps count from a boot time known to the second,
 * and its monotonic clock drifts from the wall clock syslog stamps with
 * (NTP's slewing, a suspend); a minute either way leaves room for that and
 * is far shorter than two distinct events with the same pid, address or
 * sector would need.
 */
const TWIN_WINDOW_MS = 60_000;

/**
 * A syslog daemon writes the ring buffer down when it starts, every early line stamped with its start
 * time: minutes after the kernel on a slow boot (163 s in a real emulated guest; RAID assembly or a long
 * initramfs on a large server). timeline.ts places such a line by its kernel stamp, counted from the
 * boot's start: proc/stat's for the current boot, the file's own lines for an earlier one (parsers/syslog.ts),
 * which can only bound it when the daemon wrote no line of that boot as it came. A line of a boot's first
 * minutes (its kernel stamp says so) that a syslog file still placed later than another log's copy, by up
 * to this much, is that copy: a line is written late, never early.
 */
const LATE_EARLY_BOOT_MS = 10 * 60_000;

/**
 * Attributes that differ between two files' copies of one folded storm: its count, and the sums a
 * fold keeps of additive attributes (event-storm.ts), which are a line's own values only unfolded.
 */
const FOLD_ATTRS = new Set(['repeats', 'suppressedBefore', 'errorCount']);

/** Words one source adds to the same record: rasdaemon's decoding of a machine check the kernel printed bare. */
const DESCRIPTIVE_ATTRS = new Set(['decoded']);

interface Kept {
  e: TimelineEvent;
  /** the files whose copy of it was found */
  files: Set<number>;
}

/** The events with every twin of another kernel log removed; how many were removed, by file. */
export function dropKernelTwins(events: TimelineEvent[], files: readonly FileInfo[]): { kept: TimelineEvent[]; dropped: Map<number, number> } {
  const dropped = new Map<number, number>();
  const fromKernelLog = (e: TimelineEvent): boolean => KERNEL_LOG_PARSERS.has(files[e.file]?.parser ?? '');
  const logFiles = new Set<number>();
  for (const e of events) if (fromKernelLog(e)) logFiles.add(e.file);
  if (logFiles.size < 2) return { kept: events, dropped };

  const fromRing = (e: TimelineEvent): boolean => files[e.file]?.parser === 'dmesg';
  const writtenLateMaybe = (e: TimelineEvent): boolean => files[e.file]?.parser === 'syslog' && e.uptime !== undefined && e.uptime * 1000 < LATE_EARLY_BOOT_MS;
  const twins = new Set<TimelineEvent>();
  // The copy to drop of two: the less counted storm, else the one not dated by the kernel's stamp, else the later placed.
  const settle = (k: Kept, e: TimelineEvent): void => {
    k.files.add(e.file);
    const ke = Number(k.e.attrs['repeats'] ?? 1);
    const ee = Number(e.attrs['repeats'] ?? 1);
    const eWins = ee !== ke ? ee > ke : (k.e.t === null && e.t !== null) || (fromRing(e) && !fromRing(k.e) && e.t !== null);
    const loser = eWins ? k.e : e;
    if (eWins) k.e = e;
    // the copy kept keeps the other's decoding (rasdaemon's words for a machine check dmesg printed bare)
    for (const a of DESCRIPTIVE_ATTRS)
      if (loser.attrs[a] !== undefined && k.e.attrs[a] === undefined) k.e.attrs = { ...k.e.attrs, [a]: loser.attrs[a] as string };
    twins.add(loser);
    dropped.set(loser.file, (dropped.get(loser.file) ?? 0) + 1);
  };

  const byKey = new Map<string, TimelineEvent[]>();
  for (const e of events) {
    if (!fromKernelLog(e)) continue;
    const key = twinKey(e);
    const same = byKey.get(key);
    if (same) same.push(e);
    else byKey.set(key, [e]);
  }
  for (const same of byKey.values()) {
    const timed = same.filter((e) => e.t !== null);
    if (timed.length < 2) continue;
    timed.sort((a, b) => (a.t as number) - (b.t as number));
    const kept: Kept[] = [];
    for (const e of timed) {
      const t = e.t as number;
      const window = writtenLateMaybe(e) ? LATE_EARLY_BOOT_MS : TWIN_WINDOW_MS;
      let twinOf: Kept | null = null;
      for (let i = kept.length - 1; i >= 0; i--) {
        const k = kept[i] as Kept;
        if (t - (k.e.t as number) > window) break;
        // past the usual window, only another log's copy dated by the kernel's own time (not a syslog's)
        if (t - (k.e.t as number) > TWIN_WINDOW_MS && files[k.e.file]?.parser === 'syslog') continue;
        // two lines the kernel stamped differently are two events, however close
        if (!k.files.has(e.file) && (k.e.uptime === undefined || e.uptime === undefined || k.e.uptime === e.uptime)) {
          twinOf = k;
          break;
        }
      }
      if (twinOf === null) kept.push({ e, files: new Set([e.file]) });
      else settle(twinOf, e);
    }
  }
  dropStormsCoveredElsewhere(events, fromKernelLog, twins, dropped);
  settleOverlappingStorms(events, fromKernelLog, fromRing, twins, dropped);
  dropNoticesDecodedElsewhere(events, fromKernelLog, twins, dropped);
  if (twins.size === 0) return { kept: events, dropped };
  return { kept: events.filter((e) => !twins.has(e)), dropped };
}

/**
 * A storm folded in one log (its first events itemised, the rest counted onto the last) pairs with
 * another log's copy only at that last event: a ring buffer keeps the storm's end, so its first
 * 2 000 itemised events are the log's counted ones, and pairing finds nothing to match them. When
 * one file's folded storm of a shape spans every event of that shape in another file and counts at
 * least as many, the other file's events of that shape are that storm again.
 */
function dropStormsCoveredElsewhere(
  events: TimelineEvent[],
  fromKernelLog: (e: TimelineEvent) => boolean,
  twins: Set<TimelineEvent>,
  dropped: Map<number, number>,
): void {
  for (const files of stormShapes(events, fromKernelLog, twins).values()) {
    if (files.size < 2) continue;
    const parts = [...files.values()].map((list) => {
      let count = 0;
      let folded = false;
      let first = Infinity;
      let last = -Infinity;
      for (const e of list) {
        const repeats = e.attrs['repeats'];
        count += typeof repeats === 'number' ? repeats : 1;
        if (typeof repeats === 'number') folded = true;
        first = Math.min(first, e.t as number);
        last = Math.max(last, e.t as number);
      }
      return { events: list, count, folded, first, last };
    });
    for (const storm of parts) {
      if (!storm.folded) continue;
      for (const other of parts) {
        if (other === storm || other.events.every((e) => twins.has(e))) continue;
        const covered = other.first >= storm.first - TWIN_WINDOW_MS && other.last <= storm.last + TWIN_WINDOW_MS;
        if (!covered || other.count > storm.count) continue;
        for (const e of other.events) {
          if (twins.has(e)) continue;
          twins.add(e);
          dropped.set(e.file, (dropped.get(e.file) ?? 0) + 1);
        }
      }
    }
  }
}

/**
 * The timed kernel-log events not yet dropped, of the types a storm was folded in (only those can
 * hold one), by shape and then by file.
 */
function stormShapes(
  events: TimelineEvent[],
  fromKernelLog: (e: TimelineEvent) => boolean,
  twins: Set<TimelineEvent>,
): Map<string, Map<number, TimelineEvent[]>> {
  const byShape = new Map<string, Map<number, TimelineEvent[]>>();
  const foldedTypes = new Set<string>();
  for (const e of events) if (e.attrs['repeats'] !== undefined && fromKernelLog(e) && !twins.has(e)) foldedTypes.add(e.type);
  if (foldedTypes.size === 0) return byShape;
  for (const e of events) {
    if (e.t === null || !foldedTypes.has(e.type) || twins.has(e) || !fromKernelLog(e)) continue;
    const shape = shapeKey(e);
    let files = byShape.get(shape);
    if (!files) byShape.set(shape, (files = new Map()));
    const list = files.get(e.file);
    if (list) list.push(e);
    else files.set(e.file, [e]);
  }
  return byShape;
}

const MINUTE_MS = 60_000;

/** How many events an event stands for in each wall-clock minute: its spread when folded, else its own minute. */
function addMinutes(into: Map<number, number>, e: TimelineEvent): boolean {
  const repeats = e.attrs['repeats'];
  if (typeof repeats !== 'number') {
    const m = Math.floor((e.t as number) / MINUTE_MS);
    into.set(m, (into.get(m) ?? 0) + 1);
    return true;
  }
  const spread = e.spread;
  let sum = 0;
  if (spread) for (const n of spread.n) sum += n;
  // a fold whose spread was given up (too many runs) says only its end: its minutes are unknown
  if (!spread || sum !== repeats) return false;
  for (let i = 0; i < spread.t.length; i++) {
    const m = Math.floor((spread.t[i] as number) / MINUTE_MS);
    into.set(m, (into.get(m) ?? 0) + (spread.n[i] as number));
  }
  return true;
}

/**
 * Two logs' copies of one storm that overlap in time without either spanning the other (those went
 * in dropStormsCoveredElsewhere): a syslog that stopped writing (its disk full, its daemon dead)
 * while the ring buffer went on, or a ring that kept only a storm's end while the log has its start.
 * Each counted its share, and the stretch both recorded was counted twice. Minute by minute, what
 * both counted (the smaller of the two counts) is taken off the copy not dated by the kernel's stamp
 * (of two logs, the one that counted less): its itemised events first, then its fold's count, spread
 * and sums. Minutes are the wall clock's, and a ring's minutes of uptime fall across them: at the
 * overlap's two edges up to a minute's worth can stay counted twice.
 */
function settleOverlappingStorms(
  events: TimelineEvent[],
  fromKernelLog: (e: TimelineEvent) => boolean,
  fromRing: (e: TimelineEvent) => boolean,
  twins: Set<TimelineEvent>,
  dropped: Map<number, number>,
): void {
  for (const files of stormShapes(events, fromKernelLog, twins).values()) {
    if (files.size !== 2) continue;
    const [[fa, a], [fb, b]] = [...files.entries()] as [[number, TimelineEvent[]], [number, TimelineEvent[]]];
    if (!a.some((e) => e.attrs['repeats'] !== undefined) && !b.some((e) => e.attrs['repeats'] !== undefined)) continue;
    const perMinute = (list: TimelineEvent[]): Map<number, number> | null => {
      const m = new Map<number, number>();
      for (const e of list) if (!addMinutes(m, e)) return null;
      return m;
    };
    const ma = perMinute(a);
    const mb = perMinute(b);
    if (ma === null || mb === null) continue;
    const total = (m: Map<number, number>): number => [...m.values()].reduce((s, n) => s + n, 0);
    // the copy to reduce: not the ring buffer's; of two logs, the one that counted less
    const ringA = fromRing(a[0] as TimelineEvent);
    const ringB = fromRing(b[0] as TimelineEvent);
    const reduceB = ringA !== ringB ? ringA : total(ma) >= total(mb);
    const [keep, cut, cutFile] = reduceB ? [ma, b, fb] : [mb, a, fa];
    const cutMinutes = reduceB ? mb : ma;
    const shared = new Map<number, number>();
    for (const [m, n] of cutMinutes) {
      const both = Math.min(n, keep.get(m) ?? 0);
      if (both > 0) shared.set(m, both);
    }
    if (shared.size === 0) continue;
    let removed = 0;
    for (const e of cut) {
      if (e.attrs['repeats'] !== undefined) continue;
      const m = Math.floor((e.t as number) / MINUTE_MS);
      const left = shared.get(m) ?? 0;
      if (left === 0) continue;
      shared.set(m, left - 1);
      twins.add(e);
      removed++;
    }
    for (const e of cut) {
      const repeats = e.attrs['repeats'];
      if (typeof repeats !== 'number' || !e.spread) continue;
      const n = e.spread.n.slice();
      let taken = 0;
      for (let i = 0; i < n.length; i++) {
        const m = Math.floor((e.spread.t[i] as number) / MINUTE_MS);
        const take = Math.min(shared.get(m) ?? 0, n[i] as number);
        if (take === 0) continue;
        n[i] = (n[i] as number) - take;
        shared.set(m, (shared.get(m) ?? 0) - take);
        taken += take;
      }
      if (taken === 0) continue;
      removed += taken;
      const left = repeats - taken;
      if (left <= 0) {
        twins.add(e);
        continue;
      }
      const attrs: TimelineEvent['attrs'] = { ...e.attrs, repeats: left };
      // a fold's sums (event-storm.ts ADDITIVE_ATTRS) shrink with its count
      for (const k of ['errorCount', 'suppressedBefore']) {
        const v = attrs[k];
        if (typeof v === 'number') attrs[k] = Math.round((v * left) / repeats);
      }
      e.attrs = attrs;
      const t: number[] = [];
      const kept: number[] = [];
      n.forEach((c, i) => {
        if (c > 0) {
          t.push(e.spread?.t[i] as number);
          kept.push(c);
        }
      });
      e.spread = { t, n: kept };
    }
    if (removed > 0) dropped.set(cutFile, (dropped.get(cutFile) ?? 0) + removed);
  }
}

/**
 * How far apart the kernel's bare "Machine check events logged" and another file's decoded record of
 * the same machine check may be placed: the kernel prints the notice when it queues the record, and
 * rasdaemon stamps the record when its tracepoint fires, in the same second on a host that keeps up.
 */
const NOTICE_WINDOW_MS = 10_000;

/**
 * The kernel says only "Machine check events logged" for a machine check it queues for mcelog or
 * rasdaemon, and the scanner drops the notice when the same log decodes the error beside it. When
 * the decoded record is in another file (rasdaemon's), the notice is that record's too: dropped, one
 * notice per record, nearest first.
 */
function dropNoticesDecodedElsewhere(
  events: TimelineEvent[],
  fromKernelLog: (e: TimelineEvent) => boolean,
  twins: Set<TimelineEvent>,
  dropped: Map<number, number>,
): void {
  const isMce = (e: TimelineEvent): boolean => e.type === 'hw-error' && e.attrs['source'] === 'mce' && e.t !== null && fromKernelLog(e) && !twins.has(e);
  // a folded storm of notices stands for more than one record: left as it is
  const notices = events.filter((e) => isMce(e) && e.attrs['location'] === undefined && e.attrs['repeats'] === undefined);
  if (notices.length === 0) return;
  const records = events.filter((e) => isMce(e) && e.attrs['location'] !== undefined).sort((a, b) => (a.t as number) - (b.t as number));
  const used = new Set<TimelineEvent>();
  for (const n of notices.sort((a, b) => (a.t as number) - (b.t as number))) {
    const t = n.t as number;
    let best: TimelineEvent | null = null;
    for (
      let i = firstAtOrAfter(records, t - NOTICE_WINDOW_MS, (r) => r.t);
      i < records.length && ((records[i] as TimelineEvent).t as number) <= t + NOTICE_WINDOW_MS;
      i++
    ) {
      const r = records[i] as TimelineEvent;
      if (r.file === n.file || used.has(r)) continue;
      if (best === null || Math.abs((r.t as number) - t) < Math.abs((best.t as number) - t)) best = r;
    }
    if (best === null) continue;
    used.add(best);
    twins.add(n);
    dropped.set(n.file, (dropped.get(n.file) ?? 0) + 1);
  }
}

/** What event-storm.ts folds by: the type, the labels and the attributes that are not numbers. */
function shapeKey(e: TimelineEvent): string {
  let key = e.type;
  for (const k of Object.keys(e.labels).sort()) key += `|${k}=${e.labels[k]}`;
  key += '#';
  for (const k of Object.keys(e.attrs).sort()) {
    const v = e.attrs[k];
    if (typeof v !== 'number') key += `|${k}=${String(v)}`;
  }
  return key;
}

/** Two logs' copies of one kernel event have the same key: type, labels, and the attributes a fold does not change. */
export function twinKey(e: TimelineEvent): string {
  let key = e.type;
  for (const k of Object.keys(e.labels).sort()) key += `|${k}=${e.labels[k]}`;
  key += '#';
  const folded = e.attrs['repeats'] !== undefined;
  for (const k of Object.keys(e.attrs).sort())
    if (!(folded ? FOLD_ATTRS.has(k) : k === 'suppressedBefore') && !DESCRIPTIVE_ATTRS.has(k)) key += `|${k}=${String(e.attrs[k])}`;
  return key;
}
