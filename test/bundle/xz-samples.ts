import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The system xz, when there is one (the tests that need it skip without). */
export const XZ = ['/usr/bin/xz', '/bin/xz'].find((p) => existsSync(p));

/** Half text, half random bytes, compressed into `dir`: compresses, and a wrong byte anywhere shows in the hash. */
export function makeXz(dir: string, name: string, bytes: number): { file: string; sha: string; size: number } {
  const text = Buffer.from(Array.from({ length: bytes / 64 }, (_, i) => `line ${i} ${'x'.repeat(i % 40)}\n`).join('')).subarray(0, bytes / 2);
  const plain = Buffer.concat([text, randomBytes(bytes / 2)]);
  const raw = path.join(dir, name);
  writeFileSync(raw, plain);
  execFileSync(XZ as string, ['-1', '-k', '-f', raw]);
  return { file: `${raw}.xz`, sha: createHash('sha256').update(plain).digest('hex'), size: plain.length };
}

/** Reads a stream to its end; with pauseEvery, a slow reader that sleeps 5 ms every that many chunks (the decoder must hold back and lose nothing). */
export async function readAll(stream: NodeJS.ReadableStream, pauseEvery = 0): Promise<{ sha: string; size: number; chunks: number }> {
  const h = createHash('sha256');
  let size = 0;
  let chunks = 0;
  for await (const chunk of stream) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
    chunks++;
    if (pauseEvery && chunks % pauseEvery === 0) await new Promise((r) => setTimeout(r, 5));
  }
  return { sha: h.digest('hex'), size, chunks };
}

/** Reads a stream until more than `bytes` have come, then stops reading (the decoder is then stopped by the test); returns how much came. */
export async function readPast(stream: NodeJS.ReadableStream, bytes: number): Promise<number> {
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > bytes) break;
  }
  return size;
}
