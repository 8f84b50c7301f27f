import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../model.js';
import { feedTextLines } from '../parsers/feed.js';
import { parserForContent, parserForPath } from '../parsers/registry.js';
import type { SourceParser } from '../parsers/types.js';
import type { RecordStore } from '../timeline/store.js';
import { ArchiveSource, sanitizeName, sniffArchive } from './archive.js';
import { timeFromName } from './attachments.js';
import { DirectorySource } from './directory.js';
import { DEFAULT_LINE_LIMITS, LineSplitter, type LineLimits } from './lines.js';
import type { BundleSource, WalkNote } from './walk.js';

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
  private readonly cache = new Map<string, string[]>();
  constructor(
    private readonly source: BundleSource | null,
    private readonly attachments: Map<string, string>,
  ) {}

  keep(file: string, lines: string[]): void {
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
      if (cached) for (const n of nums) m.set(n, cached[n - 1] ?? '');
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

async function readLines(bytes: AsyncIterable<Uint8Array>, canStop: boolean, limits: LineLimits, onLine: (text: string, lineNo: number) => void, onNote?: (n: { lineNo?: number; severity: Diagnostic['severity']; message: string }) => void): Promise<void> {
  const splitter = new LineSplitter(limits, (e) => {
    if (e.kind === 'line') onLine(e.text, e.lineNo);
    else onNote?.(e);
  });
  for await (const chunk of bytes) {
    if (splitter.done) {
      if (canStop) break;
      continue;
    }
    splitter.push(chunk);
  }
  splitter.end();
}

export async function openBundle(location: string): Promise<BundleSource> {
  let st;
  try {
    st = await stat(location);
  } catch {
    throw new InputError(`cannot read ${location}: no such file or directory`, 'give the path of a sosreport directory or a .tar.xz/.tar.gz/.tar archive');
  }
  if (st.isDirectory()) return new DirectorySource(location);
  if (!st.isFile()) throw new InputError(`${location} is neither a file nor a directory`, 'give a sosreport directory or archive');
  let compression;
  try {
    compression = await sniffArchive(location);
  } catch (err) {
    throw new InputError(`cannot read ${location}: ${(err as Error).message}`, 'check the file permissions');
  }
  if (compression === null) throw new InputError(`${location} is not a tar, tar.gz or tar.xz archive`, 'sosreports are .tar.xz (or .tar.gz) archives or extracted directories; loose files go after the bundle as attachments');
  return new ArchiveSource(location, compression);
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
  let links = 0;
  await source.walk(
    (entry) => {
      if (entry.type === 'symlink') {
        links++;
        const target = entry.linkTarget ?? '';
        if (target.startsWith('/') || path.posix.normalize(path.posix.join(path.posix.dirname(entry.path), target)).startsWith('..')) {
          notes.push({ path: entry.path, severity: 'warning', message: `symbolic link points outside the bundle (${sanitizeName(target)}): not followed` });
        }
        return null;
      }
      if (entry.type !== 'file') return null;
      const parser = parserForPath(entry.path);
      if (!parser || options.skipParsers?.has(parser.id)) return null;
      return (bytes, canStop) => parseStream(parser, entry.path, undefined, bytes, canStop, store, evidence, limits, entry.size <= cacheBytes);
    },
    (n) => notes.push(n),
  );
  void links;
  for (const n of notes) store.diagnostics.push({ source: n.path, severity: n.severity, message: n.message });
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

async function parseStream(parser: SourceParser, relPath: string, fileTime: number | undefined, bytes: AsyncIterable<Uint8Array>, canStop: boolean, store: RecordStore, evidence: EvidenceText, limits: LineLimits, keepText: boolean): Promise<void> {
  const sink = store.sinkFor(relPath, parser.id);
  const kept: string[] | null = keepText ? [] : null;
  const feeder = feedTextLines(parser, fileTime === undefined ? { path: relPath } : { path: relPath, fileTime }, sink);
  await readLines(
    bytes,
    canStop,
    limits,
    (text, lineNo) => {
      kept?.push(text);
      feeder.push(text, lineNo);
    },
    (n) => sink.diagnostic(n.lineNo, n.severity, n.message),
  );
  feeder.end();
  if (kept) evidence.keep(relPath, kept);
}
