/**
 * Phase timings for `SOSMORTEM_TIMINGS=1`: where a run's time goes (Node and
 * module start-up, rules, ingest, timeline, detection, report), printed to
 * stderr at exit. Off by default, when a mark costs one comparison.
 */
const enabled = process.env['SOSMORTEM_TIMINGS'] === '1';
/** performance.now() counts from the process's start, so the first mark shows the start-up */
const marks: [string, number][] = [['node start-up and modules', 0]];

/** Ends the phase called `phase` now. */
export function mark(phase: string): void {
  if (enabled) marks.push([phase, performance.now()]);
}

export function printTimings(): void {
  if (!enabled || marks.length < 2) return;
  const lines = ['sosmortem timings:'];
  for (let i = 1; i < marks.length; i++) {
    const [phase, at] = marks[i] as [string, number];
    lines.push(`  ${phase.padEnd(28)} ${(at - (marks[i - 1] as [string, number])[1]).toFixed(1).padStart(8)} ms`);
  }
  lines.push(`  ${'total'.padEnd(28)} ${performance.now().toFixed(1).padStart(8)} ms`);
  process.stderr.write(`${lines.join('\n')}\n`);
}
