import type { Command } from 'commander';
import { compareBundles } from '../batch/compare.js';
import { diffMarkdown, diffTable } from '../batch/diff.js';
import { UsageError } from './main.js';

interface DiffFlags {
  format: string;
  tz?: string;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('show what changed between two bundles (or report.json files) of the same host')
    .argument('<before>', 'the earlier bundle or its report.json')
    .argument('<after>', 'the later bundle or its report.json')
    .option('--format <fmt>', 'table, json or md', 'table')
    .option('--tz <zone>', 'time zone of bundles that do not say')
    .action(async (before: string, after: string, flags: DiffFlags) => {
      const format = flags.format.toLowerCase() === 'markdown' ? 'md' : flags.format.toLowerCase();
      if (format !== 'table' && format !== 'json' && format !== 'md') throw new UsageError(`unknown format "${flags.format}"`, 'choose table, json or md');
      const d = await compareBundles(before, after, flags.tz ? { tz: flags.tz } : {});
      if (!d.sameHost) process.stderr.write(`sosmortem: warning: the bundles come from different hosts (${d.before.host ?? '?'} and ${d.after.host ?? '?'})\n`);
      process.stdout.write(format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : format === 'md' ? diffMarkdown(d) : diffTable(d));
    });
}
