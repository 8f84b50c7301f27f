import type { Diagnostic, Labels, TimeBase } from '../model.js';
import type { EventRecord, FactRecord, ParseContext, ParsedRecord, RecordSink, SampleRecord, SourceParser } from './types.js';

/** Collects every record a parser produced for one file; used by `sosmortem parse` and tests. */
export class RecordCollector implements RecordSink {
  readonly records: ParsedRecord[] = [];
  readonly diagnostics: Diagnostic[] = [];
  formats: string[] = [];
  constructor(private readonly source: string) {}
  sample(metric: string, labels: Labels, timeBase: TimeBase, t: number, value: number, line: number): void {
    const rec: SampleRecord = { kind: 'sample', metric, labels, timeBase, t, value, line };
    this.records.push(rec);
  }
  event(event: Omit<EventRecord, 'kind'>): void {
    this.records.push({ kind: 'event', ...event });
  }
  fact(name: string, value: string | number | boolean, line: number, labels: Labels = {}): void {
    const rec: FactRecord = { kind: 'fact', name, value, labels, line };
    this.records.push(rec);
  }
  diagnostic(line: number | undefined, severity: Diagnostic['severity'], message: string): void {
    this.diagnostics.push(line === undefined ? { source: this.source, severity, message } : { source: this.source, line, severity, message });
  }
  format(description: string): void {
    if (!this.formats.includes(description)) this.formats.push(description);
  }
  wants(): boolean {
    return true;
  }
  get samples(): SampleRecord[] {
    return this.records.filter((r): r is SampleRecord => r.kind === 'sample');
  }
  get events(): EventRecord[] {
    return this.records.filter((r): r is EventRecord => r.kind === 'event');
  }
  get facts(): FactRecord[] {
    return this.records.filter((r): r is FactRecord => r.kind === 'fact');
  }
}

/** Splits text into lines (LF, CRLF or CR) and feeds them to a fresh parser. */
export function feedText(parser: SourceParser, text: string, ctx: ParseContext, sink: RecordSink): void {
  const lp = parser.create(ctx, sink);
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    try {
      lp.push(lines[i] ?? '', i + 1);
    } catch (err) {
      sink.diagnostic(i + 1, 'error', `parser ${parser.id} failed on this line: ${errorMessage(err)}`);
    }
  }
  try {
    lp.end();
  } catch (err) {
    sink.diagnostic(undefined, 'error', `parser ${parser.id} failed at end of file: ${errorMessage(err)}`);
  }
}

/** Parses a whole text with one parser: the pure entry point tests use. */
export function parseText(parser: SourceParser, text: string, ctx: Partial<ParseContext> = {}): RecordCollector {
  const path = ctx.path ?? parser.id;
  const sink = new RecordCollector(path);
  feedText(parser, text, { ...ctx, path }, sink);
  return sink;
}

/** Parses a whole file's bytes: a binary format's parser (TZif) reads them at once, any other as UTF-8 text. */
export function parseBytes(parser: SourceParser, bytes: Uint8Array, ctx: Partial<ParseContext> = {}): RecordCollector {
  const path = ctx.path ?? parser.id;
  const sink = new RecordCollector(path);
  if (parser.bytes) feedBytes(parser, parser.bytes, bytes, { ...ctx, path }, sink);
  else feedText(parser, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), { ...ctx, path }, sink);
  return sink;
}

/** Hands a binary file to its parser whole; one past the parser's maxBytes is refused with a diagnostic, a parser failure becomes one. */
export function feedBytes(
  parser: SourceParser,
  whole: NonNullable<SourceParser['bytes']>,
  bytes: Uint8Array | null,
  ctx: ParseContext,
  sink: RecordSink,
): void {
  if (bytes === null || bytes.length > whole.maxBytes) {
    sink.diagnostic(undefined, 'warning', `larger than the ${Math.round(whole.maxBytes / 1024)} KiB a ${parser.title} file can be: not read`);
    return;
  }
  try {
    whole.parse(bytes, ctx, sink);
  } catch (err) {
    sink.diagnostic(undefined, 'error', `parser ${parser.id} failed on this file: ${errorMessage(err)}`);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
