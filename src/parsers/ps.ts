/**
 * Process snapshots from ps(1) (procps-ng, https://man7.org/linux/man-pages/man1/ps.1.html):
 * the top-level `ps` symlink and sos_commands/process/ps_* — auxwww, auxwwwm
 * (thread rows with PID "-"), auxfwww (forest art in COMMAND), auxcww (bare
 * command names), alxwww, -elf/-elfL, -eo/axo with named columns.
 * The header names the columns, so the parser maps by name, not position.
 * Only the last column (COMMAND/CMD/ARGS) may hold spaces; LSTART ("STARTED")
 * is always five tokens ("Mon Nov 23 10:49:13 2026").
 */
import type { TimeBase } from '../model.js';
import type { LineParser, RecordSink, SourceParser } from './types.js';
import { fields, num, symlinkStandIn } from './util.js';

const COMMAND_HEADERS = new Set(['COMMAND', 'CMD', 'ARGS']);
const METRICS: readonly (readonly [string, readonly string[]])[] = [
  ['proc.rssKiB', ['RSS', 'RSZ']],
  ['proc.vszKiB', ['VSZ', 'VSIZE']],
  ['proc.cpuPct', ['%CPU']],
  ['proc.memPct', ['%MEM']],
];
const USER_HEADERS = ['USER', 'RUSER', 'EUSER', 'UID', 'RUID', 'EUID'];

interface Layout {
  /** token offset of each named column (before the command) */
  offset: Map<string, number>;
  /** how many tokens precede the command; the command is everything after */
  commandAt: number;
  hasCommand: boolean;
  metrics: { metric: string; at: number }[];
  userAt: number | undefined;
  pidAt: number;
  lwpAt: number | undefined;
}

function layoutOf(header: string[]): Layout | null {
  const offset = new Map<string, number>();
  let at = 0;
  const last = header[header.length - 1] ?? '';
  const hasCommand = COMMAND_HEADERS.has(last);
  const named = hasCommand ? header.slice(0, -1) : header;
  for (const name of named) {
    if (!offset.has(name)) offset.set(name, at);
    at += name === 'STARTED' ? 5 : 1;
  }
  const pidAt = offset.get('PID');
  if (pidAt === undefined) return null;
  const metrics: { metric: string; at: number }[] = [];
  for (const [metric, names] of METRICS) {
    const col = names.map((n) => offset.get(n)).find((v) => v !== undefined);
    if (col !== undefined) metrics.push({ metric, at: col });
  }
  const userAt = USER_HEADERS.map((n) => offset.get(n)).find((v) => v !== undefined);
  const commOnly = !hasCommand ? offset.get('COMM') : undefined;
  return { offset, commandAt: hasCommand ? at : (commOnly ?? -1), hasCommand, metrics, userAt, pidAt, lwpAt: offset.get('LWP') };
}

/** The process name for labels: basename of an absolute path, kernel threads kept in brackets. */
export function commOf(command: string): string {
  // Only the first token (after auxf's tree art) matters: found in place, the long command lines of ps auxww are not split.
  const n = command.length;
  let i = 0;
  let start = 0;
  for (;;) {
    while (i < n && isBlank(command.charCodeAt(i))) i++;
    start = i;
    while (i < n && !isBlank(command.charCodeAt(i))) i++;
    // auxf draws the tree with "|" and "\_" tokens in front of the command.
    const len = i - start;
    const c = command.charCodeAt(start);
    if (!((len === 1 && c === 124) || (len === 2 && c === 92 && command.charCodeAt(start + 1) === 95))) break;
  }
  const first = command.slice(start, i);
  if (first.startsWith('[')) {
    // "[kworker/u8:2-flush-252:0]", or a bracketed name with blanks (read as single spaces)
    const close = command.indexOf(']', start);
    return close > 0 ? command.slice(start, close + 1).replace(/[ \t]+/g, ' ') : first;
  }
  let name = first;
  // Only paths lose their directory: with ps c, "ksoftirqd/0" is the whole name.
  if (name.startsWith('/') || name.startsWith('./') || name.startsWith('../')) name = name.slice(name.lastIndexOf('/') + 1);
  if (name.length > 1 && name.endsWith(':')) name = name.slice(0, -1);
  return name;
}

function describe(header: string[]): string {
  const has = (n: string): boolean => header.includes(n);
  if (has('WCHAN') && has('F') && has('VSZ')) return 'ps alx';
  if (has('USER') && has('%CPU') && has('RSS')) return 'ps aux';
  if (has('SZ') && has('C') && has('F')) return 'ps -elf';
  if (has('STIME') && has('C')) return 'ps -ef';
  return `ps -o ${header.join(',').toLowerCase()}`;
}

export const ps: SourceParser = {
  id: 'ps',
  title: 'process list (ps)',
  paths: [/^ps$/, /^sos_commands\/process\/ps_[^/]*$/, /^insights_commands\/ps_[^/]*$/],
  sniff(head: string): boolean {
    const first = head.split('\n', 3).find((l) => l.trim().length > 0);
    if (first === undefined) return false;
    const h = fields(first);
    const last = h[h.length - 1] ?? '';
    return (
      h.includes('PID') &&
      (COMMAND_HEADERS.has(last) || last === 'COMM') &&
      (h.includes('RSS') || h.includes('VSZ') || h.includes('%CPU') || h.includes('PPID'))
    );
  },
  create(ctx, sink: RecordSink): LineParser {
    const timeBase: TimeBase = ctx.fileTime === undefined ? 'collected' : 'local';
    const t = ctx.fileTime ?? 0;
    let layout: Layout | null = null;
    let failed = false;
    let wanted: { metric: string; at: number }[] = [];
    let short = 0;
    let firstShort = 0;
    let rowRe: RegExp | null = null;
    let groupOf: Int32Array = new Int32Array(0);
    return {
      push(line: string, lineNo: number): void {
        if (failed) return;
        if (layout === null) {
          if (line.trim().length === 0) return;
          // The top-level ps symlink, flattened by a copy into a file holding its target's path.
          if (symlinkStandIn(line) !== null) {
            failed = true;
            sink.diagnostic(lineNo, 'info', `stand-in for a symlink to ${line.trim()}; the target is read instead`);
            return;
          }
          const header = fields(line);
          layout = layoutOf(header);
          if (layout === null) {
            failed = true;
            sink.diagnostic(lineNo, 'warning', 'no ps header with a PID column; the file was not read');
            return;
          }
          sink.format(describe(header));
          wanted = layout.metrics.filter((m) => sink.wants(m.metric));
          if (layout.hasCommand) {
            const read = new Set([layout.pidAt, ...wanted.map((w) => w.at)]);
            if (layout.lwpAt !== undefined) read.add(layout.lwpAt);
            if (layout.userAt !== undefined) read.add(layout.userAt);
            ({ re: rowRe, groupOf } = leadingPattern(layout.commandAt, read));
          }
          if (layout.metrics.length === 0) sink.diagnostic(lineNo, 'info', 'this ps output has no RSS, VSZ, %CPU or %MEM column; nothing to sample');
          return;
        }
        if (wanted.length === 0) return;
        const lo = layout;
        // The columns before the command are read by one regular expression (native
        // code; the command, kilobytes with ps auxww, is not split; only the columns
        // used are captured); a row it does not match has fewer tokens: blank or short.
        const m = rowRe === null ? null : rowRe.exec(line);
        const f = m === null ? fields(line) : null;
        const count = m === null ? (f as string[]).length : lo.commandAt;
        if (count === 0) return;
        const pidText = tokenAt(m, f, groupOf, lo.pidAt);
        // ps m / -L rows for threads: PID "-" or a LWP that is not the thread-group leader.
        if (pidText === '-') return;
        if (lo.lwpAt !== undefined && tokenAt(m, f, groupOf, lo.lwpAt) !== pidText) return;
        const pid = Number(pidText);
        if (!Number.isInteger(pid) || pid < 0 || count < (lo.hasCommand ? lo.commandAt : lo.offset.size)) {
          short++;
          if (firstShort === 0) firstShort = lineNo;
          return;
        }
        let comm = '';
        if (lo.commandAt >= 0) {
          // With a command column, only a matched row gets here (the others are short): the command follows the match.
          if (lo.hasCommand) comm = m === null ? '' : commOf(line.slice(m[0].length));
          else comm = tokenAt(m, f, groupOf, lo.commandAt) ?? '';
        }
        const labels: Record<string, string> = { pid: String(pid), comm };
        if (lo.userAt !== undefined) labels.user = tokenAt(m, f, groupOf, lo.userAt) ?? '';
        for (const w of wanted) {
          const v = num(tokenAt(m, f, groupOf, w.at));
          if (Number.isFinite(v)) sink.sample(w.metric, labels, timeBase, t, v, lineNo);
        }
      },
      end(): void {
        if (short > 0) sink.diagnostic(firstShort, 'warning', `${short} ps row(s) without a numeric PID or with too few columns were skipped`);
      },
    };
  },
};

/**
 * The first `n` blank-separated tokens of a line; only the tokens in `wanted`
 * are captured (the others would be strings nobody reads: 7 of 10 per row of
 * ps aux). groupOf[k] is token k's group, 0 when it is not captured.
 */
function leadingPattern(n: number, wanted: ReadonlySet<number>): { re: RegExp; groupOf: Int32Array } {
  const groupOf = new Int32Array(n);
  let group = 0;
  let src = '^[ \\t]*';
  for (let k = 0; k < n; k++) {
    if (k > 0) src += '[ \\t]+';
    if (wanted.has(k)) {
      groupOf[k] = ++group;
      src += '([^ \\t]+)';
    } else src += '[^ \\t]+';
  }
  return { re: new RegExp(src), groupOf };
}

/** Token k of a row: its capture group when the row pattern matched, else the split fields. */
function tokenAt(m: RegExpExecArray | null, f: string[] | null, groupOf: Int32Array, k: number): string | undefined {
  return m !== null ? m[groupOf[k] as number] : f?.[k];
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}
