/**
 * vmstat output (plain, -t, -w, -a), an attachment customers make: sos does
 * not run the command.
 * Format: vmstat(8) https://man7.org/linux/man-pages/man8/vmstat.8.html and
 * procps-ng's vmstat.c (https://gitlab.com/procps-ng/procps/-/blob/master/src/vmstat.c).
 *
 * Columns are mapped by the names in the second header line, so -a
 * (inact/active for buff/cache), -w (wider spacing) and newer procps columns
 * (gu) need no special case. -t appends `YYYY-MM-DD HH:MM:SS` and names the
 * zone in the header. Without -t rows carry no time and are not emitted.
 */
import type { Labels, TimeBase } from '../model.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields, num } from './util.js';

const COLUMNS: Record<string, [string, number]> = {
  r: ['load.runQueue', 1],
  b: ['load.blocked', 1],
  swpd: ['swap.usedKiB', 1],
  free: ['mem.freeKiB', 1],
  buff: ['mem.buffersKiB', 1],
  cache: ['mem.cachedKiB', 1],
  inact: ['mem.inactiveKiB', 1],
  active: ['mem.activeKiB', 1],
  // si/so are KiB/s; swap traffic is counted in 4 KiB pages elsewhere (sar -W).
  si: ['swap.inPagesPerSec', 0.25],
  so: ['swap.outPagesPerSec', 0.25],
  // vmstat blocks are 1 KiB (procps reports /proc/vmstat pgpgin/pgpgout).
  bi: ['io.readKBps', 1],
  bo: ['io.writeKBps', 1],
  in: ['intr.perSec', 1],
  cs: ['task.cswchPerSec', 1],
  us: ['cpu.userPct', 1],
  sy: ['cpu.systemPct', 1],
  id: ['cpu.idlePct', 1],
  wa: ['cpu.iowaitPct', 1],
  st: ['cpu.stealPct', 1],
  gu: ['cpu.guestPct', 1],
};

const CPU_METRIC = /^cpu\./;
/** Gauges read from /proc/meminfo, which change on any live host from one row to the next. */
const MEMORY_COLUMNS = new Set(['swpd', 'free', 'buff', 'cache', 'inact', 'active']);
/** Rows of identical memory columns past which they are taken as frozen, not as a still host. */
const FROZEN_MIN_ROWS = 12;

interface HeldSample {
  metric: string;
  base: TimeBase;
  t: number;
  v: number;
  line: number;
}
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})$/;

export const vmstat: SourceParser = {
  id: 'vmstat',
  title: 'vmstat (attachment)',
  paths: [],
  sniff(head: string): boolean {
    return /^procs -+/.test(head) && /^\s*r\s+b\s+swpd\s/m.test(head);
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    return new VmstatParser(ctx, sink);
  },
};

class VmstatParser implements LineParser {
  private cols: string[] | null = null;
  private timestamped = false;
  private zone: string | null = null;
  private seenData = false;
  private warnedNoTime = false;
  private problems = 0;
  /** memory-column samples, held until end() can tell whether they ever changed */
  private held: HeldSample[] = [];
  private memRows = 0;
  private firstMem: string | null = null;
  private memChanged = false;

  constructor(
    readonly ctx: ParseContext,
    private readonly sink: RecordSink,
  ) {}

  push(line: string, lineNo: number): void {
    const f = fields(line);
    if (f.length === 0) return;
    const head = f[0] ?? '';
    if (head === 'procs') {
      this.timestamped = line.includes('timestamp');
      return;
    }
    if (head === 'r' && f[1] === 'b') {
      const cols = f.slice();
      if (this.timestamped) {
        // The zone name (EST, UTC, CEST) closes the header under -----timestamp-----.
        const last = cols[cols.length - 1] ?? '';
        if (!(last in COLUMNS)) {
          // Say which zone the times are in; the timeline resolves it or asks for --tz, never guesses.
          if (this.zone === null) this.sink.fact('time.zone', last, lineNo);
          this.zone = last;
          cols.pop();
        }
      }
      this.cols = cols;
      return;
    }
    if (!this.cols) return;
    const c = head.charCodeAt(0);
    if (c < 48 || c > 57) {
      this.problem(lineNo, 'line is neither a vmstat header nor a data row: skipped');
      return;
    }
    this.row(f, lineNo);
  }

  end(): void {
    const form = this.timestamped ? `vmstat -t${this.zone ? ` (${this.zone})` : ''}` : 'vmstat without -t';
    const kind = this.cols?.includes('inact') ? ', -a' : '';
    this.sink.format(form + kind);
    if (this.memRows >= FROZEN_MIN_ROWS && !this.memChanged) {
      // procps-ng 4.0.2 (Debian 12) was seen to print the first meminfo reading on every row
      // of `vmstat -t 5` while swap traffic ran; such columns would hide the real memory curve.
      this.sink.diagnostic(
        undefined,
        'warning',
        `memory columns (swpd free buff cache) are identical on all ${this.memRows} rows, which a live host never shows: this vmstat did not refresh them, so they were not used`,
      );
    } else {
      for (const h of this.held) this.sink.sample(h.metric, NONE, h.base, h.t, h.v, h.line);
    }
    this.held = [];
  }

  private row(f: string[], lineNo: number): void {
    const cols = this.cols ?? [];
    const expected = cols.length + (this.timestamped ? 2 : 0);
    if (f.length !== expected) {
      this.problem(lineNo, `row has ${f.length} fields where ${expected} were expected (numbers run together?): skipped`);
      return;
    }
    if (!this.seenData) {
      // vmstat's first row averages everything since boot.
      this.seenData = true;
      this.sink.diagnostic(lineNo, 'info', 'first vmstat row holds since-boot averages: skipped');
      return;
    }
    if (!this.timestamped) {
      if (!this.warnedNoTime) {
        this.warnedNoTime = true;
        this.sink.diagnostic(lineNo, 'warning', 'vmstat without -t: rows carry no time and the interval is unknown, so no samples were taken');
      }
      return;
    }
    const d = DATE.exec(f[cols.length] ?? '');
    const tm = TIME.exec(f[cols.length + 1] ?? '');
    if (!d || !tm) {
      this.problem(lineNo, 'timestamp column is not YYYY-MM-DD HH:MM:SS: row skipped');
      return;
    }
    const t = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(tm[1]), Number(tm[2]), Number(tm[3]));
    const z = (this.zone ?? '').toUpperCase();
    // vmstat -t prints local time; only a UTC zone name makes it absolute.
    const base: TimeBase = z === 'UTC' || z === 'GMT' ? 'utc' : 'local';
    const mem = cols.map((c, i) => (MEMORY_COLUMNS.has(c) ? f[i] : '')).join(' ');
    this.memRows++;
    if (this.firstMem === null) this.firstMem = mem;
    else if (mem !== this.firstMem) this.memChanged = true;
    for (let i = 0; i < cols.length; i++) {
      const m = COLUMNS[cols[i] ?? ''];
      if (!m || !this.sink.wants(m[0])) continue;
      const v = num(f[i]) * m[1];
      if (Number.isNaN(v) || v < 0) {
        this.problem(lineNo, `${cols[i]} value ${f[i]} is not a count: skipped`);
        continue;
      }
      if (MEMORY_COLUMNS.has(cols[i] ?? '')) this.held.push({ metric: m[0], base, t, v, line: lineNo });
      else this.sink.sample(m[0], CPU_METRIC.test(m[0]) ? ALL_CPUS : NONE, base, t, v, lineNo);
    }
  }

  private problem(lineNo: number, message: string): void {
    this.problems++;
    if (this.problems <= 50) this.sink.diagnostic(lineNo, 'warning', message);
  }
}

const ALL_CPUS: Labels = { cpu: 'all' };
const NONE: Labels = {};
