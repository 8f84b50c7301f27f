import type { LineParser, RecordSink } from './types.js';

/** Small helpers shared by parsers. Pure; no I/O. */

/** Splits on runs of whitespace without a regex per call site. */
export function fields(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const space = c === 32 || c === 9;
    if (space) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

/** Parses a number written in C or a comma-decimal locale ("12,5"); NaN when it is not one. */
export function num(text: string | undefined): number {
  if (text === undefined || text === '') return NaN;
  const n = Number(text.includes(',') && !text.includes('.') ? text.replace(',', '.') : text);
  return n;
}

/**
 * A top-level sosreport symlink (date, uptime, uname, hostname, free) that a
 * copy flattened into a file holding its target path. The target itself is
 * parsed, so the stand-in is only noted.
 */
export function symlinkStandIn(line: string): string | null {
  const t = line.trim();
  return /^(\.\.\/)*sos_commands\/[\w.\-/]+$/.test(t) ? t : null;
}

/**
 * Files that hold one meaningful line (uname -a, uptime, hostname): the first
 * line that parses gives the facts; comments, blanks and a flattened symlink
 * are passed over; no such line is a file-level warning.
 */
export function firstLineParser<T>(
  sink: RecordSink,
  spec: { what: string; format: string; parse: (line: string) => T | null; emit: (value: T, lineNo: number, line: string) => void; skip?: (trimmed: string) => boolean },
): LineParser {
  let done = false;
  return {
    push(line, lineNo) {
      if (lineNo === 1 && symlinkStandIn(line) !== null) {
        done = true;
        sink.diagnostic(lineNo, 'info', `stand-in for a symlink to ${line.trim()}; the target is read instead`);
        return;
      }
      const t = line.trim();
      if (done || t === '' || spec.skip?.(t)) return;
      const value = spec.parse(line);
      if (value === null) {
        sink.diagnostic(lineNo, 'warning', `not ${spec.what}`);
        return;
      }
      done = true;
      sink.format(spec.format);
      spec.emit(value, lineNo, line);
    },
    end() {
      if (!done) sink.diagnostic(undefined, 'warning', `no ${spec.what} found in this file`);
    },
  };
}
