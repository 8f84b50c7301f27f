import type { Command } from 'commander';
import { mergeOutputs } from '../batch/merge.js';
import { UsageError } from './main.js';

interface MergeFlags {
  output: string;
  pdf?: boolean;
  copy: boolean;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('combine the output directories of batch shards into one fleet summary')
    .argument('<dirs...>', 'output directories of `sosmortem batch --shard K/N` runs')
    .requiredOption('-o, --output <dir>', 'merged output directory')
    .option('--pdf', 'also render fleet.pdf')
    .option('--no-copy', 'do not copy per-bundle report directories into the output')
    .action(async (dirs: string[], flags: MergeFlags) => {
      let result;
      try {
        result = await mergeOutputs({ inputs: dirs, outDir: flags.output, pdf: Boolean(flags.pdf), copyReports: flags.copy });
      } catch (err) {
        if (err instanceof Error && /is not a directory/.test(err.message)) throw new UsageError(err.message, 'give the -o directories of the shard runs');
        throw err;
      }
      const failed = result.rows.filter((r) => r.status === 'error').length;
      process.stderr.write(`sosmortem: merged ${result.rows.length} bundles from ${dirs.length} directories (${failed} failed${result.duplicates.length ? `, ${result.duplicates.length} found twice` : ''})\n`);
      if (failed > 0) process.exitCode = 3;
    });
}
