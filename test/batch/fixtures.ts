/**
 * Cheap generated fleets: copies of the two sample bundles with the host name
 * and the collection time varied, so that many bundles share few hosts (for
 * per-host history) and every bundle has distinct content (for ids).
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const HEALTHY = path.join(REPO, 'samples/healthy/sosreport-web02-2026-11-21-pwmdxte');
export const LEAK = path.join(REPO, 'samples/leak-swap-oom/sosreport-db01-2026-11-20-kqzvbnd');

async function rewrite(file: string, edit: (text: string) => string): Promise<void> {
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

/** Bundle i: a copy of the healthy or leaking sample, host `host-<i mod hosts>`, collected a few minutes apart. */
export async function makeBundle(dir: string, i: number, hosts: number): Promise<string> {
  const leak = i % 2 === 1;
  const source = leak ? LEAK : HEALTHY;
  const host = `${leak ? 'db' : 'web'}${String(i % hosts).padStart(3, '0')}.example.com`;
  const dest = path.join(dir, `sosreport-${host.split('.')[0] ?? 'x'}-${String(i).padStart(4, '0')}`);
  await cp(source, dest, { recursive: true });
  await writeFile(path.join(dest, 'sos_commands/host/hostname'), `${host}\n`);
  // the minute moves, the day stays: the sar files of the sample still cover the collection time
  const minute = String(10 + (i % 45)).padStart(2, '0');
  for (const f of ['sos_commands/date/date', 'sos_commands/date/date_--utc']) await rewrite(path.join(dest, f), (t) => t.replace(/(\d\d):\d\d:(\d\d)/, `$1:${minute}:$2`));
  return dest;
}

export async function makeFleet(dir: string, count: number, hosts = Math.max(1, Math.floor(count / 4))): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(await makeBundle(dir, i, hosts));
  return out;
}

/** Packs a bundle directory as sos does: one top directory inside a .tar.xz. */
export function tarXz(bundleDir: string, archive: string): void {
  const r = spawnSync('tar', ['-cJf', archive, '-C', path.dirname(bundleDir), path.basename(bundleDir)]);
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr.toString()}`);
}
