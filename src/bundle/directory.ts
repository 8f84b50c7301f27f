import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { BundleSource, EntryVisitor, WalkNote } from './walk.js';

/** Limits that keep a hostile tree from exhausting the machine. */
export interface WalkLimits {
  maxEntries: number;
  maxDepth: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = { maxEntries: 1_000_000, maxDepth: 64 };

/**
 * A bundle already extracted to a directory. Symlinks are never followed: a
 * sosreport's top-level links (date, uptime, ps …) point at files that are
 * read in their own right, and a link out of the tree must not be read.
 */
export class DirectorySource implements BundleSource {
  readonly kind = 'directory';
  constructor(
    readonly location: string,
    private readonly limits: WalkLimits = DEFAULT_WALK_LIMITS,
  ) {}

  async walk(visit: EntryVisitor, note: (n: WalkNote) => void): Promise<void> {
    const root = await realpath(this.location);
    let seen = 0;
    const stack: { dir: string; rel: string; depth: number }[] = [{ dir: root, rel: '', depth: 0 }];
    while (stack.length > 0) {
      const { dir, rel, depth } = stack.pop() as { dir: string; rel: string; depth: number };
      let names: string[];
      try {
        names = (await readdir(dir)).sort();
      } catch (err) {
        note({ path: rel || '.', severity: 'warning', message: `cannot list directory: ${(err as Error).message}` });
        continue;
      }
      const subdirs: { dir: string; rel: string; depth: number }[] = [];
      for (const name of names) {
        if (++seen > this.limits.maxEntries) {
          note({ path: rel || '.', severity: 'warning', message: `more than ${this.limits.maxEntries} entries: the rest were not read` });
          return;
        }
        const abs = path.join(dir, name);
        const relPath = rel ? `${rel}/${name}` : name;
        let st;
        try {
          st = await lstat(abs);
        } catch (err) {
          note({ path: relPath, severity: 'warning', message: `cannot stat: ${(err as Error).message}` });
          continue;
        }
        if (st.isDirectory()) {
          if (depth + 1 > this.limits.maxDepth) {
            note({ path: relPath, severity: 'warning', message: `nested deeper than ${this.limits.maxDepth} levels: not read` });
            continue;
          }
          subdirs.push({ dir: abs, rel: relPath, depth: depth + 1 });
          continue;
        }
        if (st.isSymbolicLink()) {
          let target = '';
          try {
            target = await readlink(abs);
          } catch {
            /* unreadable link: reported below as a link with no target */
          }
          visit({ path: relPath, size: 0, type: 'symlink', linkTarget: target });
          continue;
        }
        if (!st.isFile()) {
          visit({ path: relPath, size: 0, type: 'other' });
          continue;
        }
        const consumer = visit({ path: relPath, size: st.size, type: 'file' });
        if (!consumer) continue;
        try {
          await consumer(createReadStream(abs, { highWaterMark: 256 * 1024 }), true);
        } catch (err) {
          note({ path: relPath, severity: 'warning', message: `read failed: ${(err as Error).message}` });
        }
      }
      // Depth-first in name order keeps the walk deterministic.
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as { dir: string; rel: string; depth: number });
    }
  }
}
