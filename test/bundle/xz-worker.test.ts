import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { workerXz } from '../../src/bundle/xz-worker.js';
import { makeXz as makeSample, readAll, readPast, XZ } from './xz-samples.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'sosmortem-xzw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const makeXz = (name: string, bytes: number): ReturnType<typeof makeSample> => makeSample(dir, name, bytes);

describe.skipIf(!XZ)('xz read by a worker thread', () => {
  it('yields exactly the bytes xz -dc writes, in large batches, to a fast and to a slow reader', async () => {
    const { file, sha, size } = makeXz('a.bin', 6 * 1024 * 1024);
    const fast = workerXz(XZ as string, ['-dc', '--', file]);
    const got = await readAll(fast.stream);
    expect(got.sha).toBe(sha);
    expect(got.size).toBe(size);
    expect(await fast.done()).toBeNull();
    const slow = workerXz(XZ as string, ['-dc', '--', file], { batchBytes: 32 * 1024, maxAheadBytes: 256 * 1024 });
    const got2 = await readAll(slow.stream, 4);
    expect(got2.sha).toBe(sha);
    expect(await slow.done()).toBeNull();
  });

  it('reports a damaged archive through done(), after what could be read', async () => {
    const { file } = makeXz('b.bin', 2 * 1024 * 1024);
    const bytes = readFileSync(file);
    const cut = path.join(dir, 'cut.xz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = workerXz(XZ as string, ['-dc', '--', cut]);
    const got = await readAll(r.stream);
    expect(got.size).toBeGreaterThan(0);
    expect(await r.done()).toMatch(/^xz: .*(Unexpected end|truncated|corrupt)/i);
    const garbage = path.join(dir, 'garbage.xz');
    writeFileSync(garbage, randomBytes(4096));
    const g = workerXz(XZ as string, ['-dc', '--', garbage]);
    expect((await readAll(g.stream)).size).toBe(0);
    expect(await g.done()).toMatch(/^xz: /);
  });

  it('works in a process started with --input-type=module (its CommonJS source is not taken for ESM)', () => {
    const { file, sha } = makeXz('d.bin', 256 * 1024);
    const worker = path.join(root, 'dist', 'bundle', 'xz-worker.js');
    const script = `const { workerXz } = await import(${JSON.stringify(worker)}); const { createHash } = await import('node:crypto'); const r = workerXz(${JSON.stringify(XZ)}, ['-dc', '--', ${JSON.stringify(file)}]); const h = createHash('sha256'); for await (const c of r.stream) h.update(c); process.stdout.write(h.digest('hex') + ' ' + (await r.done()));`;
    const res = spawnSync('node', ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(res.stdout).toBe(`${sha} null`);
  });

  it('stops xz when the reader has enough: done() says nothing and the run does not hang', async () => {
    const { file } = makeXz('c.bin', 8 * 1024 * 1024);
    const r = workerXz(XZ as string, ['-dc', '--', file], { batchBytes: 64 * 1024, maxAheadBytes: 256 * 1024 });
    const size = await readPast(r.stream, 512 * 1024);
    r.stop();
    expect(await r.done()).toBeNull();
    expect(size).toBeLessThan(8 * 1024 * 1024);
  });
});
