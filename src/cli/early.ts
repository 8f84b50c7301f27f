/**
 * What bin/sosmortem.js loads first for `sosmortem analyze`: it starts
 * decoding a .tar.xz bundle before the CLI and its modules load (~30 ms
 * earlier than analyze itself could: the decoder's worker thread needs ~35 ms
 * to start xz, which then overlaps the module loading). The analyze command
 * takes the decoder over (archive.ts, takeEarlyXz); one it does not take, for
 * a usage error or other options, ends with the process.
 */
import { startXzEarly } from '../bundle/archive.js';

/** Starts decoding for the plain form `analyze <bundle> …`; other forms (options first) start it in analyze. */
export function startFromArgv(argv: readonly string[]): void {
  const [command, first] = argv.slice(2);
  if (command !== 'analyze' || first === undefined || first.startsWith('-')) return;
  void startXzEarly(first);
}
