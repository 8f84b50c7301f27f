/**
 * The system `xz` read by a worker thread, not by the main thread: for
 * archives under 16 MiB, of one xz block, or decoded with one thread (larger
 * archives of several blocks, which threaded xz decodes ahead on its own, are
 * read on the main thread: xz-pipe.ts; the choice is archive.ts xzPlan).
 *
 * Why: a pipe holds 64 KiB. Read on the main thread, it is drained only when
 * the parser returns to the event loop; meanwhile xz blocks on the full pipe,
 * then the parser waits for xz. The two took turns instead of overlapping: on a
 * 33 MB bundle the main thread sat idle ~150 ms waiting for data that xz could
 * have written long before. The worker's own event loop drains the pipe
 * continuously and hands the main thread large batches (fewer, bigger chunks
 * through the tar reader and line splitter), keeping at most
 * `maxAheadBytes` decoded but not yet read.
 *
 * The worker also loads ICU's data for the clock: the first
 * Intl.DateTimeFormat of a process costs ~11 ms and ICU's caches are
 * process-wide, so the main thread's first formatter then takes 0.2 ms. On
 * this project's 2-vCPU test machine that is a wash (the worker's CPU is
 * taken from xz and the parser); with a free core it is 11 ms off the run.
 * Not done for directory bundles: a worker started only for it cost more than
 * it saved there (+10 ms measured).
 *
 * The worker's code is a string evaluated by Node (only built-in modules), so
 * it needs no file of its own next to the bundled CLI.
 */
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { xz, args, batchBytes, maxAheadBytes, napMs, shortReadBytes } = workerData;
const child = spawn(xz, args, { stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
let parts = [];
let partBytes = 0;
let ahead = 0;
let paused = false;
let flushQueued = false;
let finished = false;
child.stderr.on('data', (d) => { if (stderr.length < 2000) stderr += d.toString(); });
// ICU's locale and zone data are loaded once per process (~11 ms), on first use of Intl: here, off the main thread.
try { new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hour: '2-digit' }).formatToParts(0); } catch {}
function flush() {
  flushQueued = false;
  if (partBytes === 0) return;
  const buf = Buffer.concat(parts, partBytes);
  parts = [];
  partBytes = 0;
  const ab = buf.byteOffset === 0 && buf.buffer.byteLength === buf.length ? buf.buffer : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
  ahead += ab.byteLength;
  parentPort.postMessage({ chunk: ab }, [ab]);
  if (ahead > maxAheadBytes && !paused) { paused = true; child.stdout.pause(); }
}
// See NAP_MS below: a short read means the worker has caught up with xz; it then sleeps so the next read takes a batch.
const nap = new Int32Array(new SharedArrayBuffer(4));
child.stdout.on('data', (d) => {
  if (d.length < shortReadBytes) Atomics.wait(nap, 0, 0, napMs);
  parts.push(d);
  partBytes += d.length;
  if (partBytes >= batchBytes) flush();
  // A reader that has run dry gets what there is now; one with a backlog waits for a full batch.
  else if (!flushQueued && ahead < batchBytes) { flushQueued = true; setImmediate(flush); }
});
child.stdout.on('end', () => flush());
child.on('error', (e) => { if (!finished) { finished = true; parentPort.postMessage({ end: true, code: -1, stderr: e.message }); } });
child.on('close', (code) => { flush(); if (!finished) { finished = true; parentPort.postMessage({ end: true, code, stderr }); } });
parentPort.on('message', (m) => {
  if (m.ack) {
    ahead -= m.ack;
    if (paused && ahead <= maxAheadBytes / 2) { paused = false; child.stdout.resume(); }
    if (ahead < batchBytes && partBytes > 0 && !flushQueued) { flushQueued = true; setImmediate(flush); }
  }
  if (m.stop) {
    if (child.exitCode === null) child.kill('SIGKILL');
    process.exit(0);
  }
});
`;

/**
 * xz writes its output 8 KiB at a time. A reader that keeps up gets every
 * write as one read, ~4 000 for a 33 MB bundle, and each costs a trip through
 * the stream machinery of a cold isolate. Sleeping briefly after a short read
 * lets the socket between xz and the worker (~200 KiB) fill meanwhile, so the
 * next reads are 64 KiB each: ~900 reads instead of ~2 400 with a consumer
 * that does nothing else. xz, at ≤ 200 MB/s single-threaded, writes ~60 KiB
 * in a nap, well under what the socket holds, so it never waits for the worker.
 * Typical .tar.xz: 0.485 → 0.469 s mean over 30 paired runs (faster in 21).
 */
const NAP_MS = 0.3;
/** reads shorter than this mean the worker has caught up with xz */
const SHORT_READ_BYTES = 16 * 1024;

export interface WorkerXzOptions {
  /** bytes per message to the main thread once it has a backlog */
  batchBytes?: number;
  /** decoded bytes the worker may hold or have sent but not yet had read */
  maxAheadBytes?: number;
}

export interface WorkerXz {
  /** the decoded bytes, read once; a chunk is valid until the next one is asked for (xz-file.ts reuses its buffer) */
  stream: AsyncIterable<Uint8Array>;
  /** xz's exit: its complaint, or null when it exited 0 or was stopped */
  done: () => Promise<string | null>;
  stop: () => void;
  /** whether the worker keeps the process alive (it does unless unref'd): a decoder started ahead of need must not, until it is used */
  keepAlive: (on: boolean) => void;
}

/** Starts `xz args…` in a worker thread; its standard output is the stream returned. */
export function workerXz(xz: string, args: string[], options: WorkerXzOptions = {}): WorkerXz {
  const batchBytes = options.batchBytes ?? 256 * 1024;
  const maxAheadBytes = options.maxAheadBytes ?? 16 * 1024 * 1024;
  // execArgv: [] — the source is CommonJS, and a parent started with --input-type=module would make it ESM (no require).
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: { xz, args, batchBytes, maxAheadBytes, napMs: NAP_MS, shortReadBytes: SHORT_READ_BYTES },
  });
  const queue: Buffer[] = [];
  let wanting = false;
  let ended = false;
  let stopped = false;
  let exit: { code: number | null; stderr: string } | null = null;
  let settle: (() => void) | null = null;
  const exited = new Promise<void>((resolve) => (settle = resolve));

  const stream = new Readable({
    highWaterMark: batchBytes,
    read() {
      wanting = true;
      drain();
    },
    destroy(err, cb) {
      // Destroyed after its end (autoDestroy) is not a stop: xz's verdict still counts.
      if (!exit) stop();
      cb(err);
    },
  });
  // Bytes are acknowledged when the reader takes them, so the worker's limit bounds what waits here too.
  const drain = (): void => {
    while (wanting && queue.length > 0) {
      const chunk = queue.shift() as Buffer;
      if (!stopped) worker.postMessage({ ack: chunk.length });
      wanting = stream.push(chunk);
    }
    if (queue.length === 0 && ended && !stream.readableEnded) {
      ended = false;
      stream.push(null);
    }
  };
  const finish = (code: number | null, stderr: string): void => {
    exit ??= { code, stderr };
    ended = true;
    drain();
    settle?.();
  };
  worker.on('message', (m: { chunk?: ArrayBuffer; end?: boolean; code?: number | null; stderr?: string }) => {
    if (m.chunk) {
      if (stopped) return;
      queue.push(Buffer.from(m.chunk));
      drain();
    } else if (m.end) {
      finish(m.code ?? null, m.stderr ?? '');
      void worker.terminate();
    }
  });
  worker.on('error', (e) => finish(-1, `worker: ${e.message}`));
  worker.on('exit', () => finish(stopped ? null : -1, 'worker exited early'));

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    queue.length = 0;
    worker.postMessage({ stop: true });
  };
  return {
    stream,
    stop,
    keepAlive: (on) => {
      if (on) worker.ref();
      else worker.unref();
    },
    done: async () => {
      await exited;
      if (stopped || exit?.code === 0) return null;
      return `xz: ${exit?.stderr.trim() || `exit code ${exit?.code ?? 'unknown'}`}`;
    },
  };
}
