/**
 * What bin/sosmortem.js loads first for `sosmortem analyze`: it starts
 * decoding a .tar.xz bundle before the CLI and its modules load (~30 ms
 * earlier than analyze itself could), so xz overlaps the module loading. The
 * analyze command takes the decoder over (archive.ts, takeEarlyXz) when it
 * was started as analyze would start it; one it does not take, for a usage
 * error or options read differently here, is stopped or ends with the process.
 */
import { startXzEarly } from '../bundle/archive.js';
import { exitOnSignals } from '../run-end.js';

/** Starts decoding for the plain form `analyze <bundle> …`; other forms (options first) start it in analyze. */
export function startFromArgv(argv: readonly string[]): void {
  const [command, first] = argv.slice(2);
  if (command !== 'analyze' || first === undefined || first.startsWith('-')) return;
  // a signal before main has loaded must not leave xz decoding for nobody
  exitOnSignals();
  void startXzEarly(first, { scratchDir: scratchDirOf(outputFromArgv(argv.slice(3))) });
}

/** The directory an analysis may decode into: its output directory, not "-" (stdout), and none when none was given. */
export function scratchDirOf(output: string | undefined): string | null {
  return output === undefined || output === '' || output === '-' ? null : output;
}

/** analyze's options that take a value, whose value is skipped when looking for -o. */
export const VALUE_OPTIONS = new Set(['--format', '--fail-on', '--tz', '--paper', '--max-file-size', '--max-total-size']);

/**
 * -o/--output as commander reads it ("-o dir", "-odir", "--output dir",
 * "--output=dir"; the last wins), without loading commander. A reading that
 * differs from commander's only costs the early start: analyze compares.
 */
export function outputFromArgv(args: readonly string[]): string | undefined {
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (arg === '-o' || arg === '--output') output = args[++i];
    else if (arg.startsWith('--output=')) output = arg.slice('--output='.length);
    else if (arg.startsWith('-o') && arg.length > 2) output = arg.slice(2);
    else if (VALUE_OPTIONS.has(arg)) i++;
    else if (arg === '--rules') while (i + 1 < args.length && !(args[i + 1] as string).startsWith('-')) i++;
  }
  return output;
}
