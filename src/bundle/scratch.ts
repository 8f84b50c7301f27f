/**
 * Scratch space for decoding an archive: a file with no name inside the
 * output directory. Nothing is ever written outside the output directory, so
 * the scratch file lives there too; it is unlinked the moment it is opened,
 * so it never shows among the reports, and its blocks go back to the file
 * system when the descriptor closes, however the process ends.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/** Output directories this process created for scratch space: removed at exit when the run left them empty (it failed before writing a report). */
const created = new Set<string>();
let exitHookSet = false;

/**
 * Opens an unnamed read-write scratch file in `dir` (created when missing, one
 * level only: a mistyped deep path is not built for a file nobody sees).
 * Returns its descriptor, or null when the directory cannot hold one (read-only,
 * missing parent, no permission): the caller then decodes without scratch.
 */
export function openScratch(dir: string): number | null {
  const target = path.resolve(dir);
  try {
    mkdirSync(target);
    created.add(target);
    if (!exitHookSet) {
      exitHookSet = true;
      process.once('exit', removeEmptyCreated);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  const file = path.join(target, `.sosmortem-scratch-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number;
  try {
    // 'wx+': created here and now, never an existing file or a link planted in its place.
    fd = openSync(file, 'wx+', 0o600);
  } catch {
    return null;
  }
  try {
    unlinkSync(file);
  } catch {
    // Windows refuses to unlink an open file: closed, it goes, and the run decodes without scratch.
    closeSync(fd);
    try {
      unlinkSync(file);
    } catch {
      /* nothing more to do */
    }
    return null;
  }
  return fd;
}

function removeEmptyCreated(): void {
  for (const dir of created) {
    try {
      rmdirSync(dir);
    } catch {
      /* not empty: the run wrote its reports there */
    }
  }
}
