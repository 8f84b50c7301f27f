/**
 * What must not outlive the run that started it: xz decoding into a scratch
 * file (a file, unlike a pipe, never stops its writer), that file's
 * descriptor, Chromium and its temporary profile. Each registers how to stop
 * it, synchronously; everything still registered is stopped
 * - when the process exits,
 * - on SIGINT, SIGTERM or SIGHUP, once the CLI has asked for it
 *   (exitOnSignals): a library must not take over its host's signals,
 * - when a batch worker is told to give up its bundle (stopAll): a
 *   terminated worker thread runs no exit hook, and its descriptors and
 *   child processes belong to the whole process. A signal to a batch
 *   reaches its workers the same way, through a drain (beforeSignalExit).
 */

type Stop = () => void;

const pending = new Set<Stop>();
let exitHooked = false;

/** Registers `stop`; the function returned unregisters it (call it once the thing has ended by itself). */
export function atRunEnd(stop: Stop): () => void {
  pending.add(stop);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', stopAll);
  }
  return () => void pending.delete(stop);
}

/** Stops everything still registered, most recent first; one that throws does not keep the others running. */
export function stopAll(): void {
  const stops = [...pending].reverse();
  pending.clear();
  for (const stop of stops) {
    try {
      stop();
    } catch {
      /* already gone */
    }
  }
}

/** How many things are registered (for tests). */
export function runningCount(): number {
  return pending.size;
}

const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
let signalsHooked = false;

/** how long a signal's exit waits for drains (a batch's workers stopping their decoders) */
export const DRAIN_MS = 2500;
const drains = new Set<() => Promise<void>>();

/**
 * Work a signal's exit waits for, up to DRAIN_MS: what other threads must
 * stop, which no synchronous `stop` can reach (a batch worker's xz is
 * registered in that worker's thread). The function returned unregisters it.
 */
export function beforeSignalExit(drain: () => Promise<void>): () => void {
  drains.add(drain);
  return () => void drains.delete(drain);
}

/**
 * The CLI's handling of terminating signals: stop everything, then exit with
 * the shell's 128 + signal number. Exiting (rather than re-raising) lets every
 * exit hook run, puppeteer's own kill of a Chromium still starting included.
 */
export function exitOnSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  let exiting = false;
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.on(signal, () => {
      // a second signal while draining: the user means now
      if (exiting) process.exit(code);
      exiting = true;
      stopAll();
      if (drains.size === 0) process.exit(code);
      const waits = [...drains].map((d) => d().catch(() => undefined));
      void Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, DRAIN_MS).unref())]).then(() => process.exit(code));
    });
  }
}

/**
 * A reader that stops early (`sosmortem rules list | head`, `analyze -o - | head`) closes the pipe:
 * stop everything and exit as a process killed by SIGPIPE would (128 + 13), without a stack trace.
 */
export function exitOnClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    stopAll();
    process.exit(141);
  });
}
