/**
 * Phase timings for `SOSMORTEM_TIMINGS=1`: where a run's time goes (Node and
 * module start-up, rules, ingest, timeline, detection, report), printed to
 * stderr at exit. Off by default, when a mark costs one comparison.
 */
import { readdirSync, readFileSync } from 'node:fs';

const enabled = process.env['SOSMORTEM_TIMINGS'] === '1';
/** performance.now() counts from the process's start, so the first mark shows the start-up */
const marks: [string, number, number, number][] = [['node start-up and modules', 0, 0, 0]];

/** Ends the phase called `phase` now, with the resident set and the JS heap in use at its end. */
export function mark(phase: string): void {
  if (enabled) marks.push([phase, performance.now(), process.memoryUsage.rss(), process.memoryUsage().heapUsed]);
}

export function printTimings(): void {
  if (!enabled || marks.length < 2) return;
  const lines = ['sosmortem timings:'];
  const mib = (bytes: number): string => `${Math.round(bytes / 1048576)}`.padStart(5);
  for (let i = 1; i < marks.length; i++) {
    const [phase, at, rss, heap] = marks[i] as [string, number, number, number];
    lines.push(
      `  ${phase.padEnd(28)} ${(at - (marks[i - 1] as [string, number, number, number])[1]).toFixed(1).padStart(8)} ms   RSS ${mib(rss)} MiB, JS heap ${mib(heap)} MiB at its end`,
    );
  }
  lines.push(`  ${'total'.padEnd(28)} ${performance.now().toFixed(1).padStart(8)} ms`);
  // bin/sosmortem.js turns TurboFan's inlining off for a short run; a figure means little without knowing which
  const inliningOff = (globalThis as Record<symbol, unknown>)[Symbol.for('sosmortem.turboInliningOff')] === true;
  lines.push(`  V8 TurboFan inlining: ${inliningOff ? 'off (a short run, or SOSMORTEM_TURBO_INLINING=0)' : 'on'}`);
  const cpu = cpuByThread();
  if (cpu) {
    lines.push('CPU used so far (on two cores this, more than the phases, sets the wall time):');
    lines.push(`  ${'main thread'.padEnd(28)} ${String(cpu.main).padStart(8)} ms`);
    lines.push(`  ${'V8 compiler and GC threads'.padEnd(28)} ${String(cpu.helpers).padStart(8)} ms`);
    lines.push(`  ${'threads that have exited'.padEnd(28)} ${String(cpu.exited).padStart(8)} ms`);
    lines.push(`  ${'child processes (xz)'.padEnd(28)} ${String(cpu.children).padStart(8)} ms`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

/**
 * CPU milliseconds by thread from /proc (Linux; null elsewhere): the main
 * thread, the process's other live threads, threads that have exited (the
 * process total minus the live ones) and waited-for children. A thread's time
 * comes from its schedstat, in nanoseconds: /proc's per-thread ticks (10 ms)
 * are truncated once per thread, and over a dozen threads that used to show
 * as ~40 ms of "exited" threads in runs where none had exited.
 */
function cpuByThread(): { main: number; helpers: number; exited: number; children: number } | null {
  try {
    const ticks = (file: string): number[] => {
      const stat = readFileSync(file, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [Number(f[11]) + Number(f[12]), Number(f[13]) + Number(f[14])];
    };
    const threadMs = (tid: string): number => {
      try {
        return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      } catch {
        return (ticks(`/proc/self/task/${tid}/stat`)[0] ?? 0) * 10;
      }
    };
    const [, children = 0] = ticks('/proc/self/stat');
    const usage = process.cpuUsage();
    const total = (usage.user + usage.system) / 1000;
    let main = 0;
    let live = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const own = threadMs(tid);
      live += own;
      if (Number(tid) === process.pid) main = own;
    }
    const ms = (x: number): number => Math.round(x);
    return { main: ms(main), helpers: ms(live - main), exited: ms(Math.max(0, total - live)), children: children * 10 };
  } catch {
    return null;
  }
}
