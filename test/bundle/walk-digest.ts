import { createHash } from 'node:crypto';
import { ArchiveSource } from '../../src/bundle/archive.js';

/** Each file of an .xz archive as "path sha256-of-its-bytes", in walk order: two walks read the same when these are equal. */
export async function walkDigest(file: string, xzThreads?: number): Promise<string[]> {
  const out: string[] = [];
  await new ArchiveSource(file, 'xz', xzThreads === undefined ? {} : { xzThreads }).walk(
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
