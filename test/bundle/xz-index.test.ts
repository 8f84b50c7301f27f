import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xzBlocks } from '../../src/bundle/archive.js';
import { xzIndexOffset, xzIndexRecords, xzStreamTotals } from '../../src/bundle/xz-index.js';

const XZ = ['/usr/bin/xz', '/bin/xz'].find((p) => existsSync(p));
const dir = mkdtempSync(path.join(tmpdir(), 'sosmortem-xzindex-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Compresses `bytes` with the given xz options; returns the file. */
function xzFile(name: string, bytes: Buffer, options: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, execFileSync(XZ as string, [...options, '-c'], { input: bytes, maxBuffer: 256 * 1024 * 1024 }));
  return file;
}

/** What xz itself says: `xz -l --robot`'s totals line holds the block count in its third column. */
function xzSays(file: string): number {
  const totals = execFileSync(XZ as string, ['-l', '--robot', file], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.startsWith('totals\t'));
  return Number(totals?.split('\t')[2]);
}

/** `xz -l --robot` totals: streams (column 2) and uncompressed bytes (column 5). */
function xzTotals(file: string): { streams: number; uncompressed: number } {
  const totals = execFileSync(XZ as string, ['-l', '--robot', file], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.startsWith('totals\t'))
    ?.split('\t');
  return { streams: Number(totals?.[1]), uncompressed: Number(totals?.[4]) };
}

function totals(file: string): ReturnType<typeof xzStreamTotals> {
  const bytes = readFileSync(file);
  const at = xzIndexOffset(bytes.subarray(Math.max(0, bytes.length - 4096)), bytes.length);
  return at === null ? null : xzStreamTotals(bytes.subarray(at), at);
}

function count(file: string): number | null {
  const bytes = readFileSync(file);
  const at = xzIndexOffset(bytes.subarray(Math.max(0, bytes.length - 4096)), bytes.length);
  return at === null ? null : xzIndexRecords(bytes.subarray(at, at + 10));
}

describe.skipIf(!XZ)('xz block count from the footer and index', () => {
  const text = Buffer.from(Array.from({ length: 60_000 }, (_, i) => `Nov 20 10:00:${String(i % 60).padStart(2, '0')} h kernel: line ${i}\n`).join(''));

  it('agrees with xz -l on one block, on several, and on more than 127 (a two-byte count)', async () => {
    const one = xzFile('one.xz', text, ['-2', '-T1']);
    const several = xzFile('several.xz', text, ['-2', '-T2', '--block-size=262144']);
    const many = xzFile('many.xz', text, ['-0', '-T2', '--block-size=8192']);
    for (const [file, least] of [
      [one, 1],
      [several, 3],
      [many, 128],
    ] as const) {
      const says = xzSays(file);
      expect(says).toBeGreaterThanOrEqual(least);
      expect(count(file)).toBe(says);
      expect(await xzBlocks(file)).toBe(says);
    }
  });

  it('reads past stream padding, and counts only the last stream of concatenated ones', () => {
    const a = xzFile('a.xz', text, ['-2', '-T2', '--block-size=262144']);
    const padded = path.join(dir, 'padded.xz');
    writeFileSync(padded, Buffer.concat([readFileSync(a), Buffer.alloc(8)]));
    expect(execFileSync(XZ as string, ['-dc', padded], { maxBuffer: 64 * 1024 * 1024 }).length).toBe(text.length);
    expect(count(padded)).toBe(xzSays(a));
    const one = xzFile('one-more.xz', text, ['-2', '-T1']);
    const joined = path.join(dir, 'joined.xz');
    writeFileSync(joined, Buffer.concat([readFileSync(a), readFileSync(one)]));
    expect(count(joined)).toBe(1);
  });

  it('says nothing of what is not an xz file or has lost its end, and xzBlocks then says one', async () => {
    const garbage = path.join(dir, 'garbage.xz');
    writeFileSync(garbage, randomBytes(8192));
    expect(count(garbage)).toBeNull();
    expect(await xzBlocks(garbage)).toBe(1);
    const whole = readFileSync(xzFile('cut-from.xz', text, ['-2', '-T2', '--block-size=262144']));
    const cut = path.join(dir, 'cut.xz');
    writeFileSync(cut, whole.subarray(0, whole.length - 100));
    expect(count(cut)).toBeNull();
    expect(await xzBlocks(cut)).toBe(1);
    expect(await xzBlocks(path.join(dir, 'missing.xz'))).toBe(1);
    expect(xzIndexRecords(Uint8Array.of(1, 2))).toBeNull();
    expect(xzIndexRecords(Uint8Array.of(0, 0x80))).toBeNull();
    expect(xzIndexOffset(Uint8Array.of(0, 0, 0, 0), 4)).toBeNull();
  });

  it('reads the decoded size from the whole index, as xz -l does, and tells a file of one stream from concatenated ones', () => {
    const one = xzFile('t-one.xz', text, ['-2', '-T1']);
    const several = xzFile('t-several.xz', text, ['-2', '-T2', '--block-size=262144']);
    const many = xzFile('t-many.xz', text, ['-0', '-T2', '--block-size=8192']);
    for (const file of [one, several, many]) {
      const says = xzTotals(file);
      expect(says).toEqual({ streams: 1, uncompressed: text.length });
      expect(totals(file)).toEqual({ blocks: xzSays(file), uncompressedBytes: text.length, wholeFile: true });
    }
    const padded = path.join(dir, 't-padded.xz');
    writeFileSync(padded, Buffer.concat([readFileSync(several), Buffer.alloc(12)]));
    expect(totals(padded)?.wholeFile).toBe(true);
    // Two streams: the last one's index covers only itself, so its size is not the file's.
    const joined = path.join(dir, 't-joined.xz');
    writeFileSync(joined, Buffer.concat([readFileSync(several), readFileSync(one)]));
    expect(xzTotals(joined).streams).toBe(2);
    expect(totals(joined)).toEqual({ blocks: 1, uncompressedBytes: text.length, wholeFile: false });
    // An index cut short does not parse.
    const bytes = readFileSync(many);
    const at = xzIndexOffset(bytes.subarray(bytes.length - 4096), bytes.length) as number;
    expect(xzStreamTotals(bytes.subarray(at, at + 20), at)).toBeNull();
    expect(xzStreamTotals(Uint8Array.of(1, 0), 12)).toBeNull();
  });
});
