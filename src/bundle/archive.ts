import { createReadStream, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { BundleLimits, BundleSource, EntryVisitor, WalkNote } from './walk.js';
import { cleanEntryName, DEFAULT_BUNDLE_LIMITS, safeRelativePath } from './walk.js';
import { readTar } from './tar.js';
import { formatBytes } from './lines.js';
import { xzIndexOffset, xzIndexRecords, xzStreamTotals } from './xz-index.js';

/**
 * sos writes .tar.xz (its default) or .tar.gz; sos 3 and the sosreport of RHEL 5 and 6 could write
 * .tar.bz2, and zstd is what other collectors and re-packed archives use.
 */
export type Compression = 'xz' | 'gzip' | 'bzip2' | 'zstd' | 'none';

/** Reads the first bytes to tell xz, gzip and plain tar apart (names lie). */
export async function sniffArchive(file: string): Promise<Compression | null> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    if (bytesRead >= 6 && buf[0] === 0xfd && buf.subarray(1, 6).toString('latin1') === '7zXZ\0') return 'xz';
    if (bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
    // "BZh" and the block size, 1 to 9 (hundreds of kB)
    if (bytesRead >= 4 && buf.subarray(0, 3).toString('latin1') === 'BZh' && (buf[3] ?? 0) >= 0x31 && (buf[3] ?? 0) <= 0x39) return 'bzip2';
    if (bytesRead >= 4 && buf.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
    if (bytesRead >= 262 && buf.subarray(257, 262).toString('latin1') === 'ustar') return 'none';
    return null;
  } finally {
    await fh.close();
  }
}

const SYSTEM_XZ = ['/usr/bin/xz', '/bin/xz', '/usr/local/bin/xz'].find((p) => existsSync(p)) ?? null;

/** The programs that decode the rarer archives, run as xz is (no shell, the path as one argument). */
const PIPE_DECODERS: Record<'bzip2' | 'zstd', { paths: string[]; args: (file: string) => string[]; install: string }> = {
  bzip2: { paths: ['/usr/bin/bzip2', '/bin/bzip2', '/usr/local/bin/bzip2'], args: (file) => ['-d', '-c', '--', file], install: 'apt-get install bzip2 (dnf install bzip2)' },
  // --memory bounds the window a hostile frame can ask for, as XZ_MEMLIMIT does for xz
  zstd: { paths: ['/usr/bin/zstd', '/bin/zstd', '/usr/local/bin/zstd'], args: (file) => ['-d', '-c', '-q', '--memory=256MB', '--', file], install: 'apt-get install zstd (dnf install zstd)' },
};

/** The program for a bzip2 or zstd archive, or null when this machine has none. */
export function pipeDecoderOf(compression: 'bzip2' | 'zstd'): string | null {
  return PIPE_DECODERS[compression].paths.find((p) => existsSync(p)) ?? null;
}

/** How to get the program a bzip2 or zstd archive needs. */
export function installHintOf(compression: 'bzip2' | 'zstd'): string {
  return PIPE_DECODERS[compression].install;
}

/**
 * The xz header names the dictionary the decoder must allocate; a hostile
 * header can ask for 1.5 GiB. `xz -9` needs 65 MiB, so this is generous.
 */
export const XZ_MEMLIMIT = '256MiB';

interface Decompressed {
  /** the decoded bytes, read once; a chunk is valid until the next one is asked for */
  stream: AsyncIterable<Uint8Array>;
  /** the decoder's complaint once it has finished, or null */
  done: () => Promise<string | null>;
  /** stops decoding now: the rest of the archive is not wanted (a cap was hit) */
  stop: () => void;
}

/**
 * xz is decoded by the system `xz` when there is one: it runs in its own
 * process, so decompression overlaps with parsing on a second core; its
 * output goes to a scratch file in the output directory when the run has one
 * (xz-file.ts), else through a pipe read by a worker thread (xz-worker.ts) or
 * by the main thread (xz-pipe.ts): xzPlan chooses. Without it, a WebAssembly
 * decoder does the same in-process.
 */
async function decompressor(file: string, compression: Compression, xzThreads: number, scratchDir: string | null): Promise<Decompressed> {
  const raw = createReadStream(file, { highWaterMark: 1024 * 1024 });
  let stopped = false;
  if (compression === 'gzip') {
    // Loaded here: zlib costs ~2 ms of start-up that an xz or directory run does not need.
    const { createGunzip } = await import('node:zlib');
    const gunzip = createGunzip();
    let error: string | null = null;
    gunzip.on('error', (e) => {
      error = `gzip: ${e.message}`;
    });
    raw.pipe(gunzip);
    return {
      stream: gunzip,
      done: async () => (stopped ? null : error),
      stop: () => {
        stopped = true;
        raw.destroy();
        gunzip.destroy();
      },
    };
  }
  if (compression === 'bzip2' || compression === 'zstd') {
    raw.destroy();
    const program = pipeDecoderOf(compression);
    // openBundle refuses the archive first when the program is missing; a race leaves a clear complaint
    if (program === null) return { stream: Readable.from([]), done: async () => `${compression}: no ${compression} program on this machine (${installHintOf(compression)})`, stop: () => {} };
    const { pipeXz } = await import('./xz-pipe.js');
    const decoder = pipeXz(program, PIPE_DECODERS[compression].args(file), compression);
    return { stream: decoder.stream, done: decoder.done, stop: decoder.stop };
  }
  if (compression === 'none') {
    return {
      stream: raw,
      done: async () => null,
      stop: () => {
        stopped = true;
        raw.destroy();
      },
    };
  }
  if (SYSTEM_XZ) {
    raw.destroy();
    const scratch = scratchDir === null ? null : path.resolve(scratchDir);
    return (await takeEarlyXz(file, xzThreads, scratch)) ?? (await startXz(SYSTEM_XZ, file, xzThreads, scratch));
  }
  const { XzReadableStream } = await import('xz-decompress');
  const web = new XzReadableStream(Readable.toWeb(raw) as unknown as ReadableStream<Uint8Array>);
  const out = Readable.fromWeb(web as unknown as import('node:stream/web').ReadableStream<Uint8Array>);
  let error: string | null = null;
  out.on('error', (e) => {
    error = `xz: ${e.message}`;
  });
  return {
    stream: out,
    done: async () => (stopped ? null : error),
    stop: () => {
      stopped = true;
      out.destroy();
      raw.destroy();
    },
  };
}

function xzArgs(file: string, threads: number): string[] {
  // --memlimit-decompress bounds threaded decoding too: xz uses fewer threads rather than more memory.
  return ['-dc', `--threads=${Math.max(0, Math.floor(threads))}`, `--memlimit-decompress=${XZ_MEMLIMIT}`, '--', file];
}

/**
 * How an archive is decoded. Threads: below THREADED_MIN_BYTES decoding takes
 * ~0.1 s or less and the parser bounds the run, so more xz threads only take
 * CPU from it (33 MB typical bundle, 3.4 MB compressed, two cores: one thread
 * faster by 0 to 22 ms on average in three series of 30 to 40 paired runs,
 * faster in 47 of 70 through the CLI); above, decoding is what a
 * large bundle waits for (1.5 GB, 150 MB compressed: 10.4 → 7.6 s with a
 * thread per core). Reader: threaded xz decodes an archive of several
 * blocks ahead in its own memory, so its pipe can be read by the main thread
 * between parse steps (xz-pipe.ts); a one-block archive, or one thread,
 * cannot, and a worker thread keeps the pipe drained instead (xz-worker.ts).
 * The main thread saved the reader thread's CPU on the large bundle (7.91 →
 * 7.66 s, 3 of 3), was a wash on the typical one (30 runs), and 80 ms slower
 * on a one-block archive.
 */
export async function xzPlan(file: string, threads: number, scratch = false): Promise<{ threads: number; reader: 'pipe' | 'worker' | 'file'; decodedBytes: number | null }> {
  const size = await stat(file).then(
    (st) => st.size,
    () => 0,
  );
  const chosen = size < THREADED_MIN_BYTES ? 1 : threads;
  const parallel = chosen === 0 ? availableParallelism() > 1 : chosen > 1;
  const shape = await xzShape(file);
  if (parallel && shape.blocks > 1) return { threads: chosen, reader: 'pipe', decodedBytes: shape.decodedBytes };
  const fits = scratch && shape.decodedBytes !== null && shape.decodedBytes <= SCRATCH_MAX_BYTES;
  return { threads: chosen, reader: fits ? 'file' : 'worker', decodedBytes: shape.decodedBytes };
}

/** Compressed size from which xz decodes with more than one thread (as many as xzThreads allows). */
const THREADED_MIN_BYTES = 16 * 1024 * 1024;

/**
 * The largest decoded size written to scratch (xz-file.ts): a sosreport under
 * THREADED_MIN_BYTES compressed decodes to ~50–250 MB; the scratch file's
 * blocks are freed when the run ends, and a larger archive keeps the worker,
 * which holds no more than 16 MiB ahead.
 */
const SCRATCH_MAX_BYTES = 512 * 1024 * 1024;

async function startXz(xz: string, file: string, threads: number, scratchDir: string | null): Promise<import('./xz-worker.js').WorkerXz> {
  const plan = await xzPlan(file, threads, scratchDir !== null);
  if (plan.reader === 'pipe') {
    const { pipeXz } = await import('./xz-pipe.js');
    return pipeXz(xz, xzArgs(file, plan.threads));
  }
  if (plan.reader === 'file' && scratchDir !== null && plan.decodedBytes !== null) {
    const { openScratch } = await import('./scratch.js');
    const fd = openScratch(scratchDir);
    if (fd !== null) {
      const { fileXz } = await import('./xz-file.js');
      return fileXz(xz, xzArgs(file, plan.threads), fd, plan.decodedBytes);
    }
  }
  const { workerXz } = await import('./xz-worker.js');
  return workerXz(xz, xzArgs(file, plan.threads));
}

/** Blocks in the file's last xz stream, from its footer and index; 1 when they cannot be read (the worker then serves either way). */
export async function xzBlocks(file: string): Promise<number> {
  return (await xzShape(file)).blocks;
}

/** The largest index read whole to learn the decoded size: 1 MiB holds ~100 000 blocks, far more than a sosreport's. */
const MAX_INDEX_BYTES = 1024 * 1024;

/**
 * Blocks of the last stream, and the bytes the file decodes to when its index
 * says so for the whole file (one stream); null when it does not.
 */
async function xzShape(file: string): Promise<{ blocks: number; decodedBytes: number | null }> {
  let fh;
  try {
    fh = await open(file, 'r');
    const size = (await fh.stat()).size;
    // Stream padding is rare and short; 4 KiB holds the footer behind any of it.
    const tailBytes = Math.min(size, 4096);
    const tail = Buffer.alloc(tailBytes);
    await fh.read(tail, 0, tailBytes, size - tailBytes);
    const at = xzIndexOffset(tail, size);
    if (at === null) return { blocks: 1, decodedBytes: null };
    const indexBytes = Math.min(size - at, MAX_INDEX_BYTES);
    const index = Buffer.alloc(indexBytes);
    const { bytesRead } = await fh.read(index, 0, indexBytes, at);
    const blocks = xzIndexRecords(index.subarray(0, Math.min(bytesRead, 10))) ?? 1;
    const totals = xzStreamTotals(index.subarray(0, bytesRead), at);
    return { blocks, decodedBytes: totals?.wholeFile ? totals.uncompressedBytes : null };
  } catch {
    return { blocks: 1, decodedBytes: null };
  } finally {
    await fh?.close();
  }
}

/**
 * Decoders started by startXzEarly and not yet taken by a walk, by resolved
 * path: registered at once, before they are running, so that a second start
 * or a walk that comes meanwhile finds the first rather than starting another.
 */
const earlyXz = new Map<string, { decoder: Promise<import('./xz-worker.js').WorkerXz | null>; threads: number; scratchDir: string | null }>();

/**
 * Starts decoding `file` now when it is an xz archive and the system has xz:
 * the CLI calls this before it loads the analysis modules, so xz (and the
 * worker thread that reads it, when one does) gets going meanwhile (~30 ms of
 * a 0.5 s run on a typical bundle) instead of after. The walk of that file
 * takes the decoder over; one never taken does not keep the process alive
 * and ends with it. Never throws: whatever fails here fails again, with its
 * proper message, when the bundle is opened.
 */
export async function startXzEarly(file: string, options: { scratchDir?: string | null; xzThreads?: number } = {}): Promise<void> {
  if (!SYSTEM_XZ) return;
  const xz = SYSTEM_XZ;
  const threads = options.xzThreads ?? DEFAULT_BUNDLE_LIMITS.xzThreads;
  const scratchDir = options.scratchDir ? path.resolve(options.scratchDir) : null;
  const key = path.resolve(file);
  if (earlyXz.has(key)) return;
  const decoder = (async () => {
    try {
      if ((await sniffArchive(file)) !== 'xz') return null;
      const started = await startXz(xz, file, threads, scratchDir);
      started.keepAlive(false);
      return started;
    } catch {
      return null; // reported when the bundle is opened
    }
  })();
  earlyXz.set(key, { decoder, threads, scratchDir });
  if ((await decoder) === null && earlyXz.get(key)?.decoder === decoder) earlyXz.delete(key);
}

/** Whether a decoder started early for `file` waits to be taken (for tests). */
export function earlyXzWaiting(file: string): boolean {
  return earlyXz.has(path.resolve(file));
}

/** The decoder started early for `file`, when it was started with the same threads and scratch; one that was not is stopped. */
async function takeEarlyXz(file: string, threads: number, scratchDir: string | null): Promise<Decompressed | null> {
  const key = path.resolve(file);
  const early = earlyXz.get(key);
  if (!early) return null;
  earlyXz.delete(key);
  const decoder = await early.decoder;
  if (decoder === null) return null;
  if (early.threads !== threads || early.scratchDir !== scratchDir) {
    decoder.stop();
    return null;
  }
  decoder.keepAlive(true);
  return decoder;
}

/**
 * The decoded bytes up to the cap (decompression bombs). A decoder's failure
 * ends them quietly: done() reports it. Pulled chunk by chunk, so a chunk
 * stays valid until the tar reader asks for the next, as a decoder that
 * reuses its buffer needs (xz-file.ts); a Transform between them would read
 * ahead.
 */
async function* byteCap(chunks: AsyncIterable<Uint8Array>, max: number, onCap: () => void): AsyncGenerator<Uint8Array> {
  let total = 0;
  try {
    for await (const chunk of chunks) {
      total += chunk.length;
      if (total > max) {
        yield chunk.subarray(0, chunk.length - (total - max));
        onCap();
        return;
      }
      yield chunk;
    }
  } catch {
    /* reported through done() */
  }
}

const SPECIAL_TYPES = new Set(['character-device', 'block-device', 'fifo']);

/**
 * A sosreport archive read in place, one streaming pass, never extracted to
 * disk. Entry names are normalised and checked; links are reported, never
 * followed; the single top directory (sosreport-host-date/) is stripped.
 */
export class ArchiveSource implements BundleSource {
  readonly kind = 'archive';
  constructor(
    readonly location: string,
    readonly compression: Compression,
    limits: Partial<BundleLimits> = {},
  ) {
    this.limits = { ...DEFAULT_BUNDLE_LIMITS, ...limits };
  }
  private readonly limits: BundleLimits;

  async walk(visit: EntryVisitor, note: (n: WalkNote) => void): Promise<void> {
    const { stream, done, stop } = await decompressor(this.location, this.compression, this.limits.xzThreads, this.limits.scratchDir);
    // A throw past this point must not leave the decoder blocked on a full pipe, keeping the process alive.
    try {
      let topDir: string | null | undefined;
      let entries = 0;
      let capped = false;
      // A stream's error before it is read must not go unhandled: done() reports it.
      if (stream instanceof Readable) stream.on('error', () => {});
      const source = byteCap(stream, this.limits.maxTotalBytes, () => {
        capped = true;
        stop();
      });
      const inBundle = (name: string): string | null => {
        const rel = safeRelativePath(name);
        if (rel === null || !topDir) return rel;
        if (rel === topDir) return '';
        return rel.startsWith(`${topDir}/`) ? rel.slice(topDir.length + 1) : rel;
      };

      let tarError: string | null = null;
      let stoppedEarly = false;
      // Thrown by the entry handler to end the walk at the entry cap; not damage.
      const enough = new Error('entry cap');
      try {
        await readTar(source, async (h, body) => {
          if (++entries > this.limits.maxEntries) {
            note({ path: '.', severity: 'warning', message: `more than ${this.limits.maxEntries} entries in the archive: the rest were not read` });
            throw enough;
          }
          if (h.name.length > this.limits.maxNameChars) {
            note({ path: `${sanitizeName(h.name).slice(0, 120)}…`, severity: 'warning', message: `entry name of ${h.name.length} characters (cap ${this.limits.maxNameChars}): ignored` });
            return;
          }
          const rel = safeRelativePath(h.name);
          if (rel === null) {
            note({ path: sanitizeName(h.name), severity: 'warning', message: 'entry path leaves the bundle root (absolute or ..): ignored' });
            return;
          }
          if (topDir === undefined) {
            const first = rel.split('/')[0] ?? '';
            topDir = h.type === 'directory' || rel.includes('/') ? first : null;
          }
          const inner = inBundle(h.name) ?? '';
          if (inner === '') return;
          if (inner.split('/').length > this.limits.maxDepth) {
            note({ path: sanitizeName(inner).slice(0, 300), severity: 'warning', message: `nested deeper than ${this.limits.maxDepth} levels: ignored` });
            return;
          }
          const { name: path, problem } = cleanEntryName(inner);
          if (problem) note({ path, severity: 'warning', message: problem });
          if (h.type === 'file' || h.type === 'contiguous-file') {
            const consumer = visit({ path, size: h.size, type: 'file' });
            if (consumer) {
              try {
                await consumer(body, false, h.size);
              } catch (err) {
                // Damage inside the entry's data ends the archive; a consumer's own failure ends only this entry.
                if ((err as Error).message === 'Unexpected end of data') throw err;
                note({ path, severity: 'warning', message: `read failed: ${(err as Error).message}` });
              }
            }
            return;
          }
          if (h.type === 'symlink') visit({ path, size: 0, type: 'symlink', linkTarget: h.linkname ?? '' });
          else if (h.type === 'link') {
            // Hard-link names are relative to the archive root, like entry names.
            const target = inBundle(h.linkname ?? '');
            visit({ path, size: 0, type: 'hardlink', linkTarget: target === '' ? null : target });
          } else if (h.type === 'directory') visit({ path, size: 0, type: 'directory' });
          else {
            visit({ path, size: 0, type: 'other' });
            note({ path, severity: SPECIAL_TYPES.has(h.type ?? '') ? 'warning' : 'info', message: `special entry (${h.type ?? 'unknown type'}) ignored: sosreports hold only files, directories and links` });
          }
        });
      } catch (err) {
        if (err !== enough) tarError = (err as Error).message;
        stoppedEarly = true;
      }
      if (stoppedEarly || capped) stop();
      const decompressError = capped ? null : await done();
      if (capped) note({ path: '.', severity: 'warning', message: `archive expands past the ${formatBytes(this.limits.maxTotalBytes)} cap (--max-total-size): reading stopped there (decompression bomb?)` });
      else if (decompressError) note({ path: '.', severity: 'error', message: `archive is damaged or truncated (${decompressError}); what was readable before the damage was used` });
      else if (tarError) note({ path: '.', severity: 'error', message: `archive is damaged or truncated (tar: ${tarError}); what was readable before the damage was used` });
    } catch (err) {
      stop();
      throw err;
    }
  }
}

/** Names from archives may hold control characters: keep them printable in messages. */
export function sanitizeName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 300);
}
