import type { Dirent } from 'node:fs';
import { closeSync, constants, fstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from './lines.js';
import type { BundleLimits, BundleSource, EntryConsumer, EntryVisitor, WalkNote } from './walk.js';
import { cleanEntryName, DEFAULT_BUNDLE_LIMITS, UNKNOWN_SIZE } from './walk.js';

interface Pending {
  dir: string;
  rel: string;
  depth: number;
}

/**
 * A bundle already extracted to a directory. Symlinks are never followed: a
 * sosreport's top-level links (date, uptime, ps …) point at files that are
 * read in their own right, and a link out of the tree must not be read.
 */
export class DirectorySource implements BundleSource {
  readonly kind = 'directory';
  private readonly limits: BundleLimits;
  constructor(
    readonly location: string,
    limits: Partial<BundleLimits> = {},
  ) {
    this.limits = { ...DEFAULT_BUNDLE_LIMITS, ...limits };
  }

  async walk(visit: EntryVisitor, note: (n: WalkNote) => void): Promise<void> {
    const root = await realpath(this.location);
    let seen = 0;
    let totalBytes = 0;
    const stack: Pending[] = [{ dir: root, rel: '', depth: 0 }];
    const readBuffer = Buffer.allocUnsafe(READ_BYTES);
    while (stack.length > 0) {
      const { dir, rel, depth } = stack.pop() as Pending;
      let dirents: Dirent[];
      try {
        // The entry types come with the listing (lstat() only where the file
        // system gives none): most files of a sosreport are never read, and a
        // stat of each cost ~5 µs, 20 ms on a tree of 4 000 files.
        dirents = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (err) {
        note({ path: rel || '.', severity: 'warning', message: `cannot list directory: ${(err as Error).message}` });
        continue;
      }
      const subdirs: Pending[] = [];
      for (const dirent of dirents) {
        const name = dirent.name;
        if (++seen > this.limits.maxEntries) {
          note({ path: rel || '.', severity: 'warning', message: `more than ${this.limits.maxEntries} entries: the rest were not read` });
          return;
        }
        const abs = path.join(dir, name);
        const cleaned = cleanEntryName(rel ? `${rel}/${name}` : name);
        const relPath = cleaned.name;
        if (cleaned.problem) note({ path: relPath, severity: 'warning', message: cleaned.problem });
        if (relPath.length > this.limits.maxNameChars) {
          note({ path: `${relPath.slice(0, 120)}…`, severity: 'warning', message: `path of ${relPath.length} characters (cap ${this.limits.maxNameChars}): not read` });
          continue;
        }
        if (dirent.isDirectory()) {
          if (depth + 1 > this.limits.maxDepth) {
            note({ path: relPath, severity: 'warning', message: `nested deeper than ${this.limits.maxDepth} levels: not read` });
            continue;
          }
          subdirs.push({ dir: abs, rel: relPath, depth: depth + 1 });
          continue;
        }
        if (dirent.isSymbolicLink()) {
          let target = '';
          try {
            target = readlinkSync(abs);
          } catch {
            /* unreadable link: reported below as a link with no target */
          }
          visit({ path: relPath, size: 0, type: 'symlink', linkTarget: target });
          continue;
        }
        if (!dirent.isFile()) {
          // FIFOs, sockets, devices: opening a FIFO would block for ever.
          visit({ path: relPath, size: 0, type: 'other' });
          note({ path: relPath, severity: 'warning', message: 'special file (device, FIFO or socket) ignored: sosreports hold only files, directories and links' });
          continue;
        }
        const consumer = visit({ path: relPath, size: UNKNOWN_SIZE, type: 'file' });
        if (!consumer) continue;
        let overCap = false;
        try {
          await readNoFollow(abs, readBuffer, (size) => {
            if (totalBytes + size > this.limits.maxTotalBytes) {
              overCap = true;
              return null;
            }
            totalBytes += size;
            return consumer;
          });
        } catch (err) {
          note({ path: relPath, severity: 'warning', message: `read failed: ${(err as Error).message}` });
        }
        if (overCap) {
          note({ path: relPath, severity: 'warning', message: `reading it would pass the ${formatBytes(this.limits.maxTotalBytes)} total cap (--max-total-size): not read, nor any file after it` });
          return;
        }
      }
      // Depth-first in name order keeps the walk deterministic.
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as Pending);
    }
  }
}

/**
 * A sosreport is thousands of small files already in the page cache: listing,
 * lstat() and reading them synchronously costs microseconds each, where every
 * promise-based call is a round trip through libuv's thread pool that the
 * parser sat idle for. Large files are read in chunks of this size, all into
 * one buffer per walk: a fresh 1 MiB buffer per read is memory the kernel
 * must fault in and zero during the read, which took 28–50 ms of a 38 MB
 * bundle's reads against 10 ms into a buffer already in use
 * (docs/performance.md, fourteenth round). Consumers copy what they keep
 * (EntryConsumer).
 */
const READ_BYTES = 1024 * 1024;

/**
 * Opens without following a symlink and refuses anything but a regular file,
 * so a file swapped for a link (or a FIFO) after it was listed is not read.
 * The size is learned here, from the open file, and `admit` may still refuse it.
 */
async function readNoFollow(abs: string, readBuffer: Buffer, admit: (size: number) => EntryConsumer | null): Promise<void> {
  const fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a regular file any more');
    const consumer = admit(st.size);
    if (consumer) await consumer(chunksOf(fd, st.size, readBuffer), true, st.size);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file that fits in one chunk is one read (a byte more than its size, to see its end); a larger one
 * goes chunk by chunk. Every chunk is a view of `readBuffer`, overwritten by the next read.
 */
async function* chunksOf(fd: number, size: number, readBuffer: Buffer): AsyncGenerator<Uint8Array> {
  let want = Math.min(size + 1, readBuffer.length);
  for (;;) {
    const n = readSync(fd, readBuffer, 0, want, null);
    if (n === 0) return;
    yield readBuffer.subarray(0, n);
    want = readBuffer.length;
  }
}
