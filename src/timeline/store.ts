import type { Diagnostic, Labels, TimeBase } from '../model.js';
import type { EventRecord, RecordSink } from '../parsers/types.js';
import { detachEvent } from './detach.js';

/**
 * Points of one metric in one file, in the file's own time base. Columns are
 * typed arrays grown geometrically: a month of one-minute sar is tens of
 * millions of points, which as boxed JS arrays would not fit the RSS budget.
 * Only the first `n` entries are valid.
 */
export interface RawSeries {
  metric: string;
  labels: Labels;
  labelsKey: string;
  timeBase: TimeBase;
  fileIdx: number;
  n: number;
  t: Float64Array;
  v: Float64Array;
  line: Int32Array;
}

const EMPTY_T = new Float64Array(0);
const EMPTY_LINE = new Int32Array(0);
/** the first columns of a series: a series that outgrows them gets arrays of its own */
const FIRST_CAP = 8;
const SLAB_SERIES = 512;

/**
 * The first columns of new series are views into shared slabs: ps and pmap
 * make a series per process and metric, most with one point, and three
 * typed arrays of its own (an ArrayBuffer each) cost a series about a
 * kilobyte and the young-generation GC that much copying.
 */
class Slabs {
  private t = new ArrayBuffer(0);
  private v = new ArrayBuffer(0);
  private line = new ArrayBuffer(0);
  private used = SLAB_SERIES;

  carve(s: RawSeries): void {
    if (this.used === SLAB_SERIES) {
      this.t = new ArrayBuffer(SLAB_SERIES * FIRST_CAP * 8);
      this.v = new ArrayBuffer(SLAB_SERIES * FIRST_CAP * 8);
      this.line = new ArrayBuffer(SLAB_SERIES * FIRST_CAP * 4);
      this.used = 0;
    }
    const at = this.used * FIRST_CAP;
    this.used++;
    s.t = new Float64Array(this.t, at * 8, FIRST_CAP);
    s.v = new Float64Array(this.v, at * 8, FIRST_CAP);
    s.line = new Int32Array(this.line, at * 4, FIRST_CAP);
  }
}

function grow(s: RawSeries): void {
  // Quadrupled while small (a day of one-minute sar, 1440 points, takes 4 steps from 8, not 8), then doubled.
  const cap = Math.max(FIRST_CAP, s.t.length * (s.t.length < 2048 ? 4 : 2));
  const t = new Float64Array(cap);
  t.set(s.t);
  const v = new Float64Array(cap);
  v.set(s.v);
  const line = new Int32Array(cap);
  line.set(s.line);
  s.t = t;
  s.v = v;
  s.line = line;
}

export interface RawEvent extends Omit<EventRecord, 'kind'> {
  fileIdx: number;
}

export interface FactEntry {
  name: string;
  value: string | number | boolean;
  labels: Labels;
  fileIdx: number;
  line: number;
}

export interface FileInfo {
  path: string;
  parser: string;
  records: number;
  formats: string[];
  diagnostics: number;
}

/** A series as the sink finds it: the labels object last used for it and the series that followed it last time. */
interface Slot {
  s: RawSeries;
  metric: string;
  labels: Labels;
  timeBase: TimeBase;
  next: Slot | undefined;
}

export function labelsKey(labels: Labels): string {
  const keys = Object.keys(labels);
  const n = keys.length;
  // Insertion sort, in the default sort's order: Array.prototype.sort allocated
  // ~30 MB of work arrays for the 36 000 three-label ps series of the large bench bundle.
  for (let i = 1; i < n; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    const k = keys[i] as string;
    out += `${k}=${labels[k]};`;
  }
  return out;
}

/**
 * Everything the parsers produced for a bundle, before it is placed on
 * absolute time. Each file gets its own sink; the store keeps numbers in
 * flat arrays so a month of one-minute samples stays small.
 */
export class RecordStore {
  readonly files: FileInfo[] = [];
  readonly raw = new Map<string, RawSeries>();
  /** per file, its series: sealed (trimmed to their length) once the file is read */
  private readonly byFile: RawSeries[][] = [];
  readonly events: RawEvent[] = [];
  readonly facts: FactEntry[] = [];
  readonly diagnostics: Diagnostic[] = [];

  private readonly slabs = new Slabs();

  constructor(private readonly wanted: (metric: string) => boolean = () => true) {}

  sinkFor(path: string, parser: string): RecordSink {
    const fileIdx = this.files.length;
    const info: FileInfo = { path, parser, records: 0, formats: [], diagnostics: 0 };
    this.files.push(info);
    const { raw, events, facts, diagnostics, wanted, slabs } = this;
    // Per-file series by their key in `raw`.
    const local = new Map<string, Slot>();
    const fileSeries: RawSeries[] = [];
    this.byFile[fileIdx] = fileSeries;
    let lastLabels: Labels | null = null;
    let lastLk = '';
    let last: Slot | undefined;
    const find = (metric: string, labels: Labels, timeBase: TimeBase): Slot => {
      const lk = labels === lastLabels ? lastLk : labelsKey(labels);
      lastLabels = labels;
      lastLk = lk;
      const key = `${fileIdx}|${metric}|${lk}|${timeBase}`;
      let slot = local.get(key);
      if (!slot) {
        const s: RawSeries = { metric, labels, labelsKey: lk, timeBase, fileIdx, n: 0, t: EMPTY_T, v: EMPTY_T, line: EMPTY_LINE };
        slabs.carve(s);
        raw.set(key, s);
        fileSeries.push(s);
        slot = { s, metric, labels, timeBase, next: undefined };
        local.set(key, slot);
      }
      slot.labels = labels;
      return slot;
    };
    return {
      sample(metric, labels, timeBase, t, value, line) {
        if (!Number.isFinite(value) || !Number.isFinite(t)) return;
        // Parsers emit the same series in the same cycle row after row (sar: a row's
        // columns, then the next device's): each slot remembers which one followed it,
        // so the steady state needs no hashing. A miss falls back to the maps. Labels
        // are compared by identity, as before: a parser never changes labels it passed.
        const prev = last;
        let slot = prev === undefined ? undefined : prev.next;
        if (slot === undefined || slot.labels !== labels || slot.metric !== metric || slot.timeBase !== timeBase) {
          slot = prev !== undefined && prev.labels === labels && prev.metric === metric && prev.timeBase === timeBase ? prev : find(metric, labels, timeBase);
          if (prev !== undefined) prev.next = slot;
        }
        last = slot;
        const s = slot.s;
        if (s.n === s.t.length) grow(s);
        s.t[s.n] = t;
        s.v[s.n] = value;
        s.line[s.n] = line;
        s.n++;
        info.records++;
      },
      event(e) {
        events.push({ ...detachEvent(e), fileIdx });
        info.records++;
      },
      fact(name, value, line, labels = {}) {
        facts.push({ name, value, labels, fileIdx, line });
        info.records++;
      },
      diagnostic(line, severity, message) {
        info.diagnostics++;
        diagnostics.push(line === undefined ? { source: path, severity, message } : { source: path, line, severity, message });
      },
      format(description) {
        if (!info.formats.includes(description)) info.formats.push(description);
      },
      wants(metricPrefix) {
        return wanted(metricPrefix);
      },
    };
  }

  /**
   * Trims the series of a file that has been read to their length: arrays
   * grow geometrically, so up to three quarters of each would otherwise stay
   * allocated until the timeline is built.
   */
  seal(fileIdx: number): void {
    for (const s of this.byFile[fileIdx] ?? []) {
      if (s.t.length <= s.n + 16) continue;
      s.t = s.t.slice(0, s.n);
      s.v = s.v.slice(0, s.n);
      s.line = s.line.slice(0, s.n);
    }
    this.byFile[fileIdx] = [];
  }

  rawSeries(): IterableIterator<RawSeries> {
    return this.raw.values();
  }

  /** The earliest and latest sample of each of these files, in the files' own time bases (before the clock places them). */
  timeSpans(files: ReadonlySet<number>): Map<number, [number, number]> {
    const spans = new Map<number, [number, number]>();
    for (const raw of this.raw.values()) {
      if (!files.has(raw.fileIdx) || raw.n === 0) continue;
      const s = spans.get(raw.fileIdx) ?? [Infinity, -Infinity];
      for (let i = 0; i < raw.n; i++) {
        const t = raw.t[i] as number;
        if (t < s[0]) s[0] = t;
        if (t > s[1]) s[1] = t;
      }
      spans.set(raw.fileIdx, s);
    }
    return spans;
  }

  factValues(name: string): FactEntry[] {
    return this.facts.filter((f) => f.name === name);
  }

  firstFact(name: string): FactEntry | undefined {
    return this.facts.find((f) => f.name === name);
  }
}
