/**
 * Combines the output directories of several shards into one. Per-bundle
 * report.json files are the truth (a shard that died before writing its
 * summary still counts); each shard's summary.json adds the rows that have no
 * report (bundles that failed) and the paths bundles were found under.
 */
import { cp, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../report/model.js';
import type { FleetSummary } from './fleet.js';
import { completedBundles, makePartialDir, removePartials } from './output.js';
import { rowFromReport, type BundleRow } from './row.js';
import { writeFleet } from './summary.js';

export interface MergeOptions {
  inputs: string[];
  outDir: string;
  /** copy per-bundle directories into outDir (default), so that it is a complete batch output */
  copyReports?: boolean;
  pdf?: boolean;
  html?: boolean;
  paper?: 'A4' | 'Letter';
}

export interface MergeResult {
  rows: BundleRow[];
  files: string[];
  /** bundle ids found in more than one input */
  duplicates: string[];
}

async function readSummary(dir: string): Promise<FleetSummary | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as FleetSummary;
  } catch {
    return null;
  }
}

export async function mergeOutputs(options: MergeOptions): Promise<MergeResult> {
  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  await removePartials(outDir);
  const byId = new Map<string, BundleRow>();
  const failed = new Map<string, BundleRow>();
  const duplicates: string[] = [];
  for (const input of options.inputs) {
    const dir = path.resolve(input);
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new Error(`${input} is not a directory`);
    const summary = await readSummary(dir);
    const known = new Map((summary?.bundles ?? []).filter((b) => b.id).map((b) => [b.id as string, b]));
    for (const b of summary?.bundles ?? []) if (b.status === 'error') failed.set(b.path, b);
    for (const [, id] of await completedBundles(dir)) {
      if (byId.has(id)) {
        duplicates.push(id);
        continue;
      }
      const report = JSON.parse(await readFile(path.join(dir, id, 'report.json'), 'utf8')) as Report;
      const prior = known.get(id);
      byId.set(id, rowFromReport(report, { id, path: prior?.path ?? report.bundle.path, hash: prior?.hash ?? null, durationMs: prior?.durationMs ?? null }));
      if (options.copyReports !== false && dir !== outDir) await copyBundle(path.join(dir, id), outDir, id);
    }
  }
  // a bundle that failed in one shard run and succeeded in a later one is not a failure
  const okPaths = new Set([...byId.values()].map((r) => r.path));
  const rows = [...byId.values(), ...[...failed.values()].filter((r) => !okPaths.has(r.path))];
  const files = await writeFleet(outDir, rows, { elapsedMs: null, pdf: Boolean(options.pdf), html: options.html ?? true, paper: options.paper ?? 'A4' });
  return { rows, files, duplicates: [...new Set(duplicates)].sort() };
}

async function copyBundle(from: string, outDir: string, id: string): Promise<void> {
  if (await stat(path.join(outDir, id, 'report.json')).then(() => true, () => false)) return;
  const partial = await makePartialDir(outDir, id.slice(-12));
  await rm(partial, { recursive: true, force: true });
  await cp(from, partial, { recursive: true });
  await rename(partial, path.join(outDir, id));
}

