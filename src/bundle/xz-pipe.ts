/**
 * The system `xz` read by the main thread, straight from its pipe. Used for
 * archives that threaded xz decodes ahead on its own (16 MiB and more,
 * several blocks, more than one core; archive.ts `xzPlan`): while the parser works, xz's decoder
 * threads keep decoding into their own buffers, so reading the pipe between
 * parse steps costs xz nothing, and the worker thread of xz-worker.ts (its
 * start-up and a wake-up per 8 KiB that xz writes) would be CPU taken from xz
 * and the parser. A one-block archive read this way was 80 ms slower (xz and
 * the parser take turns), which is why that case keeps the worker (figures
 * in archive.ts, xzPlan).
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { WorkerXz } from './xz-worker.js';

/**
 * Starts `xz args…`; its standard output is the stream returned. Also the reader of the other
 * decoders a bundle may need a program for (bzip2, zstd: archive.ts), named in done()'s complaint.
 */
export function pipeXz(xz: string, args: string[], name = 'xz'): WorkerXz {
  const child = spawn(xz, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stopped = false;
  let exit: { code: number | null; message: string } | null = null;
  const exited = new Promise<void>((resolve) => {
    child.on('error', (e) => {
      exit ??= { code: -1, message: e.message };
      resolve();
    });
    child.on('close', (code) => {
      exit ??= { code, message: stderr };
      resolve();
    });
  });
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 2000) stderr += d.toString();
  });
  // Reported through done(): a read error ends the stream like a truncated archive.
  child.stdout.on('error', () => {});
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null) child.kill('SIGKILL');
    child.stdout.destroy();
  };
  return {
    stream: child.stdout,
    stop,
    keepAlive: (on) => {
      // A child's pipes are sockets; each, like the process, keeps the event loop alive until unref'd.
      for (const handle of [child, child.stdout as Socket, child.stderr as Socket]) {
        if (on) handle.ref();
        else handle.unref();
      }
    },
    done: async () => {
      await exited;
      if (stopped || exit?.code === 0) return null;
      // the program's first line (bzip2 goes on for ten about recovery tools), without its own name again
      const said = (exit?.message.trim().split('\n')[0] ?? '').replace(new RegExp(`^${name}: `), '');
      return `${name}: ${said || `exit code ${exit?.code ?? 'unknown'}`}`;
    },
  };
}
