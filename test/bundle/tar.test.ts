/**
 * The tar reader against tar-stream, which it replaced: the same entries
 * (names, types, sizes, link targets, bytes) from archives written by GNU tar
 * in its three formats and by tar-stream, fed in chunks of every awkward size;
 * the same refusals for damage; and under fuzzing, an end (entries or an
 * error), never a hang or a crash.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { extract, pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTar, type TarHeader } from '../../src/bundle/tar.js';

interface Seen {
  name: string;
  type: string | null;
  size: number;
  linkname: string | null;
  sha: string;
}

function* chunked(buf: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** The chunks copied one after another into one buffer, as a source that reuses its read buffer hands them (xz-file.ts, directory.ts). */
async function* reusing(buf: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const shared = new Uint8Array(size);
  for (const part of chunked(buf, size)) {
    shared.fill(0xee);
    shared.set(part);
    yield shared.subarray(0, part.length);
  }
}

async function viaReader(buf: Uint8Array, chunk: number, oneBuffer = false): Promise<Seen[]> {
  const seen: Seen[] = [];
  await readTar(oneBuffer ? reusing(buf, chunk) : Readable.from(chunked(buf, chunk)), async (h: TarHeader, body) => {
    const hash = createHash('sha256');
    for await (const part of body) hash.update(part);
    seen.push({ name: h.name, type: h.type, size: h.size, linkname: h.linkname, sha: hash.digest('hex') });
  });
  return seen;
}

async function viaTarStream(buf: Uint8Array): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const entry of Readable.from(chunked(buf, 65536)).pipe(extract())) {
    const hash = createHash('sha256');
    for await (const part of entry) hash.update(part as Buffer);
    const h = entry.header;
    seen.push({ name: h.name, type: h.type ?? null, size: h.size ?? 0, linkname: h.linkname ?? null, sha: hash.digest('hex') });
  }
  return seen;
}

async function packed(entries: { name: string; body?: string; type?: 'file' | 'directory' | 'symlink' | 'link'; linkname?: string; pax?: Record<string, string> }[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}), ...(e.pax ? { pax: e.pax } : {}) }, e.body ?? '');
  p.finalize();
  const parts: Buffer[] = [];
  for await (const c of p) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

let tmp = '';
const archives: Record<string, Buffer> = {};

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'sosmortem-tar-'));
  const top = path.join(tmp, 'sosreport-host-2026-11-23-abcdefg');
  const deep = path.join(top, 'sos_commands', 'a-directory-name-long-enough', 'to-push-the-whole-path-past-one-hundred-bytes-of-ustar-name');
  mkdirSync(deep, { recursive: true });
  writeFileSync(path.join(top, 'empty'), '');
  writeFileSync(path.join(top, 'block'), 'x'.repeat(512));
  writeFileSync(path.join(top, 'block-and-one'), 'y'.repeat(513));
  writeFileSync(path.join(deep, 'meminfo'), 'MemTotal:       16303932 kB\nMemFree:          812344 kB\n');
  writeFileSync(path.join(top, `${'n'.repeat(120)}.txt`), 'a name longer than the 100-byte field\n');
  writeFileSync(path.join(top, 'utf8-é.txt'), 'café\n');
  symlinkSync(`../${'t'.repeat(130)}`, path.join(top, 'long-link'));
  symlinkSync('sos_commands', path.join(top, 'short-link'));
  linkSync(path.join(top, 'block'), path.join(top, 'hard'));
  for (const format of ['gnu', 'posix', 'ustar']) {
    const file = path.join(tmp, `${format}.tar`);
    // ustar cannot hold names over 255 bytes or link targets over 100: those files stay out of its archive.
    const names = format === 'ustar' ? ['--exclude', 'n*.txt', '--exclude', 'long-link'] : [];
    execFileSync('tar', ['-cf', file, `--format=${format}`, '--sort=name', ...names, '-C', tmp, path.basename(top)]);
    archives[format] = readFileSync(file);
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readTar', () => {
  it.each(['gnu', 'posix', 'ustar'])('reads what tar-stream reads from a GNU tar --format=%s archive, in chunks of any size', async (format) => {
    const buf = archives[format] as Buffer;
    const expected = await viaTarStream(buf);
    expect(expected.length).toBeGreaterThanOrEqual(format === 'ustar' ? 9 : 12);
    expect(expected.some((e) => e.name.endsWith('/meminfo') && e.name.length > 100)).toBe(true);
    for (const chunk of [1, 7, 511, 512, 513, 4096, 65536, buf.length]) expect(await viaReader(buf, chunk)).toEqual(expected);
  });

  it.each(['gnu', 'posix', 'ustar'])('reads the same from a source that reads every chunk into one buffer it reuses (--format=%s)', async (format) => {
    const buf = archives[format] as Buffer;
    const expected = await viaTarStream(buf);
    for (const chunk of [1, 7, 100, 511, 512, 513, 1000, 1536, 4096, buf.length]) expect(await viaReader(buf, chunk, true)).toEqual(expected);
  });

  it('applies pax headers, global and per entry, as tar-stream does', async () => {
    const buf = await packed([
      { name: 'short', body: 'one\n', pax: { path: `sosreport-x/${'p'.repeat(200)}` } },
      { name: 'dir', type: 'directory' },
      { name: 'link', type: 'symlink', linkname: 'x', pax: { linkpath: `${'l'.repeat(150)}` } },
      { name: 'plain', body: 'two\n' },
    ]);
    const expected = await viaTarStream(buf);
    expect(expected[0]?.name).toBe(`sosreport-x/${'p'.repeat(200)}`);
    expect(await viaReader(buf, 100)).toEqual(expected);
    // A pax record ends inside a chunk and its padding runs into the next: read into the same buffer, it must be decoded first.
    for (const chunk of [100, 700, 1000, 1024, 1500]) expect(await viaReader(buf, chunk, true)).toEqual(expected);
  });

  it('reads a base-256 size field', async () => {
    const buf = Buffer.from(await packed([{ name: 'f', body: 'hello world' }]));
    // Rewrite the size as GNU's base-256 (0x80 then big-endian) and fix the checksum.
    buf.fill(0, 124, 136);
    buf[124] = 0x80;
    buf[135] = 11;
    buf.fill(32, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += buf[i] as number;
    buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    expect(await viaReader(buf, 512)).toEqual(await viaTarStream(buf));
    expect((await viaReader(buf, 512))[0]?.size).toBe(11);
  });

  it('skips what the handler does not read, wholly or in part', async () => {
    const buf = archives['gnu'] as Buffer;
    const names: string[] = [];
    await readTar(Readable.from(chunked(buf, 300)), async (h, body) => {
      names.push(h.name);
      if (h.name.endsWith('block-and-one')) for await (const part of body) if (part.length > 0) break;
    });
    expect(names).toEqual((await viaTarStream(buf)).map((e) => e.name));
  });

  it('refuses a truncated archive, garbage and a bad checksum with the messages tar-stream gives', async () => {
    const buf = archives['gnu'] as Buffer;
    const firstData = 512 * 4;
    await expect(viaReader(buf.subarray(0, firstData + 100), 4096)).rejects.toThrow('Unexpected end of data');
    await expect(viaReader(buf.subarray(0, 700), 4096)).rejects.toThrow('Unexpected end of data');
    await expect(viaReader(Buffer.from('this is not a tar archive at all'.repeat(40)), 4096)).rejects.toThrow(/^Invalid tar header/);
    const bad = Buffer.from(buf);
    bad[0] = (bad[0] as number) ^ 1;
    await expect(viaReader(bad, 4096)).rejects.toThrow('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');
    await expect(viaTarStream(bad)).rejects.toThrow('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');
  });

  it('ends, with entries or an error, on any damage (fuzzed)', async () => {
    const base = archives['posix'] as Buffer;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(base.length), fc.integer({ min: 1, max: 9000 }), async (flips, cut, chunk) => {
        const buf = Buffer.from(base.subarray(0, cut));
        for (const [at, byte] of flips) if (at < buf.length) buf[at] = byte;
        let total = 0;
        try {
          await readTar(Readable.from(chunked(buf, chunk)), async (h, body) => {
            for await (const part of body) total += part.length;
            expect(h.size).toBeGreaterThanOrEqual(0);
          });
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toMatch(/^(Unexpected end of data|Invalid tar header|Header exceeds max size|Invalid header)/);
        }
        expect(total).toBeLessThanOrEqual(buf.length);
      }),
      { numRuns: 300 },
    );
  });
});
