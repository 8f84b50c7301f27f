import type { Diagnostic, Labels, TimeBase } from '../model.js';

/** One value of one metric at one moment, as the source wrote it. */
export interface SampleRecord {
  kind: 'sample';
  metric: string;
  labels: Labels;
  timeBase: TimeBase;
  t: number;
  value: number;
  line: number;
}

/** Something that happened: an OOM kill, a hung task, a guest shutdown, a reboot. */
export interface EventRecord {
  kind: 'event';
  type: string;
  timeBase: TimeBase;
  /** null when the source gives no time for this event */
  t: number | null;
  labels: Labels;
  attrs: Record<string, string | number | boolean>;
  line: number;
  /** the lines that prove it (first is the headline) */
  lines: { line: number; text: string }[];
  /**
   * Only on an event that stands for a folded storm (`attrs.repeats`, set in
   * bundle/event-storm.ts, never by a parser): how many of its events came in
   * each minute, minute i starting at t[i] in this event's time base.
   */
  spread?: EventSpread;
  /**
   * The kernel's own stamp of the event's first line, seconds since boot, when the line carried one
   * (dmesg, and syslog lines with "[…]"): the same line read from two logs has the same stamp, however
   * late a syslog daemon wrote it down (timeline/kernel-twins.ts).
   */
  uptime?: number;
}

export interface EventSpread {
  t: number[];
  n: number[];
}

/** A setting or state read once: THP mode, MemTotal, a domain's XML. */
export interface FactRecord {
  kind: 'fact';
  name: string;
  value: string | number | boolean;
  labels: Labels;
  line: number;
}

export type ParsedRecord = SampleRecord | EventRecord | FactRecord;

/**
 * Where parsed records go. Parsers push into it line by line, so a large file
 * never has to be held whole; the collector decides what to keep.
 */
export interface RecordSink {
  sample(metric: string, labels: Labels, timeBase: TimeBase, t: number, value: number, line: number): void;
  event(event: Omit<EventRecord, 'kind'>): void;
  fact(name: string, value: string | number | boolean, line: number, labels?: Labels): void;
  diagnostic(line: number | undefined, severity: Diagnostic['severity'], message: string): void;
  /** e.g. "sar 12.6, 24-hour, MM/DD/YY" for the coverage table */
  format(description: string): void;
  /** the parser may ask whether a metric family is wanted at all, to skip work */
  wants(metricPrefix: string): boolean;
}

export interface ParseContext {
  /** the path inside the bundle (or the attachment's file name) */
  path: string;
  /** time the file was written, when the file name or manifest says (local wall clock as-UTC) */
  fileTime?: number;
  /** the bundle's collection year, for sources that omit the year in their header */
  year?: number;
  /** the file is a symbolic link (to a parser that reads links): its target as written, never followed */
  linkTarget?: string;
}

/** A streaming line consumer made fresh for each file. */
export interface LineParser {
  push(line: string, lineNo: number): void;
  end(): void;
  /**
   * With a lineFilter: asked once, after the head lines, whether the rest may
   * be filtered (the head showed the format the needles are for). False keeps
   * every line; absent means true.
   */
  filterReady?(): boolean;
}

export interface SourceParser {
  /** the parser id; also the name of its file and of its fixture folder */
  id: string;
  title: string;
  /** sosreport-relative paths this parser reads (matched against the full relative path) */
  paths: RegExp[];
  /** true when the first few KiB of a loose attachment look like this source */
  sniff(head: string, name: string): boolean;
  create(ctx: ParseContext, sink: RecordSink): LineParser;
  /** the format separates fields with NUL bytes (proc/PID/cmdline): the reader must not treat it as binary */
  nulSeparated?: boolean;
  /**
   * Every line the parser makes use of holds one of these ASCII needles: past
   * the first headLines lines (default 20), the reader may skip the others
   * without making strings of them. Line numbers stay those of the file.
   */
  lineFilter?: { needles: string[]; headLines?: number };
  /** symbolic links at its paths are given to it too: create() with ctx.linkTarget, then end() with no lines */
  readsLinks?: boolean;
  /**
   * A binary format (TZif): the file is read whole, up to maxBytes, and handed to parse()
   * instead of being split into lines. A larger file is refused with a diagnostic.
   */
  bytes?: { maxBytes: number; parse(bytes: Uint8Array, ctx: ParseContext, sink: RecordSink): void };
}
