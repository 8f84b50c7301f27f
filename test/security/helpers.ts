import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { afterAll } from 'vitest';
import { EvidenceText, ingestBundle } from '../../src/bundle/ingest.js';
import type { LineLimits } from '../../src/bundle/lines.js';
import type { BundleSource } from '../../src/bundle/walk.js';
import type { Diagnostic } from '../../src/model.js';
import { RecordStore } from '../../src/timeline/store.js';

export interface TarEntry {
  header: Partial<Header> & { name: string };
  body?: string | Buffer;
}

/** Builds a tar in memory with tar-stream: every hostile archive is made here, none is shipped. */
export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    if (Buffer.isBuffer(c)) chunks.push(c);
  });
  const ended = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (e.body === undefined) p.entry(e.header, cb);
      else p.entry(e.header, e.body, cb);
    });
  }
  p.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export function xz(data: Buffer, level = '-1'): Buffer {
  const r = spawnSync('xz', [level, '-c', '-T1'], { input: data, maxBuffer: 1024 ** 3 });
  if (r.status !== 0) throw new Error(`xz failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/** bzip2 or zstd by the system's program, as sosmortem decodes them */
export function viaProgram(program: 'bzip2' | 'zstd', data: Buffer): Buffer {
  const r = spawnSync(program, ['-c', '-q'], { input: data, maxBuffer: 1024 ** 3 });
  if (r.status !== 0) throw new Error(`${program} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

export function gz(data: Buffer): Buffer {
  return gzipSync(data, { level: 1 });
}

/** the directories tempDir made in this test file, removed when it ends (a run left ~1 GB of them in /tmp) */
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export async function tempDir(prefix = 'sosmortem-sec-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Every path under dir with its type, link target and size: compared before and after a run. */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string, rel: string): Promise<void> {
    for (const name of (await readdir(d)).sort()) {
      const abs = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(abs);
      if (st.isSymbolicLink()) out.push(`${r} -> ${await readlink(abs)}`);
      else if (st.isDirectory()) {
        out.push(`${r}/`);
        await walk(abs, r);
      } else out.push(`${r} ${st.size} ${st.mtimeMs}`);
    }
  }
  await walk(dir, '');
  return out;
}

export interface Ingested {
  store: RecordStore;
  diagnostics: Diagnostic[];
  files: string[];
}

export async function ingest(source: BundleSource, limits: Partial<LineLimits> = {}): Promise<Ingested> {
  const store = new RecordStore();
  await ingestBundle(source, store, new EvidenceText(source, new Map()), { limits });
  return { store, diagnostics: store.diagnostics, files: store.files.map((f) => f.path) };
}

/** The diagnostics about one path (or '.', the bundle itself). */
export function about(d: Diagnostic[], source: string): Diagnostic[] {
  return d.filter((x) => x.source === source);
}

export const TOP = 'sosreport-web01-2026-11-23-abcdefg';
export const HOSTNAME_FILE = `${TOP}/sos_commands/host/hostname`;
