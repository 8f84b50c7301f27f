import type { Diagnostic, Labels, TimeBase } from '../model.js';
import type { EventRecord, RecordSink } from '../parsers/types.js';

/** Points of one metric in one file, in the file's own time base. */
interface RawSeries {
  metric: string;
  labels: Labels;
  labelsKey: string;
  timeBase: TimeBase;
  fileIdx: number;
  t: number[];
  v: number[];
  line: number[];
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
  readonly events: RawEvent[] = [];
  readonly facts: FactEntry[] = [];
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly wanted: (metric: string) => boolean = () => true) {}

  sinkFor(path: string, parser: string): RecordSink {
    const fileIdx = this.files.length;
    const info: FileInfo = { path, parser, records: 0, formats: [], diagnostics: 0 };
    this.files.push(info);
    const store = this;
    let lastKey = '';
    let last: RawSeries | undefined;
    return {
      sample(metric, labels, timeBase, t, value, line) {
        if (!Number.isFinite(value) || !Number.isFinite(t)) return;
        // Rows arrive grouped by metric and labels; a one-entry cache avoids rebuilding keys.
        const lk = labelsKey(labels);
        const key = `${fileIdx}|${metric}|${lk}|${timeBase}`;
        let s = key === lastKey ? last : store.raw.get(key);
        if (!s) {
          s = { metric, labels, labelsKey: lk, timeBase, fileIdx, t: [], v: [], line: [] };
          store.raw.set(key, s);
        }
        lastKey = key;
        last = s;
        s.t.push(t);
        s.v.push(value);
        s.line.push(line);
        info.records++;
      },
      event(e) {
        store.events.push({ ...e, fileIdx });
        info.records++;
      },
      fact(name, value, line, labels = {}) {
        store.facts.push({ name, value, labels, fileIdx, line });
        info.records++;
      },
      diagnostic(line, severity, message) {
        info.diagnostics++;
        store.diagnostics.push(line === undefined ? { source: path, severity, message } : { source: path, line, severity, message });
      },
      format(description) {
        if (!info.formats.includes(description)) info.formats.push(description);
      },
      wants(metricPrefix) {
        return store.wanted(metricPrefix);
      },
    };
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
