/**
 * Crash-safe per-bundle output. Everything of one bundle is written into a
 * hidden temporary directory beside its final place, report.json last, and
 * the directory is then renamed into place: a reader (or a resumed batch)
 * sees either the complete directory or none at all.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { hashOfId } from './row.js';

export const PARTIAL_PREFIX = '.partial-';

export async function makePartialDir(outDir: string, hash: string): Promise<string> {
  const dir = path.join(outDir, `${PARTIAL_PREFIX}${hash.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Renames the finished temporary directory to outDir/id, replacing an earlier copy of the same bundle. */
export async function publish(partialDir: string, outDir: string, id: string): Promise<void> {
  const final = path.join(outDir, id);
  try {
    await rename(partialDir, final);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
  // the same content analysed before: move the old copy aside first so that a complete report is always in place
  const old = path.join(outDir, `${PARTIAL_PREFIX}old-${id}-${randomBytes(4).toString('hex')}`);
  await rename(final, old).catch(() => undefined);
  await rename(partialDir, final).catch(async (err: NodeJS.ErrnoException) => {
    // another worker published the same content meanwhile: its copy is as good as ours
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    await rm(partialDir, { recursive: true, force: true });
  });
  await rm(old, { recursive: true, force: true });
}

/** Bundle directories already complete in outDir (report.json present), by the content hash in their name. */
export async function completedBundles(outDir: string): Promise<Map<string, string>> {
  const done = new Map<string, string>();
  const names = await readdir(outDir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const hash = hashOfId(name);
    if (!hash) continue;
    if (await stat(path.join(outDir, name, 'report.json')).then((s) => s.isFile(), () => false)) done.set(hash, name);
  }
  return done;
}

/** Removes what a killed run left behind. One output directory belongs to one batch at a time. */
export async function removePartials(outDir: string): Promise<number> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  let n = 0;
  for (const name of names) {
    if (name.startsWith(PARTIAL_PREFIX) || /^\..*\.tmp$/.test(name)) {
      await rm(path.join(outDir, name), { recursive: true, force: true });
      n++;
    }
  }
  return n;
}
