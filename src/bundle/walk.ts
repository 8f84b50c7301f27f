/** One file of a bundle, as met during a single streaming pass. */
export interface WalkEntry {
  /** normalised path relative to the bundle root, '/'-separated, no top directory */
  path: string;
  /** bytes, or UNKNOWN_SIZE where the source learns it only on opening the file (a directory walk); the consumer is given it then */
  size: number;
  type: 'file' | 'symlink' | 'hardlink' | 'directory' | 'other';
  /** symlinks: the target as written; hard links: the target's normalised bundle path, or null when it leaves the bundle */
  linkTarget?: string | null;
}

/**
 * Caps that keep a hostile bundle from exhausting the machine. Every one of
 * them, when reached, stops reading and leaves a diagnostic saying so.
 */
export interface BundleLimits {
  /** bytes read from the bundle in all (archives: the decompressed tar stream; directories: the files read) */
  maxTotalBytes: number;
  /** entries (files, directories, links) looked at */
  maxEntries: number;
  /** directory levels below the bundle root */
  maxDepth: number;
  /** characters of one entry name: longer names are not real sosreport paths */
  maxNameChars: number;
  /**
   * threads xz may decode with (0: one per core) for archives of 16 MiB and
   * more; smaller ones decode with one (archive.ts xzPlan). Archives written by multi-threaded xz
   * are in independent blocks that decode in parallel; xz lowers the count to
   * stay within XZ_MEMLIMIT. Batch mode, which already runs a bundle per core,
   * gives each its share.
   */
  xzThreads: number;
  /**
   * Not a cap: where an archive may be decoded to scratch (the run's output
   * directory; xz-file.ts), or null for nowhere. Decoding through scratch
   * takes less CPU than through a pipe.
   */
  scratchDir: string | null;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxTotalBytes: 16 * 1024 ** 3,
  maxEntries: 1_000_000,
  maxDepth: 64,
  maxNameChars: 4096,
  xzThreads: 0,
  scratchDir: null,
};

export interface WalkNote {
  path: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/**
 * The visitor decides per entry whether to read it: return a consumer to
 * receive its bytes, or null to skip it (archives then drain it unread).
 */
export type EntryVisitor = (entry: WalkEntry) => EntryConsumer | null;

/**
 * Reads one entry's bytes. `canStop` says whether the consumer may stop early
 * (a directory file can be closed; an archive entry must be read to its end
 * to reach the next one, so the consumer drains it instead).
 *
 * A chunk is valid only until the consumer asks for the next one: sources
 * read into buffers they reuse, so a consumer copies (or decodes) what it
 * keeps before it goes on.
 */
export type EntryConsumer = (bytes: AsyncIterable<Uint8Array>, canStop: boolean, size: number) => Promise<void>;

/** WalkEntry.size of a file whose size the source has not looked up yet. */
export const UNKNOWN_SIZE = -1;

export interface BundleSource {
  kind: 'directory' | 'archive';
  /** the path the user gave */
  location: string;
  walk(visit: EntryVisitor, note: (n: WalkNote) => void): Promise<void>;
}

/**
 * Normalises an entry name from an archive or directory walk. Returns null
 * for names that would leave the bundle root (absolute, `..`), so nothing
 * outside the bundle is ever looked at.
 */
export function safeRelativePath(name: string): string | null {
  // Windows drive letters and UNC roots count as absolute too.
  if (name.includes('\0')) return null;
  let n = name.replaceAll('\\', '/');
  if (n.startsWith('/') || /^[A-Za-z]:\//.test(n)) return null;
  const parts: string[] = [];
  for (const part of n.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return null;
    parts.push(part);
  }
  n = parts.join('/');
  return n;
}

/**
 * Problems with a name that is safe but unusable as-is: control characters
 * (a newline would forge a line in a Markdown report) and bytes that were not
 * UTF-8 (decoded to U+FFFD). Returns the printable name and what was wrong.
 */
export function cleanEntryName(name: string): { name: string; problem: string | null } {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f-\u009f]/.test(name);
  const invalid = name.includes('\ufffd');
  if (!control && !invalid) return { name, problem: null };
  // eslint-disable-next-line no-control-regex
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return { name: printable, problem: control ? 'name holds control characters (shown as ?)' : 'name is not valid UTF-8 (shown with \ufffd)' };
}
