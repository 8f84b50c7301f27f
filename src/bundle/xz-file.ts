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
 * the tar reader asks (~20 ms of CPU for the same bundle). The bytes are
 * pulled, not streamed: nothing is read ahead of the reader, so one buffer
 * serves every read.
 *
 * Bounds: only archives whose index declares at most `expectedBytes` use it
 * (a few hundred MiB of scratch, freed at close); an xz that writes more than
 * its index declared (a hostile or damaged file) is killed at once.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, readSync } from 'node:fs';
import type { Socket } from 'node:net';
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
  let exit: { code: number | null; message: string } | null = null;
  let fdOpen = true;
  // The reader waiting for xz to write more: its timer, and how to end the wait at once when xz ends.
  let poll: NodeJS.Timeout | null = null;
  let endWait: (() => void) | null = null;
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
  // The chunks end with what was read; done() says why.
  const fail = (why: string): void => {
    failure = why;
    kill();
    closeFd();
  };
  // A reader waiting on the poll looks again at once when xz ends (or is stopped).
  const wake = (): void => {
    if (poll !== null) clearTimeout(poll);
    poll = null;
    const end = endWait;
    endWait = null;
    end?.();
  };
  const caughtUp = (): Promise<void> =>
    new Promise((resolve) => {
      endWait = resolve;
      poll = setTimeout(wake, POLL_MS);
      if (!alive) poll.unref();
    });

  // Every chunk is a view of this one buffer, read into again when the next chunk is asked for
  // (EntryConsumer's contract): a fresh 1 MiB buffer per read is memory the kernel faults in and
  // zeroes inside the read, 24–29 ms of a 38 MB bundle's reads against 9 ms into a buffer in use
  // (docs/performance.md, fourteenth round). Allocated on the first read: a decoder started early
  // and never read holds none.
  let buffer: Buffer | null = null;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let position = 0;
    try {
      while (!stopped && fdOpen) {
        // Checked before reading: closed then a read of nothing means everything xz wrote has been read.
        const finished = closed;
        buffer ??= Buffer.allocUnsafe(READ_BYTES);
        let n: number;
        try {
          n = readSync(scratchFd, buffer, 0, READ_BYTES, position);
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
          yield buffer.subarray(0, n);
          continue;
        }
        if (finished) return;
        await caughtUp();
      }
    } finally {
      // At the end, or when the reader stops early (xz, if still decoding, is stopped).
      if (!exit) stop();
      else closeFd();
      buffer = null;
    }
  }
  let taken = false;
  const stream: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => {
      if (taken) throw new Error('the decoded bytes can be read only once');
      taken = true;
      return chunks();
    },
  };

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    kill();
    closeFd();
    wake();
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
