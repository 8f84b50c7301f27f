import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { earlyXzWaiting, startXzEarly, xzPlan } from '../../src/bundle/archive.js';
import { pipeXz } from '../../src/bundle/xz-pipe.js';
import { walkDigest } from './walk-digest.js';
import { readPast } from './xz-samples.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const XZ = ['/usr/bin/xz', '/bin/xz'].find((p) => existsSync(p));
const dir = mkdtempSync(path.join(tmpdir(), 'sosmortem-xzpipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A sosreport-shaped archive of many xz blocks, over the 16 MiB from which xz
 * decodes with several threads: a log, and 20 MiB of random bytes (data that
 * does not compress).
 */
function bigArchive(): string {
  const top = path.join(dir, 'sosreport-h-2026-11-20-y');
  mkdirSync(path.join(top, 'var', 'log'), { recursive: true });
  writeFileSync(path.join(top, 'var', 'log', 'messages'), Array.from({ length: 50_000 }, (_, i) => `Nov 20 10:${String(i % 60).padStart(2, '0')}:00 h kernel: line ${i}\n`).join(''));
  writeFileSync(path.join(top, 'noise.bin'), randomBytes(20 * 1024 * 1024));
  const tar = execFileSync('tar', ['-cf', '-', '-C', dir, path.basename(top)], { maxBuffer: 128 * 1024 * 1024 });
  const file = path.join(dir, 'big.tar.xz');
  writeFileSync(file, execFileSync(XZ as string, ['-0', '-T2', '--block-size=2MiB', '-c'], { input: tar, maxBuffer: 128 * 1024 * 1024 }));
  return file;
}

async function sha(stream: AsyncIterable<Uint8Array>): Promise<{ sha: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha: h.digest('hex'), size };
}

describe.skipIf(!XZ)('xz read on the main thread (threaded xz, archives of several blocks)', () => {
  const big = bigArchive();
  const plain = execFileSync(XZ as string, ['-dc', big], { maxBuffer: 128 * 1024 * 1024 });

  it('yields exactly the bytes xz -dc writes, and done() says nothing of a good archive', async () => {
    const r = pipeXz(XZ as string, ['-dc', '-T0', '--', big]);
    expect(await sha(r.stream)).toEqual({ sha: createHash('sha256').update(plain).digest('hex'), size: plain.length });
    expect(await r.done()).toBeNull();
  });

  it('reports a damaged archive through done(), after what could be read; stops on demand without hanging', async () => {
    const bytes = readFileSync(big);
    const cut = path.join(dir, 'cut.tar.xz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = pipeXz(XZ as string, ['-dc', '-T0', '--', cut]);
    expect((await sha(r.stream)).size).toBeGreaterThan(0);
    expect(await r.done()).toMatch(/^xz: .*(Unexpected end|truncated|corrupt)/i);
    const s = pipeXz(XZ as string, ['-dc', '-T0', '--', big]);
    await readPast(s.stream, 256 * 1024);
    s.stop();
    expect(await s.done()).toBeNull();
    const missing = pipeXz(path.join(dir, 'no-such-xz'), ['-dc', big]);
    expect((await sha(missing.stream)).size).toBe(0);
    expect(await missing.done()).toMatch(/^xz: .*ENOENT/);
  });

  it('small archives decode with one thread whatever is asked, read by the worker', async () => {
    const small = path.join(dir, 'small.tar.xz');
    writeFileSync(small, execFileSync(XZ as string, ['-0', '-T2', '--block-size=64KiB', '-c'], { input: plain.subarray(0, 2 * 1024 * 1024), maxBuffer: 64 * 1024 * 1024 }));
    expect(await xzPlan(small, 0)).toMatchObject({ threads: 1, reader: 'worker' });
    expect(await xzPlan(small, 4)).toMatchObject({ threads: 1, reader: 'worker' });
    // With an output directory to decode into, a one-thread archive goes through scratch (xz-file.ts).
    expect(await xzPlan(small, 0, true)).toMatchObject({ threads: 1, reader: 'file' });
  });

  it.skipIf(availableParallelism() < 2)('is what an archive walk uses for such an archive with several threads, and reads what the worker reads', async () => {
    expect(await xzPlan(big, 0)).toMatchObject({ threads: 0, reader: 'pipe' });
    expect(await xzPlan(big, 1)).toMatchObject({ threads: 1, reader: 'worker' });
    const viaWorker = (await walkDigest(big, 1)).sort();
    expect(viaWorker.map((l) => l.split(' ')[0])).toEqual(['noise.bin', 'var/log/messages']);
    expect((await walkDigest(big, 0)).sort()).toEqual(viaWorker);
    await startXzEarly(big, { xzThreads: 0 });
    expect(earlyXzWaiting(big)).toBe(true);
    expect((await walkDigest(big, 0)).sort()).toEqual(viaWorker);
    expect(earlyXzWaiting(big)).toBe(false);
  });

  it.skipIf(availableParallelism() < 2)('started early and never taken, does not keep the process alive', () => {
    const archive = path.join(root, 'dist', 'bundle', 'archive.js');
    const script = `const a = await import(${JSON.stringify(archive)}); process.stdout.write((await a.xzPlan(${JSON.stringify(big)}, 0)).reader); await a.startXzEarly(${JSON.stringify(big)}); process.stdout.write(' ' + a.earlyXzWaiting(${JSON.stringify(big)}));`;
    const res = spawnSync('node', ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(res.stdout).toBe('pipe true');
    expect(res.status).toBe(0);
  });
});
