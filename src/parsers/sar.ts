/**
 * sar text, as `sar -A` (or any subset of sections) prints it.
 * Format: sar(1) https://man7.org/linux/man-pages/man1/sar.1.html and the
 * printing code in sysstat's pr_stats.c / rndr_stats.c
 * (https://github.com/sysstat/sysstat/blob/master/pr_stats.c).
 *
 * Layout: a `Linux <kernel> (<host>) <date> _<arch>_ (<n> CPU)` header, then
 * sections, each a header row (time + column names) and data rows (time +
 * values). Column sets changed many times between sysstat versions, so every
 * value is mapped by its column NAME. Also exports the date/clock helpers that
 * iostat shares (same header line, same locale-dependent date forms).
 */
import type { Labels, TimeBase } from '../model.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields, num } from './util.js';

// ---------------------------------------------------------------------------
// Shared sysstat helpers (also used by iostat.ts)
// ---------------------------------------------------------------------------

/** How the day and month are ordered in a slash date; 'ymd' for ISO-like forms. */
export type DateOrder = 'mdy' | 'dmy' | 'ymd';

/** A date as written in a sysstat header, possibly with an undecided day/month order. */
export interface SysstatDate {
  year: number;
  /** first and second numeric parts after reordering to the written order */
  a: number;
  b: number;
  /** 'slash' when MM/DD vs DD/MM is not written in the form itself */
  order: DateOrder | 'slash';
  /** e.g. MM/DD/YY, DD.MM.YYYY, YYYY-MM-DD */
  pattern: string;
}

const SLASH_OR_DOT = /^(\d{1,4})([/.-])(\d{1,2})[/.-](\d{2,4})$/;
const CJK_DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/;

function fullYear(y: number, digits: number): number {
  if (digits > 2) return y;
  // sysstat prints %y: two digits; pre-1970 dates never appear in sa files.
  return y < 70 ? 2000 + y : 1900 + y;
}

/** Parses one date token as sysstat prints it in any locale; null when it is not a date. */
export function parseSysstatDate(tok: string): SysstatDate | null {
  const cjk = CJK_DATE.exec(tok);
  if (cjk) return { year: Number(cjk[1]), a: Number(cjk[2]), b: Number(cjk[3]), order: 'ymd', pattern: 'YYYY年MM月DD日' };
  const m = SLASH_OR_DOT.exec(tok);
  if (!m) return null;
  const p1 = m[1] ?? '';
  const sep = m[2] ?? '';
  const p2 = Number(m[3]);
  const p3 = m[4] ?? '';
  if (p1.length === 4) {
    // YYYY-MM-DD (ISO, what sar prints with S_TIME_FORMAT=ISO) or YYYY/MM/DD (ja_JP).
    return { year: Number(p1), a: p2, b: Number(p3), order: 'ymd', pattern: `YYYY${sep}MM${sep}DD` };
  }
  if (p3.length !== 2 && p3.length !== 4) return null;
  const year = fullYear(Number(p3), p3.length);
  const yPat = p3.length === 4 ? 'YYYY' : 'YY';
  // German and most other European locales print DD.MM.YYYY; the dot is never month-first.
  if (sep === '.') return { year, a: Number(p1), b: p2, order: 'dmy', pattern: `DD.MM.${yPat}` };
  if (sep === '-') return { year, a: Number(p1), b: p2, order: 'dmy', pattern: `DD-MM-${yPat}` };
  const a = Number(p1);
  const order = slashOrder(a, p2);
  return { year, a, b: p2, order: order ?? 'slash', pattern: order === 'dmy' ? `DD/MM/${yPat}` : `MM/DD/${yPat}` };
}

/** MM/DD vs DD/MM from the values alone: decided only when one part exceeds 12. */
export function slashOrder(a: number, b: number): 'mdy' | 'dmy' | null {
  if (a > 12 && b <= 12) return 'dmy';
  if (b > 12 && a <= 12) return 'mdy';
  return null;
}

/** The midnight (local wall clock, encoded as UTC) of a date, or null when the parts are not a real date. */
export function dayStart(d: SysstatDate, order: DateOrder): number | null {
  let month: number;
  let day: number;
  if (order === 'dmy') {
    day = d.a;
    month = d.b;
  } else {
    month = d.a;
    day = d.b;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const t = Date.UTC(d.year, month - 1, day);
  // Reject 31/02 style dates that Date.UTC would roll into the next month.
  if (new Date(t).getUTCDate() !== day) return null;
  return t;
}

export function datePattern(d: SysstatDate, order: DateOrder): string {
  if (d.order !== 'slash') return d.pattern;
  return d.pattern.replace(/^(MM\/DD|DD\/MM)/, order === 'dmy' ? 'DD/MM' : 'MM/DD');
}

/** A time of day read from one or two tokens. */
export interface ClockRead {
  sec: number;
  /** index of the first token after the time */
  next: number;
  twelveHour: boolean;
}

const HMS = /^(\d{1,2}):(\d{2}):(\d{2})$/;
const CJK_HMS = /^(\d{1,2})時(\d{2})分(\d{2})秒$/;

/**
 * Reads a time of day at tokens[i]: `13:05:01`, `01:05:01 PM`, `00時00分01秒`.
 * 12-hour clocks wrap at 12: 12:00:01 AM is 00:00:01 and 12:10:01 PM is 12:10:01.
 */
export function readClock(tokens: readonly string[], i: number): ClockRead | null {
  const tok = tokens[i];
  if (tok === undefined) return null;
  let h: number;
  let mi: number;
  let s: number;
  if (tok.length === 8 && tok.charCodeAt(2) === 58 && tok.charCodeAt(5) === 58) {
    // Fast path for the usual HH:MM:SS: this runs once per row of multi-million-line files.
    h = twoDigits(tok, 0);
    mi = twoDigits(tok, 3);
    s = twoDigits(tok, 6);
    if (Number.isNaN(h) || Number.isNaN(mi) || Number.isNaN(s)) return null;
  } else {
    const m = HMS.exec(tok) ?? CJK_HMS.exec(tok);
    if (!m) return null;
    h = Number(m[1]);
    mi = Number(m[2]);
    s = Number(m[3]);
  }
  if (h > 23 || mi > 59 || s > 60) return null;
  const ampm = tokens[i + 1];
  if (ampm !== undefined && ampm.length === 2) {
    const up = ampm.toUpperCase();
    if (up === 'AM' || up === 'PM') {
      if (h > 12 || h === 0) return null;
      h = (h % 12) + (up === 'PM' ? 12 : 0);
      return { sec: h * 3600 + mi * 60 + s, next: i + 2, twelveHour: true };
    }
  }
  return { sec: h * 3600 + mi * 60 + s, next: i + 1, twelveHour: false };
}

function twoDigits(tok: string, at: number): number {
  const a = tok.charCodeAt(at) - 48;
  const b = tok.charCodeAt(at + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return NaN;
  return a * 10 + b;
}

/** Facts and date from a `Linux 5.14.0 (host) \t06/30/2019 \t_x86_64_\t(4 CPU)` header. */
export interface SysstatHeader {
  kernel: string;
  hostname: string | null;
  date: SysstatDate | null;
  arch: string | null;
  cpus: number | null;
}

export function parseSysstatHeader(line: string): SysstatHeader | null {
  if (!line.startsWith('Linux ')) return null;
  const f = fields(line);
  const kernel = f[1];
  if (kernel === undefined) return null;
  let hostname: string | null = null;
  let date: SysstatDate | null = null;
  let arch: string | null = null;
  let cpus: number | null = null;
  for (let i = 2; i < f.length; i++) {
    const tok = f[i] ?? '';
    if (hostname === null && tok.startsWith('(') && tok.endsWith(')') && i === 2) hostname = tok.slice(1, -1);
    else if (tok.length > 2 && tok.startsWith('_') && tok.endsWith('_')) arch = tok.slice(1, -1);
    else if (tok.startsWith('(') && f[i + 1] === 'CPU)') {
      const n = Number(tok.slice(1));
      if (Number.isInteger(n) && n > 0) cpus = n;
    } else if (date === null) date = parseSysstatDate(tok);
  }
  return { kernel, hostname, date, arch, cpus };
}

/**
 * Parses a sysstat value: C or comma-decimal locale, and the suffixed forms
 * `sar -h` prints (82.9%, 1.4G, 396.0k, 0.0B). Sizes in -h output are scaled
 * from the column's kB base, so k is 1 and B is 1/1024.
 */
export function sysstatValue(tok: string): number {
  const n = Number(tok);
  if (!Number.isNaN(n)) return n;
  const last = tok.charCodeAt(tok.length - 1);
  let factor = 0;
  switch (last) {
    case 37: // %
      factor = 1;
      break;
    case 66: // B
      factor = 1 / 1024;
      break;
    case 107: // k
      factor = 1;
      break;
    case 77: // M
      factor = 1024;
      break;
    case 71: // G
      factor = 1024 * 1024;
      break;
    case 84: // T
      factor = 1024 * 1024 * 1024;
      break;
    case 80: // P
      factor = 1024 * 1024 * 1024 * 1024;
      break;
    default:
      return num(tok);
  }
  return num(tok.slice(0, -1)) * factor;
}

function looksNumeric(tok: string): boolean {
  const c = tok.charCodeAt(0);
  if (c >= 48 && c <= 57) return true;
  if (c === 45 || c === 43 || c === 46) {
    const d = tok.charCodeAt(1);
    return d >= 48 && d <= 57;
  }
  return false;
}

// Rows nobody wants are most of a big file (per-CPU rows of a 64-CPU host,
// per-IRQ sections): they are recognised by a regular expression on their
// first tokens, which runs in native code from the first row on. Header,
// restart and comment lines never have a number where these look. A 12-hour
// AM/PM token after the clock is stepped over (atomically: the lookahead).
const AFTER_CLOCK = '^[^ \\t]+[ \\t]+(?=((?:AM|PM|am|pm)[ \\t]+)?)\\1';
const NUMERIC = '[-+.]?\\d';
/** The key column looks numeric: a per-CPU row. */
const NUMERIC_KEY = new RegExp(AFTER_CLOCK + NUMERIC);
/** The column after the first looks numeric: a data row. */
const NUMERIC_SECOND = new RegExp(`${AFTER_CLOCK}[^ \\t]+[ \\t]+${NUMERIC}`);

/**
 * A section's data row as one regular expression: a valid 24-hour
 * `HH:MM:SS`, then exactly `width` blank-separated tokens, the first not a
 * 12-hour AM/PM, LINUX (RESTART) or COM(MENT) and the first or second
 * numeric (a header has no number), capturing the first and the planned
 * columns. Rows it does not match go the general way. The engine scans the
 * line in native code, which beats a character loop in JavaScript, above all
 * before the JIT has warmed up. Cached by shape: every file repeats its sections.
 */
const ROW_PATTERNS = new Map<string, RowPattern>();

interface RowPattern {
  re: RegExp;
  /** capture group of each planned column, in plan order */
  groups: Int32Array;
}

function rowPattern(width: number, plan: readonly PlannedColumn[]): RowPattern {
  const shape = `${width}:${plan.map((p) => p.idx).join(',')}`;
  let pat = ROW_PATTERNS.get(shape);
  if (pat) return pat;
  const blank = '[ \\t]';
  const token = '[^ \\t]+';
  const end = `(?:${blank}|$)`;
  let src = `^(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)${blank}+`;
  src += `(?![AaPp][Mm]${end}|LINUX${end}|COM${end})(?=${NUMERIC}|${token}${blank}+${NUMERIC})`;
  const groupOf = new Map<number, number>();
  let group = 0;
  for (let i = 0; i < width; i++) {
    if (i > 0) src += `${blank}+`;
    const captured = i === 0 || plan.some((p) => p.idx === i);
    src += captured ? `(${token})` : token;
    if (captured) groupOf.set(i, ++group);
  }
  src += `${blank}*$`;
  pat = { re: new RegExp(src), groups: Int32Array.from(plan, (p) => groupOf.get(p.idx) ?? 0) };
  ROW_PATTERNS.set(shape, pat);
  return pat;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A plain `[-]digits[.digits]` value of at most 15 digits, read in place: the
 * integer of its digits divided by a power of ten is exact on both sides, so
 * IEEE division rounds it to the same double as Number(). NaN for any other
 * form (locale commas, -h suffixes, exponents), which the caller hands to
 * sysstatValue().
 */
function plainDecimal(line: string, start: number, end: number): number {
  let i = start;
  let neg = false;
  if (line.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let int = 0;
  let digits = 0;
  let frac = -1;
  for (; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      int = int * 10 + (c - 48);
      digits++;
    } else if (c === 46 && frac < 0) frac = 0;
    else return NaN;
    if (frac >= 0 && c !== 46) frac++;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac > 0 ? int / (POW10[frac] ?? NaN) : int;
  return neg ? -v : v;
}

/** Largest per-second rate or level believed: beyond it the value is a counter wrap (sysstat #259). */
export const ABSURD_VALUE = 1e12;

// ---------------------------------------------------------------------------
// Column maps
// ---------------------------------------------------------------------------

interface ColumnMap {
  metric: string;
  /** multiply the printed value by this to reach the metric's unit */
  scale: number;
}

const col = (metric: string, scale = 1): ColumnMap => ({ metric, scale });

const CPU_COLUMNS: Record<string, ColumnMap> = {
  '%usr': col('cpu.userPct'),
  '%user': col('cpu.userPct'),
  '%nice': col('cpu.nicePct'),
  '%sys': col('cpu.systemPct'),
  '%system': col('cpu.systemPct'),
  '%iowait': col('cpu.iowaitPct'),
  '%steal': col('cpu.stealPct'),
  '%idle': col('cpu.idlePct'),
  '%irq': col('cpu.irqPct'),
  '%soft': col('cpu.softPct'),
  '%guest': col('cpu.guestPct'),
};

// Sectors are 512 bytes: sysstat < 11.5 printed sectors (rd_sec/s, avgrq-sz), later kB.
const DISK_COLUMNS: Record<string, ColumnMap> = {
  tps: col('disk.tps'),
  'rd_sec/s': col('disk.readKBps', 0.5),
  'wr_sec/s': col('disk.writeKBps', 0.5),
  'rkB/s': col('disk.readKBps'),
  'wkB/s': col('disk.writeKBps'),
  'dkB/s': col('disk.discardKBps'),
  'avgrq-sz': col('disk.reqSizeKB', 0.5),
  'areq-sz': col('disk.reqSizeKB'),
  'avgqu-sz': col('disk.queueDepth'),
  'aqu-sz': col('disk.queueDepth'),
  await: col('disk.awaitMs'),
  r_await: col('disk.readAwaitMs'),
  w_await: col('disk.writeAwaitMs'),
  svctm: col('disk.svctmMs'),
  '%util': col('disk.utilPct'),
};

const NET_COLUMNS: Record<string, ColumnMap> = {
  'rxpck/s': col('net.rxPackets'),
  'txpck/s': col('net.txPackets'),
  'rxkB/s': col('net.rxKBps'),
  'txkB/s': col('net.txKBps'),
  '%ifutil': col('net.utilPct'),
  'rxerr/s': col('net.rxErrPerSec'),
  'txerr/s': col('net.txErrPerSec'),
  'rxdrop/s': col('net.rxDropPerSec'),
  'txdrop/s': col('net.txDropPerSec'),
};

/** Sections without a key column: -q -r -S -W -B -H -b -w -v. */
const PLAIN_COLUMNS: Record<string, ColumnMap> = {
  'runq-sz': col('load.runQueue'),
  'plist-sz': col('load.plistSize'),
  'ldavg-1': col('load.avg1'),
  'ldavg-5': col('load.avg5'),
  'ldavg-15': col('load.avg15'),
  blocked: col('load.blocked'),
  kbmemfree: col('mem.freeKiB'),
  kbavail: col('mem.availableKiB'),
  kbmemused: col('mem.usedKiB'),
  '%memused': col('mem.usedPct'),
  kbbuffers: col('mem.buffersKiB'),
  kbcached: col('mem.cachedKiB'),
  kbcommit: col('mem.commitKiB'),
  '%commit': col('mem.commitPct'),
  kbactive: col('mem.activeKiB'),
  kbinact: col('mem.inactiveKiB'),
  kbdirty: col('mem.dirtyKiB'),
  kbanonpg: col('mem.anonPagesKiB'),
  kbslab: col('mem.slabKiB'),
  kbkstack: col('mem.kernelStackKiB'),
  kbpgtbl: col('mem.pageTablesKiB'),
  kbvmused: col('mem.vmallocUsedKiB'),
  kbshmem: col('mem.shmemKiB'),
  kbswpfree: col('swap.freeKiB'),
  kbswpused: col('swap.usedKiB'),
  '%swpused': col('swap.usedPct'),
  kbswpcad: col('swap.cachedKiB'),
  'pswpin/s': col('swap.inPagesPerSec'),
  'pswpout/s': col('swap.outPagesPerSec'),
  'pgpgin/s': col('paging.pginKBps'),
  'pgpgout/s': col('paging.pgoutKBps'),
  'fault/s': col('paging.faultPerSec'),
  'majflt/s': col('paging.majfltPerSec'),
  'pgfree/s': col('paging.pgfreePerSec'),
  'pgscank/s': col('paging.pgscankPerSec'),
  'pgscand/s': col('paging.pgscandPerSec'),
  'pgsteal/s': col('paging.pgstealPerSec'),
  '%vmeff': col('paging.vmeffPct'),
  kbhugfree: col('hugepages.freeKiB'),
  kbhugused: col('hugepages.usedKiB'),
  '%hugused': col('hugepages.usedPct'),
  kbhugrsvd: col('hugepages.reservedKiB'),
  kbhugsurp: col('hugepages.surplusKiB'),
  tps: col('io.tps'),
  rtps: col('io.readTps'),
  wtps: col('io.writeTps'),
  dtps: col('io.discardTps'),
  // -b counts 512-byte blocks.
  'bread/s': col('io.readKBps', 0.5),
  'bwrtn/s': col('io.writeKBps', 0.5),
  'bdscd/s': col('io.discardKBps', 0.5),
  'proc/s': col('task.procPerSec'),
  'cswch/s': col('task.cswchPerSec'),
  dentunusd: col('kernel.dentryUnused'),
  'file-nr': col('kernel.fileHandles'),
  'file-sz': col('kernel.fileHandles'),
  'inode-nr': col('kernel.inodes'),
  'inode-sz': col('kernel.inodes'),
  'pty-nr': col('kernel.ptys'),
  // -q CPU,IO,MEM (sysstat >= 12.3.3): the share of the interval some (or, full, all) tasks stalled; the -10/-60/-300 columns are the kernel's running averages.
  '%scpu': col('pressure.cpu.somePct'),
  '%sio': col('pressure.io.somePct'),
  '%fio': col('pressure.io.fullPct'),
  '%smem': col('pressure.memory.somePct'),
  '%fmem': col('pressure.memory.fullPct'),
};

interface PlannedColumn {
  idx: number;
  metric: string;
  scale: number;
}

interface Section {
  /** the column names after the time, joined: identifies the section across repeats */
  signature: string;
  width: number;
  keyIdx: number;
  labelName: string | null;
  isCpu: boolean;
  plan: PlannedColumn[];
  tracker: DayTracker;
  /** per-CPU rows are not wanted: they are passed over on their key alone */
  skipPerCpu: boolean;
  /** no column is wanted: its data rows are passed over */
  empty: boolean;
  /** the labels of each key value (one object per value for the whole file: the store predicts series by identity) */
  keyLabels: Map<string, Labels> | null;
  /** fastRow()'s pattern; null when nothing is planned */
  pattern: RowPattern | null;
}

/** Day offset of one section's rows: a time going backwards means midnight passed. */
interface DayTracker {
  last: number;
  day: number;
}

const KEYS: Record<string, { label: string; columns: Record<string, ColumnMap> }> = {
  CPU: { label: 'cpu', columns: CPU_COLUMNS },
  DEV: { label: 'device', columns: DISK_COLUMNS },
  IFACE: { label: 'iface', columns: NET_COLUMNS },
};

const MAX_ROW_DIAGNOSTICS = 50;
const MAX_BUFFERED_LINES = 500_000;

const SAR_SECTION_HEAD =
  /^\d{2}:\d{2}:\d{2}(?: [AP]M)?[ \t]+(?:CPU|LINUX RESTART|proc\/s|runq-sz|kbmemfree|IFACE|DEV|pgpgin\/s|tps|kbswpfree|INTR|pswpin\/s)\b/m;

export const sar: SourceParser = {
  id: 'sar',
  title: 'sar text (sysstat)',
  paths: [/^sos_commands\/sar\/sar\d{2,8}$/, /^var\/log\/sa\/sar\d{2,8}$/, /^var\/log\/sysstat\/sar\d{2,8}$/],
  sniff(head: string): boolean {
    if (!head.startsWith('Linux ')) return false;
    const nl = head.indexOf('\n');
    const h = parseSysstatHeader(nl < 0 ? head : head.slice(0, nl));
    if (!h || !h.date) return false;
    // iostat shares the header line; its body never has sar's timed section heads.
    if (head.includes('avg-cpu:')) return false;
    return SAR_SECTION_HEAD.test(head);
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    return new SarParser(ctx, sink);
  },
};

/** The day of month the file name carries (sos names sar text after the sa file: sarDD, sarYYYYMMDD). */
function dayFromName(ctx: ParseContext): number | null {
  const base = ctx.path.slice(ctx.path.lastIndexOf('/') + 1);
  const m = /^sar(\d{2}|\d{8})$/.exec(base);
  if (m) return Number((m[1] ?? '').slice(-2));
  if (ctx.fileTime !== undefined) return new Date(ctx.fileTime).getUTCDate();
  return null;
}

class SarParser implements LineParser {
  private order: 'mdy' | 'dmy' | null = null;
  private buffered: [string, number][] | null = null;
  private base: number | null = null;
  private section: Section | null = null;
  private trackers = new Map<string, DayTracker>();
  private defaultTracker: DayTracker = { last: -1, day: 0 };
  /** labels objects by label name, then key value */
  private labelCache = new Map<string, Map<string, Labels>>();
  private boots = new Set<number>();
  private facts = new Set<string>();
  private twelveHour = false;
  private patterns = new Set<string>();
  private rowDiagnostics = 0;
  private sawHeader = false;
  private warnedNoDate = false;
  private readonly wantsPerCpu: boolean;

  constructor(
    private readonly ctx: ParseContext,
    private readonly sink: RecordSink,
  ) {
    this.wantsPerCpu = sink.wants('cpu.percpu');
  }

  push(line: string, lineNo: number): void {
    if (this.buffered) {
      this.buffered.push([line, lineNo]);
      if (line.startsWith('Linux ')) {
        const d = parseSysstatHeader(line)?.date;
        if (d && d.order !== 'slash' && d.order !== 'ymd') this.resolve(d.order, null);
        else if (this.buffered.length > MAX_BUFFERED_LINES) this.resolve('mdy', lineNo);
      } else if (this.buffered.length > MAX_BUFFERED_LINES) this.resolve('mdy', lineNo);
      return;
    }
    this.handle(line, lineNo);
  }

  end(): void {
    if (this.buffered) this.resolve('mdy', undefined);
    if (!this.sawHeader) this.sink.diagnostic(undefined, 'warning', 'no "Linux ..." sar header line: rows have no date and were skipped');
    const clock = this.twelveHour ? '12-hour' : '24-hour';
    const pats = [...this.patterns].join(' + ') || 'no date';
    this.sink.format(`sar, ${clock}, ${pats}`);
  }

  /** Decides MM/DD vs DD/MM and replays the lines held while it was open. */
  private resolve(order: 'mdy' | 'dmy', defaultedAt: number | undefined | null): void {
    const lines = this.buffered ?? [];
    this.buffered = null;
    this.order = order;
    if (defaultedAt !== null) {
      this.sink.diagnostic(
        defaultedAt ?? lines[0]?.[1],
        'info',
        'header date could be MM/DD or DD/MM and nothing in the file decides: read as MM/DD (the C locale form)',
      );
    }
    for (const [l, n] of lines) this.handle(l, n);
  }

  private handle(line: string, lineNo: number): void {
    if (line.length === 0) return;
    const c = line.charCodeAt(0);
    // Rows start with a time; Average:/Summary/Durchschn.: and other locale words are skipped.
    if (c < 48 || c > 57) {
      if (c === 76 && line.startsWith('Linux ')) this.header(line, lineNo);
      return;
    }
    const s = this.section;
    if (s !== null) {
      // Unwanted rows (see NUMERIC_KEY) do not move the day tracker; the other rows of their section do.
      if (s.skipPerCpu && NUMERIC_KEY.test(line)) return;
      if (s.empty) {
        if (NUMERIC_SECOND.test(line)) return;
      } else if (this.fastRow(line, lineNo, s)) return;
    }
    const f = fields(line);
    const clock = readClock(f, 0);
    if (!clock) return;
    if (clock.twelveHour) this.twelveHour = true;
    const first = f[clock.next];
    if (first === undefined) return;
    if (first === 'LINUX' && f[clock.next + 1] === 'RESTART') {
      this.restart(f, clock, line, lineNo);
      return;
    }
    if (first === 'COM') return;
    let header = true;
    for (let i = clock.next; i < f.length; i++) {
      if (looksNumeric(f[i] ?? '')) {
        header = false;
        break;
      }
    }
    if (header) {
      this.startSection(f.slice(clock.next), clock.sec);
      return;
    }
    this.row(f, clock, lineNo);
  }

  private header(line: string, lineNo: number): void {
    const h = parseSysstatHeader(line);
    if (!h) return;
    this.sawHeader = true;
    this.fact('host.kernel', h.kernel, lineNo);
    if (h.hostname) this.fact('host.hostname', h.hostname, lineNo);
    if (h.arch) this.fact('host.arch', h.arch, lineNo);
    if (h.cpus !== null) this.fact('host.cpus', h.cpus, lineNo);
    // A new header starts a new file (concatenated sar texts): days restart from it.
    this.trackers.clear();
    this.defaultTracker = { last: -1, day: 0 };
    this.section = null;
    this.base = null;
    if (!h.date) {
      this.sink.diagnostic(lineNo, 'warning', 'sar header has no date that can be read: rows until the next header are skipped');
      return;
    }
    let order: DateOrder;
    if (h.date.order === 'slash') {
      if (this.order === null) {
        const day = dayFromName(this.ctx);
        if (day !== null && day === h.date.b && day !== h.date.a) this.order = 'mdy';
        else if (day !== null && day === h.date.a && day !== h.date.b) this.order = 'dmy';
        else {
          // Hold everything until a later header or the end decides the order.
          this.buffered = [[line, lineNo]];
          return;
        }
      }
      order = this.order;
    } else order = h.date.order;
    if (h.date.order !== 'ymd' && h.date.order !== 'slash' && this.order === null) this.order = h.date.order;
    this.base = dayStart(h.date, order);
    this.patterns.add(datePattern(h.date, order));
    if (this.base === null) this.sink.diagnostic(lineNo, 'warning', `sar header date ${h.date.a}/${h.date.b}/${h.date.year} is not a real date`);
  }

  private fact(name: string, value: string | number, lineNo: number): void {
    const key = `${name}\0${value}`;
    if (this.facts.has(key)) return;
    this.facts.add(key);
    this.sink.fact(name, value, lineNo);
  }

  private time(tracker: DayTracker, sec: number, lineNo: number, peek: boolean): number | null {
    if (this.base === null) {
      if (!this.warnedNoDate && this.sawHeader) {
        this.warnedNoDate = true;
        this.sink.diagnostic(lineNo, 'warning', 'rows without a usable header date are skipped');
      }
      return null;
    }
    let day = tracker.day;
    if (tracker.last >= 0 && sec < tracker.last) day++;
    if (!peek) {
      tracker.day = day;
      tracker.last = sec;
    }
    return this.base + day * 86400000 + sec * 1000;
  }

  private restart(f: string[], clock: ClockRead, line: string, lineNo: number): void {
    const t = this.time(this.section?.tracker ?? this.defaultTracker, clock.sec, lineNo, true);
    if (t === null || this.boots.has(t)) return;
    this.boots.add(t);
    // sysstat's own restart record, written when its service starts: seconds to minutes after the kernel's boot
    const attrs: Record<string, number | string> = { source: 'sysstat' };
    const cpuTok = f[clock.next + 2];
    if (cpuTok !== undefined && cpuTok.startsWith('(') && f[clock.next + 3] === 'CPU)') {
      const n = Number(cpuTok.slice(1));
      if (Number.isInteger(n) && n > 0) attrs.cpus = n;
    }
    this.sink.event({ type: 'boot', timeBase: 'local', t, labels: {}, attrs, line: lineNo, lines: [{ line: lineNo, text: line }] });
  }

  private startSection(cols: string[], sec: number): void {
    const signature = cols.join(' ');
    let tracker = this.trackers.get(signature);
    if (!tracker) {
      tracker = { last: -1, day: 0 };
      this.trackers.set(signature, tracker);
    } else if (sec < tracker.last) {
      // The same section listed again from an earlier time: a new pass over the
      // day (sar -A prints each section in turn), not a midnight crossing.
      tracker.day = 0;
      tracker.last = sec;
    } else tracker.last = sec;
    const keyName = cols[0] ?? '';
    const keyed = KEYS[keyName];
    const map = keyed ? keyed.columns : PLAIN_COLUMNS;
    const isCpu = keyName === 'CPU';
    const plan: PlannedColumn[] = [];
    // CPU-keyed sections other than utilisation (MHz, softnet, per-CPU IRQs) carry no %idle.
    if (!isCpu || cols.includes('%idle')) {
      for (let i = keyed ? 1 : 0; i < cols.length; i++) {
        const m = map[cols[i] ?? ''];
        if (m && this.sink.wants(m.metric)) plan.push({ idx: i, metric: m.metric, scale: m.scale });
      }
    }
    let keyLabels: Map<string, Labels> | null = null;
    if (keyed) {
      keyLabels = this.labelCache.get(keyed.label) ?? null;
      if (!keyLabels) {
        keyLabels = new Map();
        this.labelCache.set(keyed.label, keyLabels);
      }
    }
    this.section = {
      signature,
      width: cols.length,
      keyIdx: keyed ? 0 : -1,
      labelName: keyed ? keyed.label : null,
      isCpu,
      plan,
      tracker,
      skipPerCpu: isCpu && !this.wantsPerCpu,
      empty: plan.length === 0,
      keyLabels,
      pattern: plan.length > 0 ? rowPattern(cols.length, plan) : null,
    };
  }

  private labels(s: Section, key: string | undefined): Labels {
    const byKey = s.keyLabels;
    const name = s.labelName;
    if (byKey === null || name === null || key === undefined) return EMPTY;
    let l = byKey.get(key);
    if (!l) {
      l = { [name]: key };
      byKey.set(key, l);
    }
    return l;
  }

  /**
   * The common data row (24-hour clock, the section's column count, a planned
   * section) read by the section's pattern: only the key and the planned
   * columns become strings, plain decimals are read without Number().
   * Returns false, having changed nothing, for anything else; handle() then
   * takes the general path, which gives the same records for these rows.
   */
  private fastRow(line: string, lineNo: number, s: Section): boolean {
    const pat = s.pattern;
    if (pat === null) return false;
    const m = pat.re.exec(line);
    if (m === null) return false;
    // The pattern checked HH:MM:SS: digits at 0-1, 3-4, 6-7 (48 * 11 = 528).
    const clockSec =
      (line.charCodeAt(0) * 10 + line.charCodeAt(1) - 528) * 3600 +
      (line.charCodeAt(3) * 10 + line.charCodeAt(4) - 528) * 60 +
      (line.charCodeAt(6) * 10 + line.charCodeAt(7) - 528);
    // the key of a keyed section, else the first value
    const first = m[1] as string;
    if (s.skipPerCpu && first !== 'all') {
      this.time(s.tracker, clockSec, lineNo, false);
      return true;
    }
    const t = this.time(s.tracker, clockSec, lineNo, false);
    if (t === null) return true;
    const labels = s.keyIdx >= 0 ? this.labels(s, first) : EMPTY;
    const plan = s.plan;
    const groups = pat.groups;
    for (let k = 0; k < plan.length; k++) {
      const p = plan[k] as PlannedColumn;
      const tok = m[groups[k] as number] as string;
      let raw = plainDecimal(tok, 0, tok.length);
      if (Number.isNaN(raw)) raw = sysstatValue(tok);
      const v = raw * p.scale;
      if (Number.isNaN(v)) continue;
      if (v < 0 || v > ABSURD_VALUE) {
        this.rowProblem(lineNo, `${p.metric} ${s.keyIdx >= 0 ? first : ''} value ${v} is impossible (counter wrap): dropped`);
        continue;
      }
      this.sink.sample(p.metric, labels, 'local', t, v, lineNo);
    }
    return true;
  }

  private row(f: string[], clock: ClockRead, lineNo: number): void {
    const s = this.section;
    if (!s) return;
    // Track time even for skipped rows so midnight is seen in every section.
    if (s.plan.length === 0) {
      this.time(s.tracker, clock.sec, lineNo, false);
      return;
    }
    const values = f.length - clock.next;
    if (values !== s.width) {
      this.rowProblem(lineNo, `row has ${values} columns where the section header has ${s.width}: skipped`);
      return;
    }
    const key = s.keyIdx >= 0 ? f[clock.next + s.keyIdx] : undefined;
    if (s.skipPerCpu && key !== 'all') {
      this.time(s.tracker, clock.sec, lineNo, false);
      return;
    }
    const t = this.time(s.tracker, clock.sec, lineNo, false);
    if (t === null) return;
    const labels = this.labels(s, key);
    const tb: TimeBase = 'local';
    for (const p of s.plan) {
      const v = sysstatValue(f[clock.next + p.idx] ?? '') * p.scale;
      if (Number.isNaN(v)) continue;
      if (v < 0 || v > ABSURD_VALUE) {
        this.rowProblem(lineNo, `${p.metric} ${key ?? ''} value ${v} is impossible (counter wrap): dropped`);
        continue;
      }
      this.sink.sample(p.metric, labels, tb, t, v, lineNo);
    }
  }

  private rowProblem(lineNo: number, message: string): void {
    this.rowDiagnostics++;
    if (this.rowDiagnostics <= MAX_ROW_DIAGNOSTICS) this.sink.diagnostic(lineNo, 'warning', message);
    else if (this.rowDiagnostics === MAX_ROW_DIAGNOSTICS + 1) this.sink.diagnostic(lineNo, 'warning', 'more row problems follow; not reported one by one');
  }
}

const EMPTY: Labels = {};
