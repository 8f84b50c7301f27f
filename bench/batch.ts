/**
 * Batch throughput and memory: bundles/s with 1 and 2 workers over 200
 * generated bundles, and peak memory for 50 vs 200 bundles (it must not grow
 * with the count: per-bundle state lives in a worker for one bundle only).
 * Each measurement runs in its own process so that peak RSS is its own.
 *
 *   npx tsx bench/batch.ts [--count 200]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { runBatch as RunBatch } from '../src/batch/run.js';
import { makeFleet } from '../test/batch/fixtures.js';

interface Measure {
  bundles: number;
  jobs: number;
  failed: number;
  seconds: number;
  bundlesPerSec: number;
  peakRssMiB: number;
  maxRssMiB: number;
  peakMainHeapMiB: number;
  peakWorkerHeapMiB: number;
}

const MiB = 1024 * 1024;

/**
 * The built batch (dist/, as the CLI runs it; `npm run bench` builds first): from the
 * TypeScript sources each worker thread would compile them again through tsx at its
 * start, and that, not the analyses, was what the 1- and 2-worker figures measured.
 */
async function loadRunBatch(): Promise<typeof RunBatch> {
  const built = new URL('../dist/batch/run.js', import.meta.url);
  const mod = (await import(existsSync(built) ? built.href : '../src/batch/run.js')) as { runBatch: typeof RunBatch };
  return mod.runBatch;
}

async function child(input: string, out: string, jobs: number): Promise<void> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const started = performance.now();
  const runBatch = await loadRunBatch();
  const r = await runBatch({ inputs: [input], outDir: out, jobs, formats: ['json'], resume: false, shard: null, fleetHtml: false, fleetPdf: false });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  sample();
  const m: Measure = {
    bundles: r.stats.total,
    jobs,
    failed: r.stats.failed,
    seconds,
    bundlesPerSec: r.stats.total / seconds,
    peakRssMiB: peakRss / MiB,
    // resourceUsage covers the whole process, worker threads included
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    peakMainHeapMiB: peakHeap / MiB,
    peakWorkerHeapMiB: r.stats.peakWorkerHeapBytes / MiB,
  };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function measure(input: string, out: string, jobs: number): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', input, out, String(jobs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(text.trim().split('\n').pop() ?? '{}') as Measure) : reject(new Error(`child exited ${code}`))));
  });
}

function line(label: string, m: Measure): string {
  return `${label.padEnd(22)} ${m.bundles} bundles  ${m.bundlesPerSec.toFixed(2)} bundles/s  ${m.seconds.toFixed(1)} s  peak RSS ${m.peakRssMiB.toFixed(0)} MiB (maxRSS ${m.maxRssMiB.toFixed(0)})  main heap ${m.peakMainHeapMiB.toFixed(0)} MiB  worker heap ${m.peakWorkerHeapMiB.toFixed(0)} MiB  failed ${m.failed}`;
}

async function orchestrate(count: number): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-bench-batch-'));
  try {
    const small = Math.max(1, Math.round(count / 4));
    process.stdout.write(`generating ${count} + ${small} bundles in ${dir}\n`);
    await makeFleet(path.join(dir, 'big'), count);
    await makeFleet(path.join(dir, 'small'), small);
    const one = await measure(path.join(dir, 'big'), path.join(dir, 'out1'), 1);
    process.stdout.write(`${line('1 worker', one)}\n`);
    const two = await measure(path.join(dir, 'big'), path.join(dir, 'out2'), 2);
    process.stdout.write(`${line('2 workers', two)}\n`);
    process.stdout.write(`speedup 2 vs 1 workers: ${(two.bundlesPerSec / one.bundlesPerSec).toFixed(2)}x\n`);
    const few = await measure(path.join(dir, 'small'), path.join(dir, 'out3'), 2);
    process.stdout.write(`${line(`2 workers, ${small}`, few)}\n`);
    const growth = two.maxRssMiB / few.maxRssMiB;
    process.stdout.write(`peak memory ${small} vs ${count} bundles: ${few.maxRssMiB.toFixed(0)} MiB vs ${two.maxRssMiB.toFixed(0)} MiB (x${growth.toFixed(2)} for x${(count / small).toFixed(0)} bundles)\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1] ?? '', args[2] ?? '', Number(args[3] ?? '1'));
else {
  const i = args.indexOf('--count');
  await orchestrate(i >= 0 ? Number(args[i + 1]) : 200);
}
