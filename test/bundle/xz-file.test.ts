import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { xzPlan } from '../../src/bundle/archive.js';
import { openScratch } from '../../src/bundle/scratch.js';
import { fileXz } from '../../src/bundle/xz-file.js';
import { walkDigest } from './walk-digest.js';
import { descriptorsIn, makeXz as makeSample, readAll, readPast, XZ } from './xz-samples.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'sosmortem-xzf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const makeXz = (name: string, bytes: number): ReturnType<typeof makeSample> => makeSample(dir, name, bytes);

function scratchIn(out: string): number {
  const fd = openScratch(out);
  if (fd === null) throw new Error('no scratch');
  return fd;
}

describe.skipIf(!XZ || !existsSync('/proc/self/fd'))('xz decoded into an unnamed scratch file in the output directory', () => {
  it('yields exactly the bytes xz -dc writes, to a fast and to a slow reader, leaving no file behind and no descriptor open', async () => {
    const { file, sha, size } = makeXz('a.bin', 6 * 1024 * 1024);
    const out = path.join(dir, 'out-a');
    const fast = fileXz(XZ as string, ['-dc', '--', file], scratchIn(out), size);
    expect(readdirSync(out)).toEqual([]);
    const got = await readAll(fast.stream);
    expect(got).toMatchObject({ sha, size });
    // 1 MiB reads: a 6 MiB file arrives in a handful of chunks, not thousands.
    expect(got.chunks).toBeLessThan(200);
    expect(await fast.done()).toBeNull();
    const slow = fileXz(XZ as string, ['-dc', '--', file], scratchIn(out), size);
    expect((await readAll(slow.stream, 1)).sha).toBe(sha);
    expect(await slow.done()).toBeNull();
    expect(readdirSync(out)).toEqual([]);
    expect(descriptorsIn(out)).toEqual([]);
  });

  it('reads every chunk into one buffer, nothing ahead of the reader, and can be read only once', async () => {
    const { file, sha, size } = makeXz('one-buffer.bin', 5 * 1024 * 1024);
    const out = path.join(dir, 'out-one-buffer');
    const r = fileXz(XZ as string, ['-dc', '--', file], scratchIn(out), size);
    const h = createHash('sha256');
    const buffers = new Set<ArrayBufferLike>();
    let got = 0;
    for await (const chunk of r.stream) {
      buffers.add(chunk.buffer);
      h.update(chunk);
      got += chunk.length;
    }
    expect({ sha: h.digest('hex'), size: got }).toEqual({ sha, size });
    expect(buffers.size).toBe(1);
    expect(() => r.stream[Symbol.asyncIterator]()).toThrow(/only once/);
    expect(await r.done()).toBeNull();
    expect(descriptorsIn(out)).toEqual([]);
  });

  it('reports a damaged or garbage archive through done(), after what could be read', async () => {
    const { file } = makeXz('b.bin', 2 * 1024 * 1024);
    const bytes = readFileSync(file);
    const cut = path.join(dir, 'cut.xz');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const out = path.join(dir, 'out-b');
    const r = fileXz(XZ as string, ['-dc', '--', cut], scratchIn(out), 2 * 1024 * 1024);
    expect((await readAll(r.stream)).size).toBeGreaterThan(0);
    expect(await r.done()).toMatch(/^xz: .*(Unexpected end|truncated|corrupt)/i);
    const garbage = path.join(dir, 'garbage.xz');
    writeFileSync(garbage, randomBytes(4096));
    const g = fileXz(XZ as string, ['-dc', '--', garbage], scratchIn(out), 4096);
    expect((await readAll(g.stream)).size).toBe(0);
    expect(await g.done()).toMatch(/^xz: /);
    expect(descriptorsIn(out)).toEqual([]);
  });

  it('kills xz when it decodes to more than the index declared, and says so', async () => {
    const { file, size } = makeXz('c.bin', 4 * 1024 * 1024);
    const out = path.join(dir, 'out-c');
    const r = fileXz(XZ as string, ['-dc', '--', file], scratchIn(out), Math.floor(size / 4));
    const got = await readAll(r.stream);
    expect(got.size).toBeLessThan(size);
    expect(await r.done()).toMatch(/more than the \d+ bytes its index declares/);
    expect(descriptorsIn(out)).toEqual([]);
  });

  it('stops xz when the reader has enough: done() says nothing, the run does not hang, the scratch is freed', async () => {
    const { file, size } = makeXz('d.bin', 8 * 1024 * 1024);
    const out = path.join(dir, 'out-d');
    const r = fileXz(XZ as string, ['-dc', '--', file], scratchIn(out), size);
    await readPast(r.stream, 512 * 1024);
    r.stop();
    expect(await r.done()).toBeNull();
    expect(descriptorsIn(out)).toEqual([]);
  });

  it('takes xz with it when the process ends before xz has finished (a file, unlike a pipe, never stops its writer)', () => {
    // ~100 MB of text: xz needs well over a second to decode it, the script exits after 50 ms.
    const raw = path.join(dir, 'slow.txt');
    writeFileSync(raw, Buffer.from(Array.from({ length: 1_600_000 }, (_, i) => `Nov 20 10:00:00 h kernel: line ${i} ${(i * 7919) % 100_003}\n`).join('')));
    execFileSync(XZ as string, ['-1', '-k', '-f', raw]);
    const out = path.join(dir, 'out-exit');
    const script = `const { openScratch } = await import(${JSON.stringify(path.join(root, 'dist/bundle/scratch.js'))}); const { fileXz } = await import(${JSON.stringify(path.join(root, 'dist/bundle/xz-file.js'))}); const r = fileXz(${JSON.stringify(XZ)}, ['-dc', '--', ${JSON.stringify(`${raw}.xz`)}], openScratch(${JSON.stringify(out)}), 1e9); r.stream[Symbol.asyncIterator]().next(); setTimeout(() => process.exit(0), 50);`;
    const res = spawnSync('node', ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(res.status).toBe(0);
    const running = spawnSync('pgrep', ['-f', `${raw}.xz`], { encoding: 'utf8' });
    expect(running.stdout.trim()).toBe('');
  });

  it('is what a walk with an output directory uses, and reads what a walk through the worker reads', async () => {
    const top = path.join(dir, 'sosreport-h-2026-11-20-x');
    mkdirSync(path.join(top, 'var', 'log'), { recursive: true });
    writeFileSync(path.join(top, 'var', 'log', 'messages'), Array.from({ length: 20_000 }, (_, i) => `Nov 20 10:00:00 h kernel: line ${i}\n`).join(''));
    writeFileSync(path.join(top, 'version.txt'), 'sosreport: 4.5.6\n');
    const archive = path.join(dir, 'e.tar.xz');
    execFileSync('tar', ['-cJf', archive, '-C', dir, path.basename(top)]);
    const out = path.join(dir, 'out-e');
    expect((await xzPlan(archive, 0, true)).reader).toBe('file');
    expect((await xzPlan(archive, 0, false)).reader).toBe('worker');
    const viaWorker = await walkDigest(archive);
    const viaFile = await walkDigest(archive, undefined, { scratchDir: out });
    expect(viaFile).toEqual(viaWorker);
    expect(viaFile).toHaveLength(2);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('scratch space (openScratch)', () => {
  it('creates the output directory one level deep, never deeper, and names nothing in it', () => {
    const out = path.join(dir, 'scratch-new');
    const fd = openScratch(out);
    expect(fd).not.toBeNull();
    expect(readdirSync(out)).toEqual([]);
    expect(openScratch(path.join(dir, 'missing-parent', 'out'))).toBeNull();
    expect(existsSync(path.join(dir, 'missing-parent'))).toBe(false);
  });

  it('removes at exit an output directory it created that the run left empty, and keeps one holding a report', () => {
    const scratch = path.join(root, 'dist', 'bundle', 'scratch.js');
    const empty = path.join(dir, 'left-empty');
    const used = path.join(dir, 'used');
    const script = `const { openScratch } = await import(${JSON.stringify(scratch)}); const { writeFileSync } = await import('node:fs'); openScratch(${JSON.stringify(empty)}); openScratch(${JSON.stringify(used)}); writeFileSync(${JSON.stringify(path.join(used, 'report.json'))}, '{}');`;
    const res = spawnSync('node', ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(res.stderr).toBe('');
    expect(existsSync(empty)).toBe(false);
    expect(readdirSync(used)).toEqual(['report.json']);
  });
});
