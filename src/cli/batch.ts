import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { parseShard, type Shard } from '../batch/discover.js';
import { progressReporter } from '../batch/progress.js';
import { runBatch } from '../batch/run.js';
import { parseFormats, shownPath } from './analyze.js';
import { UsageError } from './main.js';

/** Exit code of a batch in which some bundles could not be analysed. */
export const EXIT_SOME_FAILED = 3;

interface BatchFlags {
  output?: string;
  jobs: string;
  format: string;
  resume?: boolean;
  shard?: string;
  rules?: string[];
  tz?: string;
  paper: string;
  timeout: string;
  quiet?: boolean;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a positive whole number, not "${text}"`, `for example ${what} 2`);
  return n;
}

export function registerBatch(program: Command): void {
  program
    .command('batch')
    .description('analyse every bundle under the given paths in parallel and write a fleet summary')
    .argument('<paths...>', 'bundles, directories searched for bundles, or quoted globs')
    .requiredOption('-o, --output <dir>', 'output directory: <bundle-id>/report.* per bundle, summary.csv, summary.json, fleet.html')
    .option('--jobs <n>', 'worker threads', '2')
    .option('--format <list>', 'per-bundle formats: pdf,html,md,json (report.json is always written)', 'json')
    .option('--resume', 'skip bundles whose complete report (same content hash) is already in the output')
    .option('--shard <K/N>', 'analyse only shard K of N (K may be "auto": read from JOB_COMPLETION_INDEX)')
    .option('--rules <dir...>', 'extra rule directories')
    .option('--tz <zone>', 'time zone of bundles that do not say')
    .option('--paper <size>', 'A4 or Letter', 'A4')
    .option('--timeout <sec>', 'give up on a bundle after this many seconds', '600')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Exit codes: 0 every bundle analysed, 3 some bundles failed (see summary.csv), 2 usage.

Examples:
  sosmortem batch /archive/sosreports -o fleet --jobs 4
  sosmortem batch '/archive/**/*.tar.xz' -o fleet --format json,pdf --resume
  sosmortem batch /archive -o out/shard-$JOB_COMPLETION_INDEX --shard auto/8`,
    )
    .action(async (inputs: string[], flags: BatchFlags) => {
      const formats = parseFormats(flags.format);
      const jobs = positiveInt(flags.jobs, '--jobs');
      const timeoutSec = positiveInt(flags.timeout, '--timeout');
      let shard: Shard | null = null;
      if (flags.shard !== undefined) {
        const parsed = parseShard(flags.shard);
        if (typeof parsed === 'string') throw new UsageError(`bad --shard: ${parsed}`, 'use --shard K/N with 0 <= K < N, or --shard auto/N in a Kubernetes Indexed Job');
        shard = parsed;
      }
      const paper = flags.paper.toLowerCase() === 'letter' ? 'Letter' : flags.paper.toUpperCase() === 'A4' ? 'A4' : null;
      if (!paper) throw new UsageError(`unknown paper size "${flags.paper}"`, 'choose A4 or Letter');
      if (!flags.output) throw new UsageError('no output directory', 'add -o DIR');
      const progress = progressReporter({ write: (t) => process.stderr.write(t), isTTY: process.stderr.isTTY === true }, { quiet: Boolean(flags.quiet) });
      const analyzeOptions: Parameters<typeof runBatch>[0]['analyzeOptions'] = { paper };
      if (flags.rules) analyzeOptions.rulesDirs = flags.rules;
      if (flags.tz) analyzeOptions.tz = flags.tz;
      // Bundles already run one per worker: xz gets each worker's share of the cores, not all of them each.
      analyzeOptions.xzThreads = Math.max(1, Math.floor(availableParallelism() / Math.max(1, jobs)));
      const result = await runBatch({ inputs, outDir: flags.output, jobs, formats, resume: Boolean(flags.resume), shard, analyzeOptions, timeoutMs: timeoutSec * 1000, onEvent: progress.onEvent });
      progress.end();
      const s = result.stats;
      if (process.stderr.isTTY && !flags.quiet) {
        process.stderr.write(`sosmortem: ${s.analysed} analysed, ${s.resumed} already done, ${s.failed} failed in ${(s.elapsedMs / 1000).toFixed(1)} s\n`);
        process.stderr.write(`  wrote ${shownPath(path.join(path.resolve(flags.output), 'summary.csv'))} and fleet.html\n`);
      }
      if (s.total === 0) throw new UsageError(`no bundle found in ${inputs.join(' ')}`, 'give sosreport archives, extracted sosreport directories, or folders that hold them');
      if (s.failed > 0) process.exitCode = EXIT_SOME_FAILED;
    });
}
