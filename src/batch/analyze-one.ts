/**
 * What one worker does with one bundle: hash it, skip it when a complete
 * report of the same content exists (--resume), analyse it, and write its
 * reports into a temporary directory that is renamed into place at the end.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { analyze } from '../analyze.js';
import { InputError } from '../bundle/ingest.js';
import { jsonReport, writeAtomic, writeReports } from '../report/write.js';
import { makePartialDir, publish } from './output.js';
import { bundleId, contentHash, errorRow, rowFromReport } from './row.js';
import type { BundleTask, TaskResult } from './task.js';

function heap(): number {
  return process.memoryUsage().heapUsed;
}

export async function analyzeOne(task: BundleTask, done: Readonly<Record<string, string>> = {}): Promise<TaskResult> {
  const started = Date.now();
  let hash: string;
  try {
    hash = await contentHash(task.path, task.kind);
    // the attachments are part of what was analysed: new ones make --resume analyse the bundle again
    if (task.attachments) hash = createHash('sha256').update(`${hash}\u0000attachments\u0000${await contentHash(task.attachments, 'directory')}`).digest('hex');
  } catch (err) {
    return { seq: task.seq, kind: 'failed', row: errorRow(task.rel, `cannot read: ${(err as Error).message}`, null, Date.now() - started), heapUsedBytes: heap() };
  }
  const existing = done[hash.slice(0, 12)];
  if (existing) return { seq: task.seq, kind: 'resumed', id: existing, hash, heapUsedBytes: heap() };

  let partialDir: string | null = null;
  try {
    const { model } = await analyze(task.attachments ? [task.path, task.attachments] : [task.path], task.analyzeOptions);
    const report = model.report;
    const id = bundleId(report.bundle.hostname, report.bundle.collectedAt, hash);
    partialDir = await makePartialDir(task.outDir, hash);
    const others = task.formats.filter((f) => f === 'md' || f === 'html');
    if (others.length) await writeReports(model, partialDir, others, { force: true });
    const row = rowFromReport(report, { id, path: task.rel, hash, durationMs: Date.now() - started });
    if (task.formats.includes('pdf')) {
      const { renderHtml } = await import('../report/html.js');
      const html = await renderHtml(model);
      return { seq: task.seq, kind: 'needs-pdf', row, partialDir, html, json: jsonReport(model), heapUsedBytes: heap() };
    }
    // report.json is the completion marker: written last, whatever formats were asked for
    await writeAtomic(path.join(partialDir, 'report.json'), jsonReport(model), true);
    await publish(partialDir, task.outDir, id);
    return { seq: task.seq, kind: 'written', row, heapUsedBytes: heap() };
  } catch (err) {
    if (partialDir) await rm(partialDir, { recursive: true, force: true });
    const reason = err instanceof InputError ? err.message : `analysis failed: ${err instanceof Error ? err.message : String(err)}`;
    return { seq: task.seq, kind: 'failed', row: errorRow(task.rel, reason, hash, Date.now() - started), heapUsedBytes: heap() };
  }
}
