/** Messages between the batch's main thread and its analysis workers. */
import type { AnalyzeOptions } from '../analyze.js';
import type { OutputFormat } from '../report/write.js';
import type { BundleRow } from './row.js';

export interface BundleTask {
  seq: number;
  path: string;
  rel: string;
  kind: 'directory' | 'archive';
  /** the directory of loose attachments found beside the bundle (discover.ts) */
  attachments?: string;
  outDir: string;
  formats: OutputFormat[];
  analyzeOptions: AnalyzeOptions;
}

/**
 * Sent to a worker whose bundle ran past the time limit: it stops its decoder
 * (xz and the scratch descriptor belong to the whole process, and a terminated
 * thread runs no exit hook) and answers `{ aborted: true }` before it is terminated.
 */
export interface AbortTask {
  abort: true;
}

export interface Aborted {
  aborted: true;
}

/** Sent once per worker: hash (12 hex) → existing directory name, for --resume. */
export interface WorkerSetup {
  done: Record<string, string>;
}

export type TaskResult =
  | { seq: number; kind: 'written'; row: BundleRow; heapUsedBytes: number }
  | { seq: number; kind: 'resumed'; id: string; hash: string; heapUsedBytes: number }
  /** the PDF is rendered by the main thread's browser: it then writes report.json and publishes */
  | { seq: number; kind: 'needs-pdf'; row: BundleRow; partialDir: string; html: string; json: string; heapUsedBytes: number }
  | { seq: number; kind: 'failed'; row: BundleRow; heapUsedBytes: number };
