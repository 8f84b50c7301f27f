import type { Diagnostic, Labels, TimeBase } from '../model.js';
import type { EventRecord, RecordSink } from '../parsers/types.js';

/**
 * Points of one metric in one file, in the file's own time base. Columns are
 * typed arrays grown by doubling: a month of one-minute sar is tens of
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

function grow(s: RawSeries): void {
  const cap = s.t.length * 2;
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

export function labelsKey(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  keys.sort();
  let out = '';
  for (const k of keys) out += `${k}=${labels[k]};`;
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

  constructor(private readonly wanted: (metric: string) => boolean = () => true) {}

  sinkFor(path: string, parser: string): RecordSink {
    const fileIdx = this.files.length;
    const info: FileInfo = { path, parser, records: 0, formats: [], diagnostics: 0 };
    this.files.push(info);
    const { raw, events, facts, diagnostics, wanted } = this;
    // Per-file series, looked up by metric then labels key; parsers reuse one labels
    // object for all the metrics of a row, so its key is computed once per row.
    const local = new Map<string, Map<string, RawSeries>>();
    const fileSeries: RawSeries[] = [];
    this.byFile[fileIdx] = fileSeries;
    let lastLabels: Labels | null = null;
    let lastLk = '';
    let last: RawSeries | undefined;
    return {
      sample(metric, labels, timeBase, t, value, line) {
        if (!Number.isFinite(value) || !Number.isFinite(t)) return;
        let s = last;
        if (!s || s.metric !== metric || labels !== lastLabels || s.timeBase !== timeBase) {
          const lk = labels === lastLabels ? lastLk : labelsKey(labels);
          lastLabels = labels;
          lastLk = lk;
          let byLabels = local.get(metric);
          if (!byLabels) {
            byLabels = new Map();
            local.set(metric, byLabels);
          }
          const k = timeBase === 'local' ? lk : `${lk}|${timeBase}`;
          s = byLabels.get(k);
          if (!s) {
            s = { metric, labels, labelsKey: lk, timeBase, fileIdx, n: 0, t: new Float64Array(16), v: new Float64Array(16), line: new Int32Array(16) };
            byLabels.set(k, s);
            raw.set(`${fileIdx}|${metric}|${lk}|${timeBase}`, s);
            fileSeries.push(s);
          }
          last = s;
        }
        if (s.n === s.t.length) grow(s);
        s.t[s.n] = t;
        s.v[s.n] = value;
        s.line[s.n] = line;
        s.n++;
        info.records++;
      },
      event(e) {
        events.push({ ...e, fileIdx });
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
   * grow by doubling, so up to half of each would otherwise stay allocated
   * until the timeline is built.
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

  factValues(name: string): FactEntry[] {
    return this.facts.filter((f) => f.name === name);
  }

  firstFact(name: string): FactEntry | undefined {
    return this.facts.find((f) => f.name === name);
  }
}
