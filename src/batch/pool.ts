/**
 * A fixed pool of worker threads, one bundle each at a time. A worker that
 * dies (out of memory on a hostile bundle, a crash in native code) or runs
 * past the time limit is replaced, and its bundle becomes an error row: one
 * bad bundle never stops the batch.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { errorRow } from './row.js';
import type { AbortTask, Aborted, BundleTask, TaskResult, WorkerSetup } from './task.js';

/** where a worker's old space starts: above what one bundle's analysis allocates */
const WORKER_INITIAL_OLD_SPACE_MB = 64;

/** how long a timed-out worker has to stop its decoder before it is terminated anyway */
const ABORT_GRACE_MS = 2000;

export interface PoolOptions {
  size: number;
  setup: WorkerSetup;
  /** a bundle taking longer is abandoned */
  timeoutMs: number;
  /** V8 heap cap per worker: a bundle that needs more fails alone */
  maxHeapMb: number;
}

interface Slot {
  worker: Worker;
  task: BundleTask | null;
  resolve: ((r: TaskResult) => void) | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Running from the TypeScript sources (tests, `tsx bench/…`), the worker is a
 * .ts file, and a worker thread does not inherit the tsx loader hooks of the
 * thread that starts it; a small bootstrap registers tsx, then loads it.
 */
function workerEntry(): { entry: URL | string; evalCode: boolean } {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return { entry: new URL('./worker.js', import.meta.url), evalCode: false };
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const worker = new URL('./worker.ts', import.meta.url).href;
  return { entry: `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); });`, evalCode: true };
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: { task: BundleTask; resolve: (r: TaskResult) => void }[] = [];
  /** timed-out workers given ABORT_GRACE_MS to stop their decoders, with the timer that terminates them anyway */
  private readonly retiring = new Map<Worker, NodeJS.Timeout>();
  private closed = false;
  /** workers told to stop everything (abortAll), with what to call once they have */
  private readonly stopping = new Map<Worker, () => void>();
  /** highest V8 heap a worker reported after a bundle */
  peakWorkerHeapBytes = 0;

  constructor(private readonly options: PoolOptions) {
    // A worker's heap starts small and stays small between bundles (8 MB live), so V8 kept its
    // old-space limit low and ran a full mark-compact every few bundles: half of a worker's time
    // on a fleet of small bundles went to GC. Starting the workers' old space at 64 MB (a V8 flag,
    // read when each worker's heap is set up) cut a 200-bundle batch's CPU by a quarter.
    setFlagsFromString(`--initial-old-space-size=${WORKER_INITIAL_OLD_SPACE_MB}`);
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const { entry, evalCode } = workerEntry();
    const worker = new Worker(entry, { eval: evalCode, workerData: this.options.setup, resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } });
    const slot: Slot = { worker, task: null, resolve: null, timer: null };
    worker.on('message', (r: TaskResult | Aborted) => {
      if ('aborted' in r) {
        this.stopping.get(worker)?.();
        this.stopping.delete(worker);
      }
      // A retired worker (timed out) has one thing left to say: that it stopped its decoder.
      if (!this.slots.includes(slot)) {
        if ('aborted' in r) this.terminate(worker);
        return;
      }
      if ('aborted' in r) return;
      this.peakWorkerHeapBytes = Math.max(this.peakWorkerHeapBytes, r.heapUsedBytes);
      this.finish(slot, r);
    });
    worker.on('error', (err) => this.fail(slot, `worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(slot, `worker exited with code ${code}`);
    });
    return slot;
  }

  private finish(slot: Slot, r: TaskResult): void {
    const resolve = slot.resolve;
    if (slot.timer) clearTimeout(slot.timer);
    slot.task = null;
    slot.resolve = null;
    slot.timer = null;
    resolve?.(r);
    this.next(slot);
  }

  /** A worker that died or hangs is replaced; one that timed out (`retire`) first stops its decoder, if it still answers. */
  private fail(slot: Slot, reason: string, retire = false): void {
    const idx = this.slots.indexOf(slot);
    if (idx < 0) return;
    const task = slot.task;
    const resolve = slot.resolve;
    if (slot.timer) clearTimeout(slot.timer);
    if (retire) {
      this.retiring.set(
        slot.worker,
        setTimeout(() => this.terminate(slot.worker), ABORT_GRACE_MS),
      );
      slot.worker.postMessage({ abort: true } satisfies AbortTask);
    } else void slot.worker.terminate();
    const fresh = this.spawn();
    this.slots[idx] = fresh;
    if (task && resolve) resolve({ seq: task.seq, kind: 'failed', row: errorRow(task.rel, reason), heapUsedBytes: 0 });
    this.next(fresh);
  }

  private next(slot: Slot): void {
    const job = this.waiting.shift();
    if (!job) return;
    this.start(slot, job.task, job.resolve);
  }

  private start(slot: Slot, task: BundleTask, resolve: (r: TaskResult) => void): void {
    slot.task = task;
    slot.resolve = resolve;
    slot.timer = setTimeout(() => this.fail(slot, `timed out after ${Number((this.options.timeoutMs / 1000).toFixed(1))} s`, true), this.options.timeoutMs);
    slot.worker.postMessage(task);
  }

  run(task: BundleTask): Promise<TaskResult> {
    return new Promise((resolve) => {
      const idle = this.slots.find((s) => s.task === null);
      if (idle) this.start(idle, task, resolve);
      else this.waiting.push({ task, resolve });
    });
  }

  /**
   * Tells every worker with a bundle, and every timed-out one still stopping,
   * to stop its decoder and scratch file; resolves once all have answered (or
   * died). For a signal's exit: terminating the threads would leave their xz
   * decoding on into an unlinked file.
   */
  abortAll(): Promise<void> {
    const busy = [...this.slots.filter((s) => s.task !== null).map((s) => s.worker), ...this.retiring.keys()];
    return Promise.all(
      busy.map(
        (worker) =>
          new Promise<void>((resolve) => {
            this.stopping.set(worker, resolve);
            worker.once('exit', () => resolve());
            // a retiring worker was told already; its answer resolves this too
            if (!this.retiring.has(worker)) worker.postMessage({ abort: true } satisfies AbortTask);
          }),
      ),
    ).then(() => undefined);
  }

  private terminate(worker: Worker): void {
    const timer = this.retiring.get(worker);
    if (timer) clearTimeout(timer);
    this.retiring.delete(worker);
    void worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    const retiring = [...this.retiring.keys()];
    for (const timer of this.retiring.values()) clearTimeout(timer);
    this.retiring.clear();
    await Promise.all([...this.slots.map((s) => s.worker), ...retiring].map((w) => w.terminate()));
  }
}
