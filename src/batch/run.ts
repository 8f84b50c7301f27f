/**
 * The batch: discover bundles, keep this shard's, analyse them on a worker
 * pool, render PDFs in the main thread with one shared browser, and write the
 * fleet summary. Each bundle's outcome is a row; a failure is a row too.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import type { AnalyzeOptions } from '../analyze.js';
import type { Report } from '../report/model.js';
import type { OutputFormat } from '../report/write.js';
import { writeAtomic } from '../report/write.js';
import { discover, shardOf, type FoundBundle, type Shard } from './discover.js';
import { completedBundles, publish, removePartials } from './output.js';
import { WorkerPool } from './pool.js';
import { errorRow, rowFromReport, type BundleRow } from './row.js';
import { writeFleet } from './summary.js';
import type { BundleTask, TaskResult } from './task.js';
import { beforeSignalExit } from '../run-end.js';

export interface BatchOptions {
  inputs: string[];
  outDir: string;
  jobs: number;
  formats: OutputFormat[];
  resume: boolean;
  shard: Shard | null;
  analyzeOptions?: AnalyzeOptions;
  timeoutMs?: number;
  maxHeapMb?: number;
  /** fleet.pdf needs a browser; off for benchmarks */
  fleetPdf?: boolean;
  /** fleet.html (default on) */
  fleetHtml?: boolean;
  onEvent?: (e: BatchEvent) => void;
}

export type BatchEvent =
  { type: 'start'; total: number; skippedByShard: number } | { type: 'bundle'; row: BundleRow; resumed: boolean; done: number; total: number };

export interface BatchStats {
  total: number;
  analysed: number;
  resumed: number;
  failed: number;
  elapsedMs: number;
  peakWorkerHeapBytes: number;
}

export interface BatchResult {
  rows: BundleRow[];
  stats: BatchStats;
  files: string[];
}

async function readReport(file: string): Promise<Report> {
  return JSON.parse(await readFile(file, 'utf8')) as Report;
}

export function selectShard(bundles: FoundBundle[], shard: Shard | null): FoundBundle[] {
  return shard ? bundles.filter((b) => shardOf(b.rel, shard.count) === shard.index) : bundles;
}

export async function runBatch(options: BatchOptions): Promise<BatchResult> {
  const started = Date.now();
  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  await removePartials(outDir);
  const found = await discover(options.inputs, { exclude: [outDir] });
  const mine = selectShard(found.bundles, options.shard);
  const rejected = options.shard ? found.rejected.filter((r) => shardOf(r.rel, options.shard?.count ?? 1) === options.shard?.index) : found.rejected;
  const total = mine.length + rejected.length;
  options.onEvent?.({ type: 'start', total, skippedByShard: found.bundles.length - mine.length });

  const rows: BundleRow[] = [];
  let done = 0;
  const stats: BatchStats = { total, analysed: 0, resumed: 0, failed: 0, elapsedMs: 0, peakWorkerHeapBytes: 0 };
  const emit = (row: BundleRow, resumed: boolean): void => {
    rows.push(row);
    done++;
    if (row.status === 'error') stats.failed++;
    else if (resumed) stats.resumed++;
    else stats.analysed++;
    options.onEvent?.({ type: 'bundle', row, resumed, done, total });
  };
  for (const r of rejected) emit(errorRow(r.rel, r.reason), false);

  const setup = { done: options.resume ? Object.fromEntries(await completedBundles(outDir)) : {} };
  const pool = new WorkerPool({ size: Math.max(1, options.jobs), setup, timeoutMs: options.timeoutMs ?? 10 * 60_000, maxHeapMb: options.maxHeapMb ?? 2048 });
  // If the CLI exits on a signal (run-end.ts), the workers stop their decoders first.
  const undrain = beforeSignalExit(() => pool.abortAll());
  const wantPdf = options.formats.includes('pdf');
  const fleetPdf = options.fleetPdf ?? wantPdf;
  let browser: import('../report/browser-slot.js').BrowserSlot | null = null;
  if (wantPdf || fleetPdf) browser = new (await import('../report/browser-slot.js')).BrowserSlot();

  const handle = async (task: BundleTask, r: TaskResult): Promise<void> => {
    if (r.kind === 'written' || r.kind === 'failed') return emit(r.row, false);
    if (r.kind === 'resumed') {
      try {
        const report = await readReport(path.join(outDir, r.id, 'report.json'));
        return emit(rowFromReport(report, { id: r.id, path: task.rel, hash: r.hash, durationMs: null }), true);
      } catch (err) {
        return emit(errorRow(task.rel, `earlier report unreadable: ${(err as Error).message}`, r.hash), false);
      }
    }
    try {
      const { renderPdf } = await import('../report/pdf.js');
      const b = await (browser as import('../report/browser-slot.js').BrowserSlot).get();
      const report = JSON.parse(r.json) as Report;
      const pdf = await renderPdf(
        r.html,
        {
          paper: options.analyzeOptions?.paper ?? 'A4',
          headerLeft: report.bundle.hostname ?? 'unknown host',
          headerRight: report.bundle.collectedAt?.slice(0, 10) ?? '',
        },
        b,
      );
      await writeAtomic(path.join(r.partialDir, 'report.pdf'), pdf, true);
      await writeAtomic(path.join(r.partialDir, 'report.json'), r.json, true);
      await publish(r.partialDir, outDir, r.row.id ?? 'unknown');
      emit(r.row, false);
    } catch (err) {
      await rm(r.partialDir, { recursive: true, force: true });
      emit(errorRow(task.rel, `PDF failed: ${(err as Error).message}`, r.row.hash), false);
    }
  };

  // PDFs print on as many Chromium pages at once as there are workers: each page renders in a
  // renderer process of its own, so printing spreads over the cores as the analyses do (one page
  // at a time made printing the bottleneck of a many-core sweep: ~0.5 s per report). The bound
  // keeps Chromium's memory in step with --jobs.
  const printing = pLimit(Math.max(1, options.jobs));
  const formats = options.formats.includes('json') ? options.formats : [...options.formats, 'json' as const];
  try {
    await Promise.all(
      mine.map(async (b, seq) => {
        const task: BundleTask = { seq, path: b.path, rel: b.rel, kind: b.kind, ...(b.attachments ? { attachments: b.attachments } : {}), outDir, formats, analyzeOptions: { scratchDir: outDir, ...options.analyzeOptions } };
        const r = await pool.run(task);
        if (r.kind === 'needs-pdf') await printing(() => handle(task, r));
        else await handle(task, r);
      }),
    );
    stats.peakWorkerHeapBytes = pool.peakWorkerHeapBytes;
  } finally {
    undrain();
    await pool.close();
  }
  try {
    stats.elapsedMs = Date.now() - started;
    const files = await writeFleet(outDir, rows, {
      elapsedMs: stats.elapsedMs,
      pdf: fleetPdf,
      html: options.fleetHtml ?? true,
      ...(browser ? { browser } : {}),
      paper: options.analyzeOptions?.paper ?? 'A4',
    });
    return { rows, stats, files };
  } finally {
    await browser?.close();
  }
}
