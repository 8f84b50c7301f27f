import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../model.js';
import { feedTextLines } from '../parsers/feed.js';
import { feedBytes } from '../parsers/collect.js';
import { parserForContent, parserForPath } from '../parsers/registry.js';
import { dayStart, parseSysstatHeader } from '../parsers/sar.js';
import type { LineParser, RecordSink, SourceParser } from '../parsers/types.js';
import type { RecordStore } from '../timeline/store.js';
import { ArchiveSource, installHintOf, pipeDecoderOf, sanitizeName, sniffArchive } from './archive.js';
import { timeFromName } from './attachments.js';
import { DirectorySource } from './directory.js';
import { eventStorms, ITEMISED_PER_SHAPE } from './event-storm.js';
import { DEFAULT_LINE_LIMITS, LineSplitter, type LineFilter, type LineLimits } from './lines.js';
import type { BundleLimits, BundleSource, WalkNote } from './walk.js';

export class InputError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

export interface IngestOptions {
  limits?: Partial<LineLimits>;
  /** keep the text of files up to this size for evidence lines */
  cacheFileBytes?: number;
  /** parsers to skip entirely (not needed by any active rule) */
  skipParsers?: Set<string>;
}

/** Text of the files parsed, kept for quoting evidence; large files are re-read on demand. */
export class EvidenceText {
  /** whole files as arrays; files read through a line filter as the lines that were passed, by number */
  private readonly cache = new Map<string, string[] | Map<number, string>>();
  constructor(
    private readonly source: BundleSource | null,
    private readonly attachments: Map<string, string>,
  ) {}

  keep(file: string, lines: string[] | Map<number, string>): void {
    this.cache.set(file, lines);
  }

  /** Returns the requested lines of each file; files not cached are read once more. */
  async lines(requests: Map<string, Set<number>>): Promise<Map<string, Map<number, string>>> {
    const out = new Map<string, Map<number, string>>();
    const missing = new Map<string, Set<number>>();
    for (const [file, nums] of requests) {
      const cached = this.cache.get(file);
      const m = new Map<number, string>();
      out.set(file, m);
      if (Array.isArray(cached)) for (const n of nums) m.set(n, cached[n - 1] ?? '');
      else if (cached && [...nums].every((n) => cached.has(n))) for (const n of nums) m.set(n, cached.get(n) ?? '');
      else missing.set(file, nums);
    }
    if (missing.size === 0) return out;
    const collect = (file: string) => (bytes: AsyncIterable<Uint8Array>, canStop: boolean) =>
      readLines(bytes, canStop, DEFAULT_LINE_LIMITS, (text, lineNo) => {
        if (missing.get(file)?.has(lineNo)) out.get(file)?.set(lineNo, text);
      });
    for (const [file] of missing) {
      const abs = this.attachments.get(file);
      if (abs) {
        const { createReadStream } = await import('node:fs');
        await collect(file)(createReadStream(abs), true);
      }
    }
    if (this.source) {
      await this.source.walk(
        (entry) => (entry.type === 'file' && missing.has(entry.path) && !this.attachments.has(entry.path) ? collect(entry.path) : null),
        () => {},
      );
    }
    return out;
  }
}

async function readLines(bytes: AsyncIterable<Uint8Array>, canStop: boolean, limits: LineLimits, onLine: (text: string, lineNo: number) => void, onNote?: (n: { lineNo?: number; severity: Diagnostic['severity']; message: string }) => void, filter?: LineFilter): Promise<void> {
  const splitter = new LineSplitter(
    limits,
    (e) => {
      if (e.kind === 'line') onLine(e.text, e.lineNo);
      else onNote?.(e);
    },
    filter,
  );
  for await (const chunk of bytes) {
    if (splitter.done) {
      if (canStop) break;
      continue;
    }
    splitter.push(chunk);
  }
  splitter.end();
}

export async function openBundle(location: string, limits: Partial<BundleLimits> = {}): Promise<BundleSource> {
  let st;
  try {
    st = await stat(location);
  } catch {
    throw new InputError(`cannot read ${location}: no such file or directory`, 'give the path of a sosreport directory or a .tar.xz/.tar.gz/.tar archive');
  }
  if (st.isDirectory()) return new DirectorySource(location, limits);
  if (!st.isFile()) throw new InputError(`${location} is neither a file nor a directory`, 'give a sosreport directory or archive');
  let compression;
  try {
    compression = await sniffArchive(location);
  } catch (err) {
    throw new InputError(`cannot read ${location}: ${(err as Error).message}`, 'check the file permissions');
  }
  if (compression === null) throw new InputError(`${location} is not a tar, tar.gz, tar.xz, tar.bz2 or tar.zst archive`, 'sosreports are .tar.xz (or .tar.gz) archives or extracted directories; loose files go after the bundle as attachments');
  if ((compression === 'bzip2' || compression === 'zstd') && pipeDecoderOf(compression) === null)
    throw new InputError(`${location} is a ${compression} archive and this machine has no ${compression} program to decode it`, installHintOf(compression));
  return new ArchiveSource(location, compression, limits);
}

/** A name only an archive has (sosreport-host-2026-…tar.xz, .tgz, .tar.bz2 …): its content must then be one. */
export const ARCHIVE_NAME = /\.(?:tar(?:\.(?:xz|gz|bz2|zst))?|txz|tgz|tbz2?|tzst)$/i;

/**
 * A file named as an archive whose first bytes are no archive's: a download cut short, a copy that
 * failed, or the wrong file. Reading it as a loose attachment would only say "not recognised".
 */
export async function damagedArchiveError(location: string): Promise<InputError | null> {
  if (!ARCHIVE_NAME.test(location)) return null;
  let head: Buffer;
  let size: number;
  try {
    const st = await stat(location);
    if (!st.isFile()) return null;
    size = st.size;
    const fh = await open(location, 'r');
    try {
      head = Buffer.alloc(8);
      const { bytesRead } = await fh.read(head, 0, 8, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
  const bytes = [...head].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return new InputError(
    size === 0 ? `${location} is empty: named as an archive, it holds nothing` : `${location} is named as an archive but does not start as one (first bytes: ${bytes}): a truncated download, a failed copy, or not a sosreport`,
    'check the file against its source (size, checksum); a .tar.xz starts fd 37 7a 58 5a 00, a .tar.gz 1f 8b',
  );
}

export async function isArchiveOrDirectory(location: string): Promise<boolean> {
  try {
    const st = await stat(location);
    if (st.isDirectory()) return true;
    return st.isFile() && (await sniffArchive(location)) !== null;
  } catch {
    return false;
  }
}

/**
 * One streaming pass over a bundle: every file whose path the sosreport layout
 * maps to a parser is fed to it line by line; all other files are skipped
 * unread. Problems become diagnostics, never exceptions.
 */
export async function ingestBundle(source: BundleSource, store: RecordStore, evidence: EvidenceText, options: IngestOptions = {}): Promise<void> {
  const limits = { ...DEFAULT_LINE_LIMITS, ...options.limits };
  const cacheBytes = options.cacheFileBytes ?? 4 * 1024 * 1024;
  const notes: WalkNote[] = [];
  const links = new LinkGraph();
  const parsed = new Set<string>();
  let binarySa = 0;
  await source.walk(
    (entry) => {
      if (entry.type === 'symlink' || entry.type === 'hardlink') {
        const note = links.add(entry.path, entry.type, entry.linkTarget ?? null);
        const reader = entry.type === 'symlink' && entry.linkTarget ? parserForPath(entry.path) : undefined;
        if (reader?.readsLinks && !options.skipParsers?.has(reader.id) && !parsed.has(entry.path)) {
          parsed.add(entry.path);
          parseLink(reader, entry.path, entry.linkTarget ?? '', store);
        } else if (note) notes.push(note);
        return null;
      }
      if (entry.type !== 'file') return null;
      const tailed = tailedOriginal(entry.path);
      const parser = parserForPath(tailed ?? entry.path);
      if (!parser) {
        if (BINARY_SA.test(entry.path)) binarySa++;
        return null;
      }
      if (options.skipParsers?.has(parser.id)) return null;
      if (parser.id === 'sar' && xmlTwinRead(store, entry.path)) {
        notes.push({ path: entry.path, severity: 'info', message: 'the same day is in sadf -x XML beside it, which states its dates explicitly; the XML was used and this text not parsed' });
        return null;
      }
      if (tailed) notes.push({ path: entry.path, severity: 'info', message: `sos kept only the tail of ${tailed} (the file was larger than its size limit): earlier lines are missing` });
      const xmlElsewhere = parser.id === 'sar' && !parsed.has(entry.path) ? xmlSpansOfDay(store, entry.path) : [];
      if (xmlElsewhere.length > 0) {
        parsed.add(entry.path);
        return async (bytes, canStop, size) => {
          const it = bytes[Symbol.asyncIterator]();
          const first = await it.next();
          if (!first.done && sameDayAsXml(first.value, entry.path, xmlElsewhere)) {
            notes.push({ path: entry.path, severity: 'info', message: 'the same day is in sadf -x XML, which states its dates explicitly; the XML was used and this text not parsed' });
            if (canStop) await it.return?.();
            else while (!(await it.next()).done);
            return;
          }
          await parseStream(parser, entry.path, undefined, prepend(first, it), canStop, store, evidence, limits, size <= cacheBytes);
        };
      }
      if (parsed.has(entry.path)) {
        notes.push({ path: entry.path, severity: 'warning', message: 'duplicate entry: the archive holds this path more than once; only the first copy was read' });
        return null;
      }
      parsed.add(entry.path);
      return (bytes, canStop, size) => parseStream(parser, entry.path, undefined, bytes, canStop, store, evidence, limits, size <= cacheBytes);
    },
    (n) => notes.push(n),
  );
  notes.push(...links.loops());
  if (binarySa > 0) notes.push({ path: 'var/log/sa', severity: 'info', message: `${binarySa} binary sysstat file${binarySa === 1 ? '' : 's'} (saDD) not parsed: sosmortem reads the text reports sos writes beside them (sarDD, sos_commands/sar/)` });
  for (const n of notes) store.diagnostics.push({ source: n.path, severity: n.severity, message: n.message });
}

/**
 * sos writes `sadf -x` XML (saDD.xml) beside the sar text of the same day
 * (sarDD) and the XML is preferred: it states its dates. It sorts first, so a
 * text whose XML twin was already read with records is not parsed at all, a
 * day of sar text on a large host being tens of MB. (When the text comes
 * first, analyze drops it afterwards: preferSarXml.)
 */
function xmlTwinRead(store: RecordStore, relPath: string): boolean {
  const day = SAR_TEXT_DAY.exec(relPath)?.[1];
  if (day === undefined) return false;
  const twin = `${relPath.slice(0, relPath.lastIndexOf('/') + 1)}sa${day}.xml`;
  return store.files.some((f) => f.path === twin && f.parser === 'sar-xml' && f.records > 0);
}

/** The day in the name of a day's sar text (sarDD, sarYYYYMMDD) and of its sadf XML (saDD.xml). */
export const SAR_TEXT_DAY = /(?:^|\/)sar(\d{2,8})$/;
export const SAR_XML_DAY = /(?:^|\/)sa(\d{2,8})\.xml$/;

/**
 * The time spans of sadf XML already read, in any directory, for the day a
 * sar text's name gives: sysstat's own text of a day (var/log/sa/sarDD, its
 * sa2 job) beside the XML sos renders from the binary of that day
 * (sos_commands/sar/saDD.xml), the layout of Red Hat's sosreports.
 */
function xmlSpansOfDay(store: RecordStore, relPath: string): [number, number][] {
  const day = SAR_TEXT_DAY.exec(relPath)?.[1];
  if (day === undefined) return [];
  const xml = new Set<number>();
  store.files.forEach((f, i) => {
    if (f.parser === 'sar-xml' && f.records > 0 && SAR_XML_DAY.exec(f.path)?.[1] === day) xml.add(i);
  });
  return xml.size === 0 ? [] : [...store.timeSpans(xml).values()];
}

/**
 * Whether a sar text, from its header's date, holds the day of an XML span.
 * Its name gives the day of the month (sarDD) or the whole date
 * (sarYYYYMMDD), which settles an MM/DD against DD/MM header. A month-stale
 * text (sa2 failed that day) is not the same day, and is parsed.
 */
function sameDayAsXml(head: Uint8Array, relPath: string, spans: [number, number][]): boolean {
  const digits = SAR_TEXT_DAY.exec(relPath)?.[1] ?? '';
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 512)).toString('latin1');
  const date = parseSysstatHeader(text.split('\n')[0] ?? '')?.date;
  if (!date) return false;
  const dayOfMonth = Number(digits.slice(-2));
  const candidates = (['mdy', 'dmy'] as const).map((order) => dayStart(date, date.order === 'slash' ? order : date.order === 'ymd' ? 'mdy' : date.order)).filter((t): t is number => t !== null && new Date(t).getUTCDate() === dayOfMonth);
  // Local midnight against UTC sample times: a day and a half either way covers every zone.
  const SLACK_MS = 36 * 3600_000;
  return candidates.some((t) => spans.some(([a, b]) => t >= a - SLACK_MS && t <= b + SLACK_MS));
}

async function* prepend(first: IteratorResult<Uint8Array>, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.done) return;
  yield first.value;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

/** sysstat's binary daily files: var/log/sa/sa20, var/log/sysstat/sa20250101. */
const BINARY_SA = /^var\/log\/(?:sa|sysstat)\/sa\d{2,8}$/;

/** Links longer than this chain are treated as a loop, as the kernel does (ELOOP after 40). */
const MAX_LINK_HOPS = 40;
/** Links remembered for loop detection; a real sosreport holds a few hundred. */
const MAX_LINKS_KEPT = 100_000;

/**
 * The bundle's links, never followed: each is checked on arrival for a target
 * outside the bundle, and all of them at the end for loops.
 */
class LinkGraph {
  private readonly targets = new Map<string, string>();

  add(at: string, type: 'symlink' | 'hardlink', target: string | null): WalkNote | null {
    if (type === 'hardlink') {
      if (target === null) return { path: at, severity: 'warning', message: 'hard link points outside the bundle: not followed' };
      if (target === at) return { path: at, severity: 'warning', message: 'hard link to itself: ignored' };
      this.remember(at, target);
      return { path: at, severity: 'info', message: `hard link to ${sanitizeName(target)}: not followed (its target is read in its own right)` };
    }
    const raw = target ?? '';
    if (raw === '') return { path: at, severity: 'warning', message: 'symbolic link with no target: ignored' };
    const resolved = raw.startsWith('/') ? null : path.posix.normalize(path.posix.join(path.posix.dirname(at), raw));
    if (resolved === null || resolved === '..' || resolved.startsWith('../')) {
      return { path: at, severity: 'warning', message: `symbolic link points outside the bundle (${sanitizeName(raw)}): not followed` };
    }
    this.remember(at, resolved);
    return null;
  }

  private remember(at: string, target: string): void {
    if (this.targets.size < MAX_LINKS_KEPT) this.targets.set(at, target);
  }

  /** One warning per link whose chain comes back on itself or never ends. */
  loops(): WalkNote[] {
    const out: WalkNote[] = [];
    for (const start of this.targets.keys()) {
      let cur: string | undefined = start;
      let hops = 0;
      const seen = new Set<string>();
      while (cur !== undefined && !seen.has(cur) && hops <= MAX_LINK_HOPS) {
        seen.add(cur);
        cur = this.targets.get(cur);
        hops++;
      }
      if (cur !== undefined && (seen.has(cur) || hops > MAX_LINK_HOPS)) {
        out.push({ path: start, severity: 'warning', message: `link loop (${[...seen].slice(0, 4).map(sanitizeName).join(' → ')}${seen.size > 4 ? ' …' : ''}): not followed` });
      }
    }
    return out;
  }
}

/**
 * sos keeps the tail of a file that is too large as
 * `sos_strings/<plugin>/<path with / as .>.tailed` and links the original path
 * to it. Dots in the name are ambiguous (`kern.log`), so the original path is
 * the first reading of the dots that a parser claims, preferring slashes.
 */
export function tailedOriginal(relPath: string): string | null {
  const m = /^sos_strings\/[^/]+\/(.+)\.tailed$/.exec(relPath);
  if (!m) return null;
  const parts = (m[1] ?? '').split('.');
  const gaps = parts.length - 1;
  if (gaps > 12) return null;
  for (let mask = (1 << gaps) - 1; mask >= 0; mask--) {
    let candidate = parts[0] ?? '';
    for (let i = 1; i < parts.length; i++) candidate += (mask & (1 << (i - 1)) ? '/' : '.') + (parts[i] ?? '');
    if (parserForPath(candidate)) return candidate;
  }
  return null;
}

/** Loose attachments: files or directories of files, each recognised by content. */
export async function ingestAttachments(paths: string[], store: RecordStore, evidence: EvidenceText, attachmentMap: Map<string, string>, options: IngestOptions = {}): Promise<void> {
  const limits = { ...DEFAULT_LINE_LIMITS, ...options.limits };
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      throw new InputError(`cannot read attachment ${p}: no such file or directory`, 'check the path');
    }
    if (st.isDirectory()) {
      const { readdir } = await import('node:fs/promises');
      for (const name of (await readdir(p)).sort()) {
        const full = path.join(p, name);
        const s = await stat(full).catch(() => null);
        if (s?.isFile()) files.push(full);
      }
    } else files.push(p);
  }
  for (const file of files) {
    const name = `attachments/${path.basename(file)}`;
    const fh = await open(file, 'r');
    let head = '';
    try {
      const buf = Buffer.alloc(16384);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
    const parser = parserForContent(head, path.basename(file));
    if (!parser) {
      store.diagnostics.push({ source: name, severity: 'warning', message: 'attachment not recognised (expected vmstat -t, iostat -x -t, pmap -x, ps auxwww, top -b, sar or a kernel log): not parsed' });
      continue;
    }
    attachmentMap.set(name, file);
    const { createReadStream } = await import('node:fs');
    const st = await stat(file);
    await parseStream(parser, name, timeFromName(file), createReadStream(file, { highWaterMark: 256 * 1024 }), true, store, evidence, limits, st.size <= (options.cacheFileBytes ?? 4 * 1024 * 1024));
  }
}

/**
 * What one file may add to the report: a log of ten million broken lines must
 * not become ten million diagnostics (or events) held in memory.
 */
export const PER_FILE_CAPS = { diagnostics: 200, events: 200_000, facts: 100_000 };

/**
 * Events kept of the whole bundle, after folding: each file's cap alone let ten logs of
 * 200 000 different events each (a hostile bundle) hold ~5 GB. A real bundle's storms fold
 * to a few thousand (the bench's 1.14 million I/O errors to a handful).
 */
export const BUNDLE_EVENTS_CAP = 250_000;

function cappedSink(inner: RecordSink, bundleEvents: () => number): { sink: RecordSink; finish: () => void } {
  let diagnostics = 0;
  let events = 0;
  let overBundle = 0;
  let facts = 0;
  const storms = eventStorms((e) => {
    if (++events > PER_FILE_CAPS.events) return;
    if (bundleEvents() >= BUNDLE_EVENTS_CAP) overBundle++;
    else inner.event(e);
  });
  const sink: RecordSink = {
    // Explicit parameters: a rest-args forwarder cost ~8 ms per typical bundle (a million samples).
    sample: (metric, labels, timeBase, t, value, line) => inner.sample(metric, labels, timeBase, t, value, line),
    event: (e) => storms.event(e),
    fact(name, value, line, labels) {
      if (++facts <= PER_FILE_CAPS.facts) inner.fact(name, value, line, labels);
    },
    diagnostic(line, severity, message) {
      if (++diagnostics <= PER_FILE_CAPS.diagnostics) inner.diagnostic(line, severity, message);
    },
    format: (d) => inner.format(d),
    wants: (m) => inner.wants(m),
  };
  const finish = (): void => {
    const { folded, shapes } = storms.finish();
    if (folded > 0) {
      const names = shapes.length > 3 ? `${shapes.slice(0, 3).join('; ')} and ${shapes.length - 3} more` : shapes.join('; ');
      inner.diagnostic(undefined, 'info', `${folded} repeated events (${names}) were counted, not itemised: the first ${ITEMISED_PER_SHAPE} of each kind are kept whole, with their sectors, pids and lines`);
    }
    if (diagnostics > PER_FILE_CAPS.diagnostics) inner.diagnostic(undefined, 'warning', `${diagnostics - PER_FILE_CAPS.diagnostics} more problems in this file were not listed`);
    if (events > PER_FILE_CAPS.events) inner.diagnostic(undefined, 'warning', `${events} different events in this file: only the first ${PER_FILE_CAPS.events} were kept`);
    if (overBundle > 0) inner.diagnostic(undefined, 'warning', `${overBundle} events of this file were not kept: the bundle already held ${BUNDLE_EVENTS_CAP}, the cap for a whole bundle`);
    if (facts > PER_FILE_CAPS.facts) inner.diagnostic(undefined, 'warning', `${facts} settings in this file: only the first ${PER_FILE_CAPS.facts} were kept`);
  };
  return { sink, finish };
}

/** The store's sink for one file, capped and storm-folding, and what to call when the file is read. */
function fileSink(store: RecordStore, relPath: string, parser: SourceParser): { sink: RecordSink; done: () => void } {
  const fileIdx = store.files.length;
  const { sink, finish } = cappedSink(store.sinkFor(relPath, parser.id), () => store.events.length);
  return {
    sink,
    done() {
      finish();
      store.seal(fileIdx);
    },
  };
}

/** A link whose target names what it is (etc/localtime → …/zoneinfo/Europe/Berlin), read without following it. */
function parseLink(parser: SourceParser, relPath: string, target: string, store: RecordStore): void {
  const { sink, done } = fileSink(store, relPath, parser);
  feedTextLines(parser, { path: relPath, linkTarget: target }, sink).end();
  done();
}

/** A binary file read whole (bounded by the parser's maxBytes) and handed to its parser at once. */
async function parseWhole(parser: SourceParser, whole: NonNullable<SourceParser['bytes']>, relPath: string, fileTime: number | undefined, bytes: AsyncIterable<Uint8Array>, canStop: boolean, store: RecordStore): Promise<void> {
  const { sink, done } = fileSink(store, relPath, parser);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const it = bytes[Symbol.asyncIterator]();
  for (let r = await it.next(); !r.done; r = await it.next()) {
    size += r.value.length;
    if (size > whole.maxBytes) break;
    // The reader reuses its buffer for the next chunk (EntryConsumer's contract): keep a copy.
    chunks.push(Uint8Array.prototype.slice.call(r.value));
  }
  const tooLarge = size > whole.maxBytes;
  if (tooLarge) {
    if (canStop) await it.return?.();
    else while (!(await it.next()).done);
  }
  feedBytes(parser, whole, tooLarge ? null : Buffer.concat(chunks), fileTime === undefined ? { path: relPath } : { path: relPath, fileTime }, sink);
  done();
}

async function parseStream(parser: SourceParser, relPath: string, fileTime: number | undefined, bytes: AsyncIterable<Uint8Array>, canStop: boolean, store: RecordStore, evidence: EvidenceText, limits: LineLimits, keepText: boolean): Promise<void> {
  if (parser.bytes) return parseWhole(parser, parser.bytes, relPath, fileTime, bytes, canStop, store);
  const { sink, done } = fileSink(store, relPath, parser);
  // The line parser itself (feedTextLines wraps it) is asked whether the head it saw lets the filter start.
  let inner: LineParser | null = null;
  const ready = (): boolean => {
    try {
      return inner?.filterReady?.() ?? true;
    } catch {
      return false;
    }
  };
  const lf = parser.nulSeparated ? undefined : parser.lineFilter;
  const filter: LineFilter | undefined = lf && { needles: lf.needles, ...(lf.headLines === undefined ? {} : { headLines: lf.headLines }), ready };
  const tracked: SourceParser = filter ? { ...parser, create: (ctx, s) => (inner = parser.create(ctx, s)) } : parser;
  // A filtered file is kept as the lines passed; evidence for any other line re-reads the file.
  const kept: string[] | Map<number, string> | null = keepText ? (filter ? new Map() : []) : null;
  const feeder = feedTextLines(tracked, fileTime === undefined ? { path: relPath } : { path: relPath, fileTime }, sink);
  await readLines(
    bytes,
    canStop,
    parser.nulSeparated ? { ...limits, keepNul: true } : limits,
    (text, lineNo) => {
      if (kept instanceof Map) kept.set(lineNo, text);
      else kept?.push(text);
      feeder.push(text, lineNo);
    },
    (n) => sink.diagnostic(n.lineNo, n.severity, n.message),
    filter,
  );
  feeder.end();
  done();
  if (kept) evidence.keep(relPath, kept);
}
