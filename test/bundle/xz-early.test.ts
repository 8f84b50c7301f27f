import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { earlyXzWaiting, startXzEarly } from '../../src/bundle/archive.js';
import { startFromArgv } from '../../src/cli/early.js';
import { walkDigest } from './walk-digest.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const XZ = ['/usr/bin/xz', '/bin/xz'].find((p) => existsSync(p));
const dir = mkdtempSync(path.join(tmpdir(), 'sosmortem-xzearly-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small sosreport-shaped tree, archived as .tar.xz and .tar.gz. */
function makeArchives(): { xz: string; gz: string } {
  const top = path.join(dir, 'sosreport-h-2026-11-20-x');
  mkdirSync(path.join(top, 'var', 'log'), { recursive: true });
  writeFileSync(path.join(top, 'var', 'log', 'messages'), Array.from({ length: 20_000 }, (_, i) => `Nov 20 10:${String(i % 60).padStart(2, '0')}:00 h kernel: line ${i}\n`).join(''));
  writeFileSync(path.join(top, 'version.txt'), 'sosreport: 4.5.0\n');
  const xz = path.join(dir, 'b.tar.xz');
  const gz = path.join(dir, 'b.tar.gz');
  execFileSync('tar', ['-cJf', xz, '-C', dir, path.basename(top)]);
  execFileSync('tar', ['-czf', gz, '-C', dir, path.basename(top)]);
  return { xz, gz };
}

describe.skipIf(!XZ)('xz started before the analysis modules load (startXzEarly)', () => {
  const { xz, gz } = makeArchives();

  it('is taken over by the walk of that file, which reads exactly what a walk started cold reads', async () => {
    const cold = await walkDigest(xz);
    expect(cold.map((l) => l.split(' ')[0]).sort()).toEqual(['var/log/messages', 'version.txt']);
    await startXzEarly(xz);
    expect(earlyXzWaiting(xz)).toBe(true);
    // Given as another spelling of the same path: the walk still finds it.
    const warm = await walkDigest(path.join(dir, '.', 'b.tar.xz'));
    expect(earlyXzWaiting(xz)).toBe(false);
    expect(warm).toEqual(cold);
  });

  it('is not used by a walk that wants another thread count: that walk starts its own and reads the same', async () => {
    const cold = await walkDigest(xz);
    await startXzEarly(xz, { xzThreads: 0 });
    expect(earlyXzWaiting(xz)).toBe(true);
    expect(await walkDigest(xz, 1)).toEqual(cold);
    expect(earlyXzWaiting(xz)).toBe(false);
  });

  it('decodes an archive of many xz blocks (multi-threaded xz) the same with one thread or several', async () => {
    const multi = path.join(dir, 'multi.tar.xz');
    const tar = execFileSync('tar', ['-cf', '-', '-C', dir, 'sosreport-h-2026-11-20-x'], { maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(multi, execFileSync(XZ as string, ['-T2', '--block-size=65536', '-c'], { input: tar, maxBuffer: 64 * 1024 * 1024 }));
    const blocks = /^\s*\d+\s+(\d+)/m.exec(execFileSync(XZ as string, ['-l', multi], { encoding: 'utf8' }).split('\n')[1] ?? '');
    expect(Number(blocks?.[1])).toBeGreaterThan(4);
    const one = await walkDigest(multi, 1);
    expect(one).toHaveLength(2);
    expect(await walkDigest(multi, 0)).toEqual(one);
    expect(await walkDigest(multi, 2)).toEqual(one);
  });

  it('starts nothing for what is not an xz archive, and never throws', async () => {
    await startXzEarly(gz);
    await startXzEarly(dir);
    await startXzEarly(path.join(dir, 'missing.tar.xz'));
    expect(earlyXzWaiting(gz) || earlyXzWaiting(dir) || earlyXzWaiting(path.join(dir, 'missing.tar.xz'))).toBe(false);
  });

  it('does not keep the process alive when nothing takes it (a usage error after the start, say)', () => {
    const archive = path.join(root, 'dist', 'bundle', 'archive.js');
    expect(existsSync(archive), 'npm run build makes dist/').toBe(true);
    const script = `const { startXzEarly, earlyXzWaiting } = await import(${JSON.stringify(archive)}); await startXzEarly(${JSON.stringify(xz)}); process.stdout.write(String(earlyXzWaiting(${JSON.stringify(xz)})));`;
    // Generous: a process kept alive by the worker would run until this kills it, and status would be null.
    const res = spawnSync('node', ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(res.stdout).toBe('true');
    expect(res.status).toBe(0);
  });
  it('starts from the command line only for `analyze <bundle>`, before the CLI has parsed it', async () => {
    const other = path.join(dir, 'c.tar.xz');
    execFileSync('cp', [xz, other]);
    startFromArgv(['node', 'sosmortem', 'analyze', '--format', 'json', other]);
    startFromArgv(['node', 'sosmortem', 'parse', other]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(earlyXzWaiting(other)).toBe(false);
    startFromArgv(['node', 'sosmortem', 'analyze', other, '--format', 'json']);
    for (let waited = 0; !earlyXzWaiting(other) && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(earlyXzWaiting(other)).toBe(true);
    // Taken over by the walk, as the analyze command does.
    expect(await walkDigest(other)).toEqual(await walkDigest(xz));
    expect(earlyXzWaiting(other)).toBe(false);
  });
});
