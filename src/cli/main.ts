import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../bundle/ingest.js';
import { OutputExistsError } from '../report/write.js';
import { VERSION } from '../version.js';
import { registerAnalyze } from './analyze.js';
import { registerBatch } from './batch.js';
import { registerDiff } from './diff.js';
import { registerMerge } from './merge.js';
import { registerParse } from './parse.js';
import { registerRules } from './rules.js';

/** Exit codes: 0 analysed, 1 a finding at or above --fail-on, 2 usage or unusable input. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function buildProgram(): Command {
  const program = new Command('sosmortem')
    .description('Offline analyzer for sosreport bundles: one timeline, ranked bottlenecks, evidence-backed remediation report.')
    .version(VERSION)
    .addOption(new Option('--debug', 'print stack traces for errors'))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerAnalyze(program);
  registerParse(program);
  registerRules(program);
  registerBatch(program);
  registerMerge(program);
  registerDiff(program);
  return program;
}

function debugWanted(argv: string[]): boolean {
  return argv.includes('--debug');
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return EXIT_OK;
      return EXIT_USAGE;
    }
    if (err instanceof InputError || err instanceof UsageError) {
      process.stderr.write(`sosmortem: ${err.message}\n  hint: ${err.hint}\n`);
      if (debugWanted(argv)) process.stderr.write(`${err.stack ?? ''}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof OutputExistsError) {
      process.stderr.write(`sosmortem: ${err.message}\n  hint: pass --force to replace it, or choose another directory with -o\n`);
      return EXIT_USAGE;
    }
    if (err instanceof Error && err.name === 'BrowserNotFoundError') {
      process.stderr.write(`sosmortem: ${err.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`sosmortem: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (debugWanted(argv)) process.stderr.write(`${err instanceof Error ? (err.stack ?? '') : ''}\n`);
    else process.stderr.write('  hint: run again with --debug and report the stack trace\n');
    return EXIT_USAGE;
  }
}
