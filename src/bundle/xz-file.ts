/**
 * The system `xz` writing into a scratch file (scratch.ts) that the main
 * thread reads behind it, for one-block or one-thread archives when the run
 * has an output directory (the choice is archive.ts xzPlan).
 *
 * Why: xz writes to a pipe 8 KiB at a time and blocks once the pipe is full,
 * so a reader busy parsing stalls it; xz-worker.ts keeps the pipe drained
 * from a worker thread, at the price of the worker (start-up ~30 ms of CPU)
 * and of its thousands of reads through Node's stream machinery: ~135 ms of
 * CPU in all for a 40 MB bundle, which on two cores is taken from xz and the
 * parser. A file never fills up: xz writes at its own pace and never waits,
 * and the main thread reads 1 MiB at a time with plain positional reads when
 * the tar reader asks (~20 ms of CPU for the same bundle).
 *
 * Bounds: only archives whose index declares at most `expectedBytes` use it
 * (a few hundred MiB of scratch, freed at close); an xz that writes more than
 * its index declared (a hostile or damaged file) is killed at once.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, readSync } from 'node:fs';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { atRunEnd } from '../run-end.js';
import type { WorkerXz } from './xz-worker.js';

/** bytes per read: large reads mean few trips through the tar reader and the line splitter */
const READ_BYTES = 1024 * 1024;
/** how long the reader waits before looking again when it has caught up with xz */
const POLL_MS = 1;

/** Starts `xz args…` writing into `scratchFd`, which this then owns (and closes); the stream returned reads what xz writes. */
export function fileXz(xz: string, args: string[], scratchFd: number, expectedBytes: number): WorkerXz {
  const child = spawn(xz, args, { stdio: ['ignore', scratchFd, 'pipe'] });
  let stderr = '';
  let stopped = false;
  let closed = false;
  let failure: string | null = null;
  // The read buffer, kept while no chunk has been handed out of it: a reader that polls or takes short reads allocates nothing.
  let spare: Buffer | null = null;
  let exit: { code: number | null; message: string } | null = null;
  let position = 0;
  let fdOpen = true;
  let poll: NodeJS.Timeout | null = null;
  let alive = true;
  // A pipe's writer dies of SIGPIPE when its reader goes; a file's would decode on to the end
  // for nobody (a run that ends early, a usage error after the early start, a signal, a batch
  // worker abandoning its bundle): xz and the scratch descriptor go with the run.
  const unregister = atRunEnd(() => stop());
  const released = (): void => {
    if (closed && !fdOpen) unregister();
  };
  const exited = new Promise<void>((resolve) => {
    child.on('error', (e) => {
      exit ??= { code: -1, message: e.message };
      closed = true;
      released();
      resolve();
      wake();
    });
    child.on('close', (code) => {
      exit ??= { code, message: stderr };
      closed = true;
      released();
      resolve();
      wake();
    });
  });
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 2000) stderr += d.toString();
  });

  const closeFd = (): void => {
    if (!fdOpen) return;
    fdOpen = false;
    closeSync(scratchFd);
    released();
  };
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  // The stream ends with what was read; done() says why.
  const fail = (why: string): void => {
    failure = why;
    kill();
    closeFd();
    stream.push(null);
  };
  // A reader waiting on the poll looks again at once when xz ends.
  const wake = (): void => {
    if (poll === null) return;
    clearTimeout(poll);
    pump();
  };
  const pump = (): void => {
    poll = null;
    if (stopped || !fdOpen) return;
    for (;;) {
      // Checked before reading: closed then a read of nothing means everything xz wrote has been read.
      const finished = closed;
      const buf = spare ?? Buffer.allocUnsafe(READ_BYTES);
      spare = buf;
      let n: number;
      try {
        n = readSync(scratchFd, buf, 0, READ_BYTES, position);
      } catch (err) {
        fail(`reading the scratch file: ${(err as Error).message}`);
        return;
      }
      if (n > 0) {
        position += n;
        if (position > expectedBytes || fstatSync(scratchFd).size > expectedBytes) {
          fail(`decodes to more than the ${expectedBytes} bytes its index declares`);
          return;
        }
        // A short read is copied out (a 1 MiB buffer per 8 KiB would waste memory downstream); a long one takes the buffer with it.
        let chunk: Buffer;
        if (n < READ_BYTES / 4) chunk = Buffer.from(buf.subarray(0, n));
        else {
          chunk = buf.subarray(0, n);
          spare = null;
        }
        if (!stream.push(chunk)) return;
        continue;
      }
      if (finished) {
        closeFd();
        stream.push(null);
        return;
      }
      poll = setTimeout(pump, POLL_MS);
      if (!alive) poll.unref();
      return;
    }
  };

  const stream = new Readable({
    highWaterMark: READ_BYTES,
    read() {
      if (poll === null) pump();
    },
    destroy(err, cb) {
      if (!exit) stop();
      else closeFd();
      cb(err);
    },
  });

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (poll) clearTimeout(poll);
    poll = null;
    kill();
    closeFd();
  };
  return {
    stream,
    stop,
    keepAlive: (on) => {
      alive = on;
      // stderr is a pipe, a socket: like the process, it keeps the event loop alive until unref'd.
      for (const handle of [child, child.stderr as Socket | null]) {
        if (!handle) continue;
        if (on) handle.ref();
        else handle.unref();
      }
      if (poll) {
        if (on) poll.ref();
        else poll.unref();
      }
    },
    done: async () => {
      await exited;
      if (failure) return `xz: ${failure}`;
      if (stopped || exit?.code === 0) return null;
      return `xz: ${exit?.message.trim() || `exit code ${exit?.code ?? 'unknown'}`}`;
    },
  };
}
