/** One file of a bundle, as met during a single streaming pass. */
export interface WalkEntry {
  /** normalised path relative to the bundle root, '/'-separated, no top directory */
  path: string;
  size: number;
  type: 'file' | 'symlink' | 'directory' | 'other';
  linkTarget?: string;
}

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
 */
export type EntryConsumer = (bytes: AsyncIterable<Uint8Array>, canStop: boolean) => Promise<void>;

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
