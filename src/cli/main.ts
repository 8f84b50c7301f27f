import { Command, CommanderError, Option } from 'commander';
import type { InputError } from '../bundle/ingest.js';
import { OutputExistsError } from '../report/write.js';
import { VERSION } from '../version.js';

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

type Register = (program: Command) => void;

/**
 * Each command's module, loaded on demand: importing them all (the analyze
 * pipeline, the parsers, the batch pool) costs ~150 ms that `rules list` or
 * `merge` never use. Order is the order of `--help`.
 */
const COMMANDS: readonly [string, () => Promise<Register>][] = [
  ['analyze', async () => (await import('./analyze.js')).registerAnalyze],
  ['parse', async () => (await import('./parse.js')).registerParse],
  ['rules', async () => (await import('./rules.js')).registerRules],
  ['batch', async () => (await import('./batch.js')).registerBatch],
  ['merge', async () => (await import('./merge.js')).registerMerge],
  ['diff', async () => (await import('./diff.js')).registerDiff],
];

/** The command named by argv when it is a known one; otherwise (help, version, a typo) all are registered. */
function commandIn(argv: string[]): string | undefined {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  return COMMANDS.some(([n]) => n === name) ? name : undefined;
}

export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('sosmortem')
    .description('Offline analyzer for sosreport bundles: one timeline, ranked bottlenecks, evidence-backed remediation report.')
    .version(VERSION)
    .addOption(new Option('--debug', 'print stack traces for errors'))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const only = commandIn(argv);
  const args = argv.slice(2);
  const versionOnly = args.length === 1 && (args[0] === '--version' || args[0] === '-V');
  const wanted = versionOnly ? [] : COMMANDS.filter(([name]) => only === undefined || name === only);
  const registers = await Promise.all(wanted.map(([, load]) => load()));
  for (const register of registers) register(program);
  return program;
}

// By name rather than instanceof: importing the class would load the whole ingest path.
function isInputError(err: unknown): err is InputError {
  return err instanceof Error && err.name === 'InputError' && 'hint' in err && typeof err.hint === 'string';
}

function debugWanted(argv: string[]): boolean {
  return argv.includes('--debug');
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return EXIT_OK;
      return EXIT_USAGE;
    }
    if (isInputError(err) || err instanceof UsageError) {
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
    if (err instanceof Error && err.name === 'BrowserLaunchError' && 'hint' in err) {
      process.stderr.write(`sosmortem: ${err.message}\n  hint: ${String(err.hint)}\n`);
      if (debugWanted(argv)) process.stderr.write(`${err.stack ?? ''}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`sosmortem: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (debugWanted(argv)) process.stderr.write(`${err instanceof Error ? (err.stack ?? '') : ''}\n`);
    else process.stderr.write('  hint: run again with --debug and report the stack trace\n');
    return EXIT_USAGE;
  }
}
