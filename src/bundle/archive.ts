import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import type { BundleSource, EntryVisitor, WalkNote } from './walk.js';
import { safeRelativePath } from './walk.js';

export type Compression = 'xz' | 'gzip' | 'none';

export interface ArchiveLimits {
  /** bytes of decompressed tar stream read at most: a decompression bomb stops here */
  maxTotalBytes: number;
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 16 * 1024 * 1024 * 1024,
  maxEntries: 1_000_000,
};

/** Reads the first bytes to tell xz, gzip and plain tar apart (names lie). */
export async function sniffArchive(file: string): Promise<Compression | null> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    if (bytesRead >= 6 && buf[0] === 0xfd && buf.subarray(1, 6).toString('latin1') === '7zXZ\0') return 'xz';
    if (bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
    if (bytesRead >= 262 && buf.subarray(257, 262).toString('latin1') === 'ustar') return 'none';
    return null;
  } finally {
    await fh.close();
  }
}

const SYSTEM_XZ = ['/usr/bin/xz', '/bin/xz', '/usr/local/bin/xz'].find((p) => existsSync(p)) ?? null;

/**
 * xz is decoded by the system `xz` when there is one: it runs in its own
 * process, so decompression overlaps with parsing on a second core. Without
 * it, a WebAssembly decoder does the same in-process.
 */
async function decompressor(file: string, compression: Compression): Promise<{ stream: Readable; done: () => Promise<string | null> }> {
  const raw = createReadStream(file, { highWaterMark: 1024 * 1024 });
  if (compression === 'gzip') {
    const gunzip = createGunzip();
    let error: string | null = null;
    gunzip.on('error', (e) => {
      error = `gzip: ${e.message}`;
    });
    raw.pipe(gunzip);
    return { stream: gunzip, done: async () => error };
  }
  if (compression === 'none') return { stream: raw, done: async () => null };
  if (SYSTEM_XZ) {
    const child = spawn(SYSTEM_XZ, ['-dc', '--', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 2000) stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    raw.destroy();
    return {
      stream: child.stdout,
      done: async () => {
        const code = await exited;
        return code === 0 || code === null ? null : `xz: ${stderr.trim() || `exit code ${code}`}`;
      },
    };
  }
  const { XzReadableStream } = await import('xz-decompress');
  const web = new XzReadableStream(Readable.toWeb(raw) as unknown as ReadableStream<Uint8Array>);
  const out = Readable.fromWeb(web as unknown as import('node:stream/web').ReadableStream<Uint8Array>);
  let error: string | null = null;
  out.on('error', (e) => {
    error = `xz: ${e.message}`;
  });
  return { stream: out, done: async () => error };
}

/** Counts bytes and stops the stream past the cap (decompression bombs). */
function byteCap(max: number, onCap: () => void): Transform {
  let total = 0;
  let capped = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (capped) return cb();
      total += chunk.length;
      if (total > max) {
        capped = true;
        onCap();
        this.push(chunk.subarray(0, chunk.length - (total - max)));
        this.push(null);
        return cb();
      }
      cb(null, chunk);
    },
  });
}

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
    private readonly limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
  ) {}

  async walk(visit: EntryVisitor, note: (n: WalkNote) => void): Promise<void> {
    const { stream, done } = await decompressor(this.location, this.compression);
    const extract = tarExtract();
    let topDir: string | null | undefined;
    let entries = 0;
    let capped = false;
    const cap = byteCap(this.limits.maxTotalBytes, () => {
      capped = true;
    });
    stream.on('error', () => {
      /* reported through done() */
    });
    const source = stream.pipe(cap);

    let tarError: string | null = null;
    try {
      for await (const entry of source.pipe(extract)) {
        const h = entry.header;
        if (++entries > this.limits.maxEntries) {
          note({ path: '.', severity: 'warning', message: `more than ${this.limits.maxEntries} entries in the archive: the rest were not read` });
          entry.resume();
          break;
        }
        const rel = safeRelativePath(h.name);
        if (rel === null) {
          note({ path: sanitizeName(h.name), severity: 'warning', message: 'entry path leaves the bundle root (absolute or ..): ignored' });
          entry.resume();
          continue;
        }
        if (topDir === undefined) {
          const first = rel.split('/')[0] ?? '';
          topDir = h.type === 'directory' || rel.includes('/') ? first : null;
        }
        let inner = rel;
        if (topDir) {
          if (rel === topDir) {
            entry.resume();
            continue;
          }
          if (rel.startsWith(`${topDir}/`)) inner = rel.slice(topDir.length + 1);
        }
        const type = h.type === 'file' || h.type === 'contiguous-file' ? 'file' : h.type === 'symlink' || h.type === 'link' ? 'symlink' : h.type === 'directory' ? 'directory' : 'other';
        if (type === 'other') note({ path: inner, severity: 'info', message: `special entry (${h.type}) ignored` });
        if (h.type === 'link') note({ path: inner, severity: 'info', message: `hard link to ${sanitizeName(h.linkname ?? '')} not followed` });
        const consumer = type === 'file' ? visit({ path: inner, size: h.size ?? 0, type }) : (visit(type === 'symlink' ? { path: inner, size: 0, type, linkTarget: h.linkname ?? '' } : { path: inner, size: 0, type }), null);
        if (consumer) {
          try {
            await consumer(entry as unknown as AsyncIterable<Uint8Array>, false);
          } catch (err) {
            note({ path: inner, severity: 'warning', message: `read failed: ${(err as Error).message}` });
          }
        } else {
          entry.resume();
        }
      }
    } catch (err) {
      tarError = (err as Error).message;
    }
    const decompressError = await done();
    if (capped) note({ path: '.', severity: 'warning', message: `archive expands past the ${Math.round(this.limits.maxTotalBytes / 2 ** 30)} GiB cap: reading stopped there (decompression bomb?)` });
    else if (decompressError) note({ path: '.', severity: 'error', message: `archive is damaged or truncated (${decompressError}); what was readable before the damage was used` });
    else if (tarError) note({ path: '.', severity: 'error', message: `archive is damaged or truncated (tar: ${tarError}); what was readable before the damage was used` });
  }
}

/** Names from archives may hold control characters: keep them printable in messages. */
export function sanitizeName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 300);
}
