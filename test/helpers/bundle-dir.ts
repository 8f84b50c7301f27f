import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The clock files most hand-made bundles need: a boot time (btime) for dmesg and the collection date. */
export function clockFiles(btime: number, date: string): Record<string, string> {
  return { 'proc/stat': `cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime ${btime}\n`, 'sos_commands/date/date': `${date}\n` };
}

/** Writes a sosreport directory `name` under `root` holding `files` (bundle-relative path → text); returns its path. */
export async function writeBundleDir(root: string, name: string, files: Record<string, string>): Promise<string> {
  const bundle = path.join(root, name);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(bundle, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return bundle;
}
