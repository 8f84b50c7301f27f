import type { Diagnostic, Labels, TimeBase } from '../model.js';
import type { EventRecord, EventSpread } from '../parsers/types.js';
import { resolveGuestName } from '../parsers/libvirt-machine.js';
import { startFailureCause } from '../parsers/libvirt-qemu-log.js';
import { toLocalText, type Clock } from './clock.js';
import type { FactEntry, FileInfo, RecordStore } from './store.js';
import { labelsKey } from './store.js';
import { alignCrashedBoots } from './crashed-boot.js';
import { isCrashedBootLog } from '../parsers/dmesg.js';
import { dropKernelTwins } from './kernel-twins.js';
import { lateBy } from './late-by.js';
import { firstAtOrAfter } from './first-at-or-after.js';
import { BOOT_CLOCK_EVENT } from '../parsers/syslog.js';

/** One metric for one subject, on absolute time, sorted. */
export interface Series {
  metric: string;
  labels: Labels;
  key: string;
  t: Float64Array;
  v: Float64Array;
  line: Int32Array;
  file: Int32Array;
}

export interface TimelineEvent {
  type: string;
  /** epoch ms, or null when the source could not be placed in time */
  t: number | null;
  labels: Labels;
  attrs: Record<string, string | number | boolean>;
  file: number;
  line: number;
  lines: { line: number; text: string }[];
  /** a folded storm's events per minute (EventRecord.spread), placed: minute i starts at t[i] epoch ms */
  spread?: EventSpread;
  /** the kernel's own stamp of the line, seconds since boot (EventRecord.uptime) */
  uptime?: number;
}

/**
 * The bundle on one clock: every sample and event in epoch milliseconds, facts
 * alongside. Rules read this and nothing else.
 */
export class Timeline {
  private readonly byMetric = new Map<string, Series[]>();
  /**
   * What a reader of a quoted line must know that the line does not say, by `${file}:${line}`: a
   * kernel line a syslog daemon wrote down late carries the daemon's time, not the one the event has.
   */
  readonly lineNotes = new Map<string, string>();
  /** facts by name, built on first lookup: rules ask for facts by name hundreds of times */
  private byFactName: Map<string, FactEntry[]> | null = null;
  constructor(
    readonly series: Series[],
    readonly events: TimelineEvent[],
    readonly facts: FactEntry[],
    readonly files: FileInfo[],
    readonly clock: Clock,
    /** the first and last placed sample of each file (by index), whether or not another file's samples were preferred over its */
    readonly fileSpans: ReadonlyMap<number, readonly [number, number]> = new Map(),
  ) {
    for (const s of series) {
      const list = this.byMetric.get(s.metric);
      if (list) list.push(s);
      else this.byMetric.set(s.metric, [s]);
    }
  }

  lineNote(file: number, line: number): string | undefined {
    return this.lineNotes.get(`${file}:${line}`);
  }

  seriesOf(metric: string): Series[] {
    return this.byMetric.get(metric) ?? [];
  }

  metrics(): string[] {
    return [...this.byMetric.keys()];
  }

  fact(name: string, labels?: Labels): string | number | boolean | undefined {
    return this.factEntry(name, labels)?.value;
  }

  factEntry(name: string, labels?: Labels): FactEntry | undefined {
    const named = this.factsNamed(name);
    return labels ? named.find((f) => Object.entries(labels).every(([k, v]) => f.labels[k] === v)) : named[0];
  }

  /** In the order the facts were read; do not modify the array returned. */
  factsNamed(name: string): FactEntry[] {
    if (!this.byFactName) {
      this.byFactName = new Map();
      for (const f of this.facts) {
        const list = this.byFactName.get(f.name);
        if (list) list.push(f);
        else this.byFactName.set(f.name, [f]);
      }
    }
    return this.byFactName.get(name) ?? [];
  }

  eventsOf(type: string): TimelineEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  filePath(idx: number): string {
    return this.files[idx]?.path ?? '?';
  }

  /**
   * The window the report draws: the span of the samples, widened by events
   * near it. A boot weeks before the incident (dmesg starts at boot) would
   * otherwise squash the incident into a sliver of the chart.
   */
  span(): { start: number; end: number } | null {
    let start = Infinity;
    let end = -Infinity;
    for (const s of this.series) {
      if (s.t.length === 0) continue;
      start = Math.min(start, s.t[0] as number);
      end = Math.max(end, s.t[s.t.length - 1] as number);
    }
    const timed = this.events.filter((e): e is TimelineEvent & { t: number } => e.t !== null);
    if (!Number.isFinite(start)) {
      const notBoot = timed.filter((e) => e.type !== 'boot');
      for (const e of notBoot.length ? notBoot : timed) {
        start = Math.min(start, e.t);
        end = Math.max(end, e.t);
      }
      return Number.isFinite(start) ? { start, end } : null;
    }
    const margin = 24 * 3600 * 1000;
    for (const e of timed) {
      // A boot is context, not incident: it never widens the window.
      if (e.type === 'boot' || e.t < start - margin || e.t > end + margin) continue;
      start = Math.min(start, e.t);
      end = Math.max(end, e.t);
    }
    return { start, end };
  }
}

/**
 * Places the store's records on the clock (consuming its raw series). Device names such as sar's
 * `dev253-0` are rewritten to the kernel's (`dm-0`) when the bundle says how.
 */
export function buildTimeline(store: RecordStore, clock: Clock, diagnostics: Diagnostic[]): Timeline {
  const devMap = deviceNameMap(store);
  const merged = new Map<string, { metric: string; labels: Labels; parts: Part[] }>();
  const unplaced = new Map<number, number>();
  const place = memoPlace(clock);
  let last: { timeBase: TimeBase; raw: Float64Array; placed: Float64Array; bad: number; lo: number; hi: number } | null = null;
  const fileSpans = new Map<number, [number, number]>();
  for (const raw of store.rawSeries()) {
    let labels = raw.labels;
    const dev = labels['device'];
    if (dev !== undefined) {
      const mapped = devMap.get(dev);
      if (mapped) labels = { ...labels, device: mapped };
    }
    // Placed in place: the raw times are not needed again, and a month of samples is large.
    const t = raw.t.subarray(0, raw.n);
    let bad = 0;
    if (last && last.timeBase === raw.timeBase && sameTimes(last.raw, t)) {
      // The columns of one sar section share their instants: placed once, copied after.
      t.set(last.placed);
      bad = last.bad;
    } else {
      const before = t.slice();
      for (let i = 0; i < raw.n; i++) {
        const placed = place(raw.timeBase, t[i] as number);
        if (placed === null) bad++;
        t[i] = placed ?? NaN;
      }
      const [lo, hi] = endsOf(t);
      last = { timeBase: raw.timeBase, raw: before, placed: t, bad, lo, hi };
    }
    if (last.lo <= last.hi) {
      const cur = fileSpans.get(raw.fileIdx);
      if (!cur) fileSpans.set(raw.fileIdx, [last.lo, last.hi]);
      else if (last.lo < cur[0] || last.hi > cur[1]) fileSpans.set(raw.fileIdx, [Math.min(cur[0], last.lo), Math.max(cur[1], last.hi)]);
    }
    if (bad > 0) unplaced.set(raw.fileIdx, (unplaced.get(raw.fileIdx) ?? 0) + bad);
    // The store keyed the raw labels already; only a renamed device needs a new key.
    const key = `${raw.metric}|${labels === raw.labels ? raw.labelsKey : labelsKey(labels)}`;
    let m = merged.get(key);
    if (!m) {
      m = { metric: raw.metric, labels, parts: [] };
      merged.set(key, m);
    }
    m.parts.push({ t, v: raw.v.subarray(0, raw.n), line: raw.line.subarray(0, raw.n), file: raw.fileIdx, lo: last.lo, hi: last.hi, placed: raw.n - bad });
  }
  for (const [fileIdx, count] of unplaced) {
    diagnostics.push({
      source: store.files[fileIdx]?.path ?? '?',
      severity: 'warning',
      message: `${count} samples could not be placed in time (${timeHint(store.files[fileIdx]?.parser)}); they are left out`,
    });
  }
  // The store's raw series are consumed: each is released as soon as it is merged,
  // so peak memory is the raw data plus one series, not raw plus merged.
  store.raw.clear();
  const series: Series[] = [];
  const attachment = (file: number): boolean => store.files[file]?.path.startsWith('attachments/') ?? false;
  for (const [key, m] of merged) {
    series.push(mergeParts(key, m.metric, m.labels, preferOneSource(m.parts, attachment)));
    m.parts = [];
    merged.delete(key);
  }

  const events: TimelineEvent[] = [];
  let unplacedEvents = 0;
  const domains = guestDomains(store);
  let lateKernelLines = 0;
  const lineNotes = new Map<string, string>();
  // a crashed boot's stamps count from that boot, never this one's
  const crashedBootFiles = new Set<number>();
  store.files.forEach((f, i) => {
    if (f.parser === 'dmesg' && isCrashedBootLog(f.path)) crashedBootFiles.add(i);
  });
  // when each boot of a syslog file started, by its own lines (parsers/syslog.ts): the lines from..to of the file
  const bootClocks = new Map<number, { from: number; to: number; startMs: number; latest: boolean }[]>();
  for (const e of store.events) {
    if (e.type !== BOOT_CLOCK_EVENT || e.t === null) continue;
    const startMs = place(e.timeBase, e.t);
    if (startMs === null) continue;
    const list = bootClocks.get(e.fileIdx) ?? [];
    list.push({ from: Number(e.attrs['from']), to: Number(e.attrs['to']), startMs, latest: e.attrs['latest'] === true });
    bootClocks.set(e.fileIdx, list);
  }
  /** boots placed by the latest they can have started: said so where they are told, once their twins are gone */
  const bootsAtLatest = new Set<TimelineEvent>();
  const bootOf = (fileIdx: number, line: number): { startMs: number; latest: boolean } | null =>
    bootClocks.get(fileIdx)?.find((b) => line >= b.from && line <= b.to) ?? null;
  for (const e of store.events) {
    if (e.type === BOOT_CLOCK_EVENT) continue;
    let t: number | null = null;
    if (e.t !== null) {
      t = place(e.timeBase, e.t);
      if (t === null) unplacedEvents++;
    }
    // the boot the line's kernel stamp counts from: the current one (proc/stat's), else an earlier one the file's own lines date
    const boot =
      t === null || e.uptime === undefined || e.timeBase === 'uptime' || crashedBootFiles.has(e.fileIdx)
        ? null
        : clock.bootMs !== null && t >= clock.bootMs
          ? { startMs: clock.bootMs, latest: false }
          : bootOf(e.fileIdx, e.line);
    let atLatest = false;
    if (t !== null && e.uptime !== undefined && boot !== null) {
      const bootMs = boot.startMs;
      // A syslog daemon that starts after the kernel writes the ring buffer down with its own start time
      // (at every boot, rsyslog stamps the kernel's first seconds late). The kernel's stamp is the event's.
      const stamped = bootMs + e.uptime * 1000;
      if (t - stamped > LATE_KERNEL_LINE_MS) {
        // every line of the event: the daemon wrote the whole report down late, each line with its own stamp
        const note = boot.latest
          ? `written to this log at ${toLocalText(clock.zone, t)}, when the syslog daemon started and wrote the kernel's earlier lines down; placed by the kernel's stamp [${e.uptime.toFixed(6)}] at ${toLocalText(clock.zone, stamped)}, ${lateBy(t - stamped)} before, counted from the latest this boot can have started (the last line written down then is the kernel's latest)`
          : `written to this log at ${toLocalText(clock.zone, t)}, ${lateBy(t - stamped)} after the kernel stamped the event [${e.uptime.toFixed(6)}] = ${toLocalText(clock.zone, stamped)}, the time it is placed at`;
        for (const l of [{ line: e.line }, ...e.lines]) lineNotes.set(`${e.fileIdx}:${l.line}`, note);
        t = stamped;
        atLatest = boot.latest;
        lateKernelLines++;
      }
    }
    let labels = e.labels;
    const dev = labels['device'];
    if (dev !== undefined && devMap.has(dev)) labels = { ...labels, device: devMap.get(dev) as string };
    const event: TimelineEvent = { type: e.type, t, labels, attrs: withDomainName(e.attrs, domains), file: e.fileIdx, line: e.line, lines: e.lines };
    if (atLatest && e.type === 'boot') bootsAtLatest.add(event);
    if (e.spread && t !== null) event.spread = placeSpread(e.spread, e.timeBase, place);
    if (e.uptime !== undefined) event.uptime = e.uptime;
    events.push(event);
  }
  if (unplacedEvents > 0) {
    diagnostics.push({
      source: 'timeline',
      severity: 'warning',
      message: `${unplacedEvents} events have no absolute time (boot time or collection time unknown); they are listed without a time`,
    });
  }
  if (lateKernelLines > 0) {
    diagnostics.push({
      source: 'timeline',
      severity: 'info',
      message: `${lateKernelLines} kernel event${lateKernelLines === 1 ? ' was' : 's were'} written to a log later than the kernel stamped ${lateKernelLines === 1 ? 'it' : 'them'} (a syslog daemon started after the kernel): placed by the kernel's stamp and the boot time`,
    });
  }
  explainFailedStarts(events, store.facts);
  alignCrashedBoots(events, store.files, diagnostics);
  const { kept, dropped } = dropKernelTwins(events, store.files);
  // (after the twins: the attribute would keep a boot from pairing with its copy in another log)
  for (const e of bootsAtLatest) e.attrs = { ...e.attrs, atLatest: true };
  for (const [fileIdx, n] of dropped) {
    diagnostics.push({
      source: store.files[fileIdx]?.path ?? '?',
      severity: 'info',
      message: `${n} kernel event${n === 1 ? ' was' : 's were'} also in another kernel log of the bundle (dmesg, syslog or the journal): counted once`,
    });
  }
  kept.sort((a, b) => (a.t ?? Infinity) - (b.t ?? Infinity));
  const timeline = new Timeline(series, kept, store.facts, store.files, clock, fileSpans);
  for (const [k, v] of lineNotes) timeline.lineNotes.set(k, v);
  return timeline;
}

/**
 * A start libvirt refused before QEMU ran (a disk it cannot access) leaves only `reason=failed` in
 * the guest's log; libvirtd's log holds the error, at the same millisecond in a real capture. The
 * nearest libvirtd error within a second gives the failure its error and cause.
 */
const START_ERROR_WINDOW_MS = 1000;

function explainFailedStarts(events: TimelineEvent[], facts: readonly FactEntry[]): void {
  const failed = events.filter((e) => e.type === 'vm-start-failed');
  if (failed.length === 0) return;
  // the guests whose domain XML has an image as a disk: for a locked image, the likely holder of the lock
  let guestsOfImage: Map<string, Set<string>> | null = null;
  for (const e of failed) {
    const image = e.attrs['image'];
    if (typeof image !== 'string') continue;
    if (guestsOfImage === null) {
      guestsOfImage = new Map();
      for (const f of facts) {
        const domain = f.labels['domain'];
        if (f.name !== 'vm.disk' || typeof f.value !== 'string' || !domain) continue;
        try {
          const source = (JSON.parse(f.value) as { source?: unknown }).source;
          if (typeof source !== 'string' || source === '') continue;
          const set = guestsOfImage.get(source) ?? new Set<string>();
          set.add(domain);
          guestsOfImage.set(source, set);
        } catch {
          // a malformed disk fact names no holder
        }
      }
    }
    const holders = [...(guestsOfImage.get(image) ?? [])].filter((d) => d !== e.attrs['domain']).sort();
    if (holders.length > 0) e.attrs = { ...e.attrs, imageAlsoIn: holders.join(', ') };
  }
  const errors = events.filter((e) => e.type === 'libvirtd-error' && e.t !== null).sort((a, b) => (a.t as number) - (b.t as number));
  if (errors.length === 0) return;
  for (const e of failed) {
    if (e.t === null || e.attrs['error'] !== '') continue;
    // a hostile log can hold many of both: the first error at or after the window's start, then the window
    let best: TimelineEvent | null = null;
    for (
      let i = firstAtOrAfter(errors, e.t - START_ERROR_WINDOW_MS, (x) => x.t);
      i < errors.length && (errors[i]?.t as number) <= e.t + START_ERROR_WINDOW_MS;
      i++
    ) {
      const x = errors[i] as TimelineEvent;
      if (best === null || Math.abs((x.t as number) - e.t) < Math.abs((best.t as number) - e.t)) best = x;
    }
    const msg = best?.attrs['msg'];
    if (typeof msg !== 'string' || msg === '') continue;
    e.attrs = { ...e.attrs, error: msg, cause: startFailureCause(msg), errorSource: 'libvirtd' };
  }
}

/** "11 h 10 min", "42 s": how late a log wrote a kernel line down. */
/**
 * How much later than the kernel's own stamp (seconds since boot, placed from the boot time) a log
 * may date a kernel line before the kernel's stamp is taken instead: the boot time is known to the
 * second, and a daemon that keeps up writes within a second.
 */
const LATE_KERNEL_LINE_MS = 10_000;

/**
 * A series' first and last placed instants, as its span. Parsers emit samples in
 * file order, which is time order; where it is not, this is narrower than the true
 * span, which only makes preferOneSource keep more (it never drops on a guess).
 */
function endsOf(t: Float64Array): [number, number] {
  let i = 0;
  let j = t.length - 1;
  while (i <= j && Number.isNaN(t[i] as number)) i++;
  while (j >= i && Number.isNaN(t[j] as number)) j--;
  if (i > j) return [Infinity, -Infinity];
  const a = t[i] as number;
  const b = t[j] as number;
  return a <= b ? [a, b] : [b, a];
}

/**
 * One metric from two files over the same time (sar's run queue and a vmstat
 * attachment's `r`, sar and iostat for one disk) is one quantity sampled at
 * different instants, and often counted a little differently: interleaved, the
 * series zig-zags between them and a threshold rule enters and leaves on the
 * seam (a real capture's CPU saturation started 65 s late). Where files
 * overlap, one speaks: the finest sampled; on a tie the bundle's own file
 * before an attachment, then the first read. The others keep their samples
 * outside its span, so an attachment that ran on after collection still adds
 * what it saw after.
 */
function preferOneSource(parts: Part[], attachment: (file: number) => boolean): Part[] {
  if (parts.length < 2) return parts;
  // The usual case, one file after another (sar01, sar02 …): each part starts after all before it ended.
  let reach = -Infinity;
  let inOrder = true;
  // A file with one instant (a snapshot read at collection) owns no span: it is kept, and takes nothing from others.
  for (const p of parts) {
    if (p.placed < 2 || p.lo === p.hi) continue;
    if (p.lo <= reach) {
      inOrder = false;
      break;
    }
    reach = p.hi;
  }
  if (inOrder) return parts;
  const files = new Map<number, { lo: number; hi: number; n: number }>();
  for (const p of parts) {
    const f = files.get(p.file) ?? { lo: Infinity, hi: -Infinity, n: 0 };
    f.lo = Math.min(f.lo, p.lo);
    f.hi = Math.max(f.hi, p.hi);
    f.n += p.placed;
    files.set(p.file, f);
  }
  if (files.size < 2) return parts;
  const spans = [...files].filter(([, f]) => f.n > 1 && f.lo < f.hi);
  // Day files follow one another: sorted by start, none begins before the ones before it ended.
  const byStart = spans.map(([, f]) => f).sort((a, b) => a.lo - b.lo);
  let ended = -Infinity;
  let overlapping = false;
  for (const f of byStart) {
    if (f.lo <= ended) overlapping = true;
    ended = Math.max(ended, f.hi);
  }
  if (!overlapping) return parts;
  const step = (f: { lo: number; hi: number; n: number }): number => (f.n > 1 ? (f.hi - f.lo) / (f.n - 1) : Infinity);
  const order = spans
    .map(([file, f]) => ({ file, f, step: step(f) }))
    .sort((a, b) => a.step - b.step || Number(attachment(a.file)) - Number(attachment(b.file)) || a.file - b.file);
  const taken: [number, number][] = [];
  const keep = new Map<number, (x: number) => boolean>();
  for (const { file, f } of order) {
    const before = taken.slice();
    keep.set(file, (x) => !before.some(([lo, hi]) => x >= lo && x <= hi));
    taken.push([f.lo, f.hi]);
  }
  return parts.map((p) => {
    const ok = keep.get(p.file);
    if (!ok) return p;
    let n = 0;
    for (let i = 0; i < p.t.length; i++) if (ok(p.t[i] as number)) n++;
    if (n === p.t.length) return p;
    const out: Part = { t: new Float64Array(n), v: new Float64Array(n), line: new Int32Array(n), file: p.file, lo: p.lo, hi: p.hi, placed: n };
    let j = 0;
    for (let i = 0; i < p.t.length; i++) {
      if (!ok(p.t[i] as number)) continue;
      out.t[j] = p.t[i] as number;
      out.v[j] = p.v[i] as number;
      out.line[j] = p.line[i] as number;
      j++;
    }
    return out;
  });
}

function sameTimes(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Local wall-clock times go through Intl for the zone's offset, which costs
 * microseconds per call; every series of one sar file shares the same few
 * thousand timestamps, so each distinct (time base, time) is placed once.
 */
function memoPlace(clock: Clock): (timeBase: TimeBase, t: number) => number | null {
  const caches = new Map<TimeBase, Map<number, number | null>>();
  return (timeBase, t) => {
    if (timeBase !== 'local' && timeBase !== 'local-noyear') return clock.place(timeBase, t);
    let cache = caches.get(timeBase);
    if (!cache) {
      cache = new Map();
      caches.set(timeBase, cache);
    }
    let placed = cache.get(t);
    if (placed === undefined) {
      placed = clock.place(timeBase, t);
      // A month of per-second syslog stamps would grow without bound; starting over costs little.
      if (cache.size >= 1 << 20) cache.clear();
      cache.set(t, placed);
    }
    return placed;
  };
}

function timeHint(parser: string | undefined): string {
  if (parser === 'dmesg') return 'dmesg counts seconds since boot and the boot time is unknown: proc/stat btime or uptime is missing';
  return 'the bundle gives no collection time or boot time to anchor them';
}

/** One file's points of a series, placed on absolute time (NaN where they could not be). */
interface Part {
  t: Float64Array;
  v: Float64Array;
  line: Int32Array;
  file: number;
  /** first and last placed instant, and how many were placed (known from placing them: no second pass) */
  lo: number;
  hi: number;
  placed: number;
}

function mergeParts(key: string, metric: string, labels: Labels, parts: Part[]): Series {
  let n = 0;
  let sorted = true;
  let unplaced = false;
  let prev = -Infinity;
  for (const p of parts) {
    const pt = p.t;
    for (let i = 0; i < pt.length; i++) {
      const t = pt[i] as number;
      if (Number.isNaN(t)) {
        unplaced = true;
        continue;
      }
      if (t < prev) sorted = false;
      prev = t;
      n++;
    }
  }
  const s: Series = { metric, labels, key, t: new Float64Array(n), v: new Float64Array(n), line: new Int32Array(n), file: new Int32Array(n) };
  if (!unplaced) {
    // Every point placed (the usual case): whole-array copies, native and several times faster than a loop.
    let at = 0;
    for (const p of parts) {
      s.t.set(p.t, at);
      s.v.set(p.v, at);
      s.line.set(p.line, at);
      s.file.fill(p.file, at, at + p.t.length);
      at += p.t.length;
    }
  } else {
    let j = 0;
    for (const p of parts) {
      for (let i = 0; i < p.t.length; i++) {
        const t = p.t[i] as number;
        if (Number.isNaN(t)) continue;
        s.t[j] = t;
        s.v[j] = p.v[i] as number;
        s.line[j] = p.line[i] as number;
        s.file[j] = p.file;
        j++;
      }
    }
  }
  // Files usually arrive in time order (sar01, sar02 …): the copy above is then final.
  if (!sorted) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (s.t[a] as number) - (s.t[b] as number) || a - b);
    const t = s.t.slice();
    const v = s.v.slice();
    const line = s.line.slice();
    const file = s.file.slice();
    order.forEach((from, to) => {
      s.t[to] = t[from] as number;
      s.v[to] = v[from] as number;
      s.line[to] = line[from] as number;
      s.file[to] = file[from] as number;
    });
  }
  return s;
}

/** sar names disks `devMAJ-MIN`; diskstats and lsblk tell which kernel name that is. */
function deviceNameMap(store: RecordStore): Map<string, string> {
  const map = new Map<string, string>();
  for (const f of store.facts) {
    if (f.name === 'block.devName' && typeof f.value === 'string') {
      const dev = f.labels['dev'];
      if (dev) map.set(dev, f.value);
    }
  }
  return map;
}

/** The libvirt domains the bundle names: its domain XMLs' and QEMU logs' facts and events. */
function guestDomains(store: RecordStore): Set<string> {
  const domains = new Set<string>();
  for (const f of store.facts) {
    const d = f.labels['domain'];
    if (d) domains.add(d);
  }
  for (const e of store.events) {
    const d = e.labels['domain'];
    if (d) domains.add(d);
  }
  return domains;
}

/**
 * An OOM kill names its guest as libvirt's cgroup names it: without the characters
 * a machine name cannot hold and cut at 64 characters. Where one domain of the
 * bundle fits, the event names that domain, so the guest's crash and domain XML
 * link to it; the cgroup's form stays in `guestCgroupName`.
 */
function withDomainName(attrs: EventRecord['attrs'], domains: ReadonlySet<string>): EventRecord['attrs'] {
  const guest = attrs['guest'];
  if (typeof guest !== 'string' || domains.size === 0) return attrs;
  const domain = resolveGuestName(guest, attrs['guestNameCut'] === true, domains);
  return domain === undefined ? attrs : { ...attrs, guest: domain, guestCgroupName: guest };
}

function placeSpread(spread: EventSpread, timeBase: TimeBase, place: (timeBase: TimeBase, t: number) => number | null): EventSpread {
  const out: EventSpread = { t: [], n: [] };
  for (let i = 0; i < spread.t.length; i++) {
    const t = place(timeBase, spread.t[i] as number);
    if (t === null) continue;
    out.t.push(t);
    out.n.push(spread.n[i] as number);
  }
  return out;
}
