import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../src/report/browser.js';
import { slowBundle, XZ, xzDecoding } from '../bundle/xz-samples.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'bin', 'sosmortem.js');
const dir = mkdtempSync(path.join(tmpdir(), 'sosmortem-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const archive = XZ ? slowBundle(path.join(dir, 'slow.tar.xz')) : '';

/** Processes whose command line mentions `text`. */
function processesWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'latin1').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(what: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/**
 * `sosmortem analyze` on the slow bundle, its xz held stopped so the run is
 * mid-analysis for as long as the test wants; TMPDIR private, so what the run
 * leaves there (a browser profile) shows.
 */
async function analyzeHeld(
  formats: string,
): Promise<{
  child: ReturnType<typeof spawn>;
  out: string;
  tmp: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}> {
  const run = mkdtempSync(path.join(dir, 'run-'));
  const out = path.join(run, 'out');
  const tmp = path.join(run, 'tmp');
  mkdirSync(tmp);
  const child = spawn(process.execPath, [cli, 'analyze', archive, '-o', out, '--format', formats], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  const [pid] = await xzDecoding(archive, 20_000);
  expect(pid, 'xz decoding the bundle').toBeDefined();
  process.kill(pid as number, 'SIGSTOP');
  return { child, out, tmp, exited };
}

describe.skipIf(!XZ || process.platform !== 'linux')('a terminating signal during an analysis', () => {
  it('ends the run with 128 + the signal, taking with it the xz decoding into scratch and the output directory made for it', async () => {
    const { child, out, exited } = await analyzeHeld('json');
    expect(existsSync(out)).toBe(true);
    child.kill('SIGTERM');
    const { code, stderr } = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(143);
    expect(await xzDecoding(archive, 0)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it.skipIf(!findChromium())(
    'with the browser already started for the PDF: no report is written after it, Chromium and its profile go too',
    async () => {
      const { child, out, tmp, exited } = await analyzeHeld('pdf,json');
      // analyze starts Chromium while it reads the bundle
      expect(await until(() => readdirSync(tmp).some((n) => n.startsWith('sosmortem-chromium-')) && processesWith(tmp).length > 0, 30_000)).toBe(true);
      child.kill('SIGTERM');
      const { code } = await exited;
      expect(code).toBe(143);
      expect(existsSync(path.join(out, 'report.json'))).toBe(false);
      expect(await until(() => processesWith(tmp).length === 0, 5000)).toBe(true);
      expect(readdirSync(tmp)).toEqual([]);
      expect(await xzDecoding(archive, 0)).toEqual([]);
    },
    90_000,
  );

  it('in a batch: the workers stop the xz they started before the batch exits with 128 + the signal', async () => {
    // A worker's xz is registered in the worker's thread: exiting the process without asking the
    // workers left it decoding on, into an unlinked file, after the batch had gone.
    const run = mkdtempSync(path.join(dir, 'batch-'));
    const input = path.join(run, 'in');
    mkdirSync(input);
    const bundle = slowBundle(path.join(input, 'slow.tar.xz'));
    const child = spawn(process.execPath, [cli, 'batch', input, '-o', path.join(run, 'out'), '--format', 'json', '--jobs', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const [pid] = await xzDecoding(bundle, 20_000);
    expect(pid, 'xz decoding the bundle').toBeDefined();
    process.kill(pid as number, 'SIGSTOP');
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(143);
    expect(await xzDecoding(bundle, 0)).toEqual([]);
  }, 60_000);
});
