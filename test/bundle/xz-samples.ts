import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
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
export async function readAll(stream: AsyncIterable<Uint8Array>, pauseEvery = 0): Promise<{ sha: string; size: number; chunks: number }> {
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
export async function readPast(stream: AsyncIterable<Uint8Array>, bytes: number): Promise<number> {
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > bytes) break;
  }
  return size;
}

/**
 * A sosreport .tar.xz with a 35 MB syslog, in one xz block (so it decodes
 * through scratch when the run has an output directory): xz runs for long
 * enough (~0.15 s) to be found and held with SIGSTOP, so a run reading
 * behind it waits for as long as a test wants.
 */
export function slowBundle(archive: string): string {
  const top = 'sosreport-slow-2026-11-20-aaaaaaa';
  const staging = `${archive}.d`;
  mkdirSync(path.join(staging, top, 'var', 'log'), { recursive: true });
  const lines: string[] = [];
  for (let n = 0; n < 800_000; n++)
    lines.push(`Nov 20 10:${String(Math.floor(n / 60_000) % 60).padStart(2, '0')}:00 h kernel: line ${n} ${(n * 7919) % 100_003}\n`);
  writeFileSync(path.join(staging, top, 'var', 'log', 'messages'), lines.join(''));
  writeFileSync(path.join(staging, top, 'version.txt'), 'sosreport: 4.5.6\n');
  execFileSync('sh', ['-c', 'tar cf - -C "$1" "$2" | "$3" -0 -T1 > "$4"', 'sh', staging, top, XZ as string, archive]);
  rmSync(staging, { recursive: true, force: true });
  return archive;
}

/** The pids of the xz processes decoding `archive` (by their command line), waiting up to `waitMs` for one to appear. */
export async function xzDecoding(archive: string, waitMs: number): Promise<number[]> {
  const until = Date.now() + waitMs;
  for (;;) {
    const pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const argv = readFileSync(`/proc/${d}/cmdline`, 'latin1').split('\0');
          return path.basename(argv[0] ?? '') === 'xz' && argv.includes(archive);
        } catch {
          return false;
        }
      })
      .map(Number);
    if (pids.length > 0 || Date.now() > until) return pids;
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Descriptors this process holds on files under `where` (an unlinked scratch file shows as "<name> (deleted)"). */
export function descriptorsIn(where: string): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(where));
}
