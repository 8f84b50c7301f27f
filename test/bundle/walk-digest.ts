import { createHash } from 'node:crypto';
import { ArchiveSource } from '../../src/bundle/archive.js';
import type { BundleLimits } from '../../src/bundle/walk.js';

/** Each file of an .xz archive as "path sha256-of-its-bytes", in walk order: two walks read the same when these are equal. */
export async function walkDigest(file: string, xzThreads?: number, more: Partial<BundleLimits> = {}): Promise<string[]> {
  const out: string[] = [];
  await new ArchiveSource(file, 'xz', { ...(xzThreads === undefined ? {} : { xzThreads }), ...more }).walk(
    (entry) =>
      entry.type === 'file'
        ? async (bytes) => {
            const h = createHash('sha256');
            for await (const chunk of bytes) h.update(chunk);
            out.push(`${entry.path} ${h.digest('hex')}`);
          }
        : null,
    () => {},
  );
  return out;
}
