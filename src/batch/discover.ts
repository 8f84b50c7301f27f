/**
 * Finds the bundles under the paths a batch is given: sosreport directories
 * (recognised by their layout, not their name) and archives (recognised by
 * their magic bytes). Each bundle keeps its path relative to the root it was
 * found under, which is what shards hash, so that two machines given the same
 * archive tree at different mount points pick the same bundles.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { sniffArchive } from '../bundle/archive.js';
import { ARCHIVE_NAME } from '../bundle/ingest.js';
import { compareText } from '../compare-text.js';

export interface FoundBundle {
  /** absolute path */
  path: string;
  /** '/'-separated path relative to the root it was found under */
  rel: string;
  kind: 'directory' | 'archive';
  /** absolute path of the directory of loose attachments beside it (ATTACHMENTS_SUFFIXES), when there is one */
  attachments?: string;
}

/**
 * A directory beside a bundle, named after it with one of these, holds its
 * attachments (`vmstat -t`, timed `pmap -x` or `ps` snapshots…), analysed with
 * it as `sosmortem analyze <bundle> <attachments>` would:
 * `sosreport-db01-….tar.xz` and `sosreport-db01-…-attachments/`.
 */
export const ATTACHMENTS_SUFFIXES = ['-attachments', '.attachments'];

/** The bundle's name without its archive extension: what its attachments directory is named after. */
function stemOf(file: string): string {
  return path.basename(file).replace(ARCHIVE_NAME, '');
}

/** The attachments directory beside a bundle, if one is there. */
async function attachmentsOf(bundle: string): Promise<string | undefined> {
  for (const suffix of ATTACHMENTS_SUFFIXES) {
    const dir = path.join(path.dirname(bundle), `${stemOf(bundle)}${suffix}`);
    // lstat: a link so named could point anywhere on the machine running the batch
    const st = await lstat(dir).catch(() => null);
    if (st?.isDirectory() && !(await isBundleDir(dir))) return dir;
  }
  return undefined;
}

/** Something given or met that cannot be a bundle; it still gets a row. */
export interface Rejected {
  path: string;
  rel: string;
  reason: string;
}

export interface Discovery {
  bundles: FoundBundle[];
  rejected: Rejected[];
}

/** Entries whose presence makes a directory a sosreport. */
const BUNDLE_MARKERS = ['sos_commands', 'version.txt', 'proc'];
// ARCHIVE_NAME: names that claim to be archives; a file so named that is not one is reported, other loose files are not.
const MAX_DEPTH = 32;

export async function isBundleDir(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return BUNDLE_MARKERS.some((m) => names.includes(m));
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** Converts a glob (`*`, `**`, `?`, `[abc]`) to a regular expression over '/'-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expands the arguments (paths or quoted globs) into bundles, sorted by relative path for a stable order. */
export async function discover(args: readonly string[], options: { exclude?: string[] } = {}): Promise<Discovery> {
  const out: Discovery = { bundles: [], rejected: [] };
  const excluded = new Set((options.exclude ?? []).map((p) => path.resolve(p)));
  const seen = new Set<string>();
  const add = (b: FoundBundle): void => {
    if (seen.has(b.path)) return;
    seen.add(b.path);
    out.bundles.push(b);
  };
  const pairAttachments = async (): Promise<void> => {
    for (const b of out.bundles) {
      const dir = await attachmentsOf(b.path);
      if (dir !== undefined && !excluded.has(dir)) b.attachments = dir;
    }
  };

  async function visit(abs: string, rel: string, depth: number, explicit: boolean, pattern: RegExp | null): Promise<void> {
    if (excluded.has(abs)) return;
    // lstat: a link to a directory could loop or leave the tree; an explicitly named link is followed once
    const st = await (explicit ? stat(abs) : lstat(abs)).catch((err: Error) => err);
    if (st instanceof Error) {
      if (explicit) out.rejected.push({ path: abs, rel, reason: `cannot read: ${st.message}` });
      return;
    }
    if (st.isDirectory()) {
      if (await isBundleDir(abs)) {
        if (!pattern || pattern.test(rel)) add({ path: abs, rel, kind: 'directory' });
        return;
      }
      if (depth >= MAX_DEPTH) return;
      const names = (await readdir(abs).catch(() => [] as string[])).sort();
      // a bundle's attachments directory is read with it, not searched for bundles of its own
      const stems = new Set(names.map(stemOf));
      for (const name of names) {
        if (name.startsWith('.')) continue;
        const suffix = ATTACHMENTS_SUFFIXES.find((x) => name.endsWith(x));
        if (suffix && stems.has(name.slice(0, -suffix.length))) continue;
        await visit(path.join(abs, name), rel ? `${rel}/${name}` : name, depth + 1, false, pattern);
      }
      return;
    }
    if (!st.isFile()) return;
    if (pattern && !pattern.test(rel)) return;
    const compression = await sniffArchive(abs).catch(() => null);
    if (compression !== null) add({ path: abs, rel, kind: 'archive' });
    else if (explicit || pattern || ARCHIVE_NAME.test(abs)) out.rejected.push({ path: abs, rel, reason: 'not a sosreport: neither a tar, tar.gz, tar.xz, tar.bz2 or tar.zst archive nor a directory holding sos_commands/, version.txt or proc/' });
  }

  for (const arg of args) {
    if (hasGlob(arg)) {
      const parts = toPosix(arg).split('/');
      const firstGlob = parts.findIndex(hasGlob);
      const base = parts.slice(0, firstGlob).join('/') || '.';
      const pattern = globToRegExp(parts.slice(firstGlob).join('/'));
      const root = path.resolve(base);
      const names = (await readdir(root).catch(() => [] as string[])).sort();
      for (const name of names) {
        if (name.startsWith('.')) continue;
        await visitGlob(path.join(root, name), name, pattern);
      }
    } else {
      const abs = path.resolve(arg);
      const st = await stat(abs).catch(() => null);
      // a directory argument is a root: bundles below it are named relative to it
      const isRootDir = st?.isDirectory() === true && !(await isBundleDir(abs));
      await visit(abs, isRootDir ? '' : path.basename(abs), 0, true, null);
    }
  }

  // a glob matches anywhere along the path; a matching directory is then searched like an argument
  async function visitGlob(abs: string, rel: string, pattern: RegExp): Promise<void> {
    if (pattern.test(rel)) {
      const st = await stat(abs).catch(() => null);
      if (st?.isDirectory() && !(await isBundleDir(abs))) {
        const names = (await readdir(abs).catch(() => [] as string[])).sort();
        for (const name of names) if (!name.startsWith('.')) await visit(path.join(abs, name), `${rel}/${name}`, 1, false, null);
        return;
      }
      await visit(abs, rel, 0, true, null);
      return;
    }
    const st = await lstat(abs).catch(() => null);
    if (!st?.isDirectory() || (await isBundleDir(abs))) return;
    if (rel.split('/').length >= MAX_DEPTH) return;
    const names = (await readdir(abs).catch(() => [] as string[])).sort();
    for (const name of names) if (!name.startsWith('.')) await visitGlob(path.join(abs, name), `${rel}/${name}`, pattern);
  }

  await pairAttachments();
  out.bundles.sort((a, b) => compareText(a.rel, b.rel) || compareText(a.path, b.path));
  out.rejected.sort((a, b) => compareText(a.rel, b.rel));
  return out;
}

/** Which of N shards a bundle belongs to: a hash of its relative path, so every machine agrees. */
export function shardOf(rel: string, count: number): number {
  const h = createHash('sha256').update(rel).digest();
  return h.readUInt32BE(0) % count;
}

export interface Shard {
  index: number;
  count: number;
}

/** Parses `K/N`, `auto/N` (K from JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it). */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard | string {
  const m = /^\s*(\d+|auto)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return `"${text}" is not K/N`;
  const count = Number(m[2]);
  let kText = m[1] as string;
  if (kText === 'auto') {
    const fromEnv = env['JOB_COMPLETION_INDEX'];
    if (fromEnv === undefined || !/^\d+$/.test(fromEnv)) return '--shard auto/N needs JOB_COMPLETION_INDEX in the environment';
    kText = fromEnv;
  }
  const index = Number(kText);
  if (count < 1) return 'N must be at least 1';
  if (index >= count) return `K must be below N (got ${index}/${count})`;
  return { index, count };
}
