/**
 * Classic syslog files: var/log/messages*, var/log/syslog*, var/log/kern.log*.
 * Formats: RFC 3164 as written by rsyslog's RSYSLOG_TraditionalFileFormat
 * ("Nov 23 10:49:13 host tag: msg", day padded with a space) and
 * RSYSLOG_FileFormat (RFC 3339 stamp with fraction and offset).
 * https://www.rsyslog.com/doc/configuration/templates.html
 * https://datatracker.ietf.org/doc/html/rfc3164#section-4.1.2
 * Only kernel lines are read here, for the kernel events they carry.
 */
import { PROGRAM_LOG_NAMES, programLogs, type ProgramLog } from './program-logs.js';
import type { TimeBase } from '../model.js';
import { MONTHS, noYearTime } from '../timeline/clock.js';
import { KernelEventScanner } from './kernel-events.js';
import type { EventRecord, LineParser, RecordSink, SourceParser } from './types.js';

export interface LogStamp {
  timeBase: TimeBase;
  t: number;
}

export interface LogLine extends LogStamp {
  host: string;
  /** the program, without "[pid]" and the colon */
  program: string;
  /** the text after "tag: " */
  message: string;
}

function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** "HH:MM:SS" optionally followed by ".ffffff" at `i`; returns the time and where it ends. */
function clockAt(s: string, i: number): { h: number; m: number; sec: number; ms: number; end: number } | null {
  const h = digitsAt(s, i, 2);
  const m = digitsAt(s, i + 3, 2);
  const sec = digitsAt(s, i + 6, 2);
  if (s[i + 2] !== ':' || s[i + 5] !== ':' || !(h <= 23) || !(m <= 59) || !(sec <= 60)) return null;
  let end = i + 8;
  let ms = 0;
  if (s[end] === '.' || s[end] === ',') {
    let j = end + 1;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j > end + 1) ms = Math.floor(Number(`0.${s.slice(end + 1, j)}`) * 1000);
    end = j;
  }
  return { h, m, sec, ms, end };
}

/**
 * "2026-11-23T10:49:13.123456+01:00", "…+0100", "…Z" or no zone at all.
 * With an offset the instant is known ('utc'); without, it is local wall clock.
 */
export function parseIsoStamp(token: string): LogStamp | null {
  const y = digitsAt(token, 0, 4);
  const mo = digitsAt(token, 5, 2);
  const d = digitsAt(token, 8, 2);
  if (token[4] !== '-' || token[7] !== '-' || (token[10] !== 'T' && token[10] !== ' ')) return null;
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31)) return null;
  const clock = clockAt(token, 11);
  if (!clock) return null;
  const local = Date.UTC(y, mo - 1, d, clock.h, clock.m, clock.sec, clock.ms);
  const zone = token.slice(clock.end);
  if (zone === '') return { timeBase: 'local', t: local };
  if (zone === 'Z') return { timeBase: 'utc', t: local };
  const sign = zone[0] === '-' ? -1 : zone[0] === '+' ? 1 : 0;
  const zh = digitsAt(zone, 1, 2);
  const zm = zone[3] === ':' ? digitsAt(zone, 4, 2) : zone.length === 3 ? 0 : digitsAt(zone, 3, 2);
  if (sign === 0 || !Number.isFinite(zh) || !Number.isFinite(zm)) return null;
  return { timeBase: 'utc', t: local - sign * (zh * 60 + zm) * 60000 };
}

/** Month abbreviations by their three lower-cased ASCII codes packed in one number. */
const MONTH_CODES = new Map(Object.entries(MONTHS).map(([name, m]) => [(name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2), m]));

/**
 * MONTHS[line.slice(0, 3).toLowerCase()] without the two strings per line.
 * OR-ing 32 lower-cases ASCII letters; no non-ASCII character lower-cases to
 * a letter of a month abbreviation, so those never match either way.
 */
function monthAt(line: string): number | undefined {
  const a = line.charCodeAt(0);
  const b = line.charCodeAt(1);
  const c = line.charCodeAt(2);
  if (!(a < 128 && b < 128 && c < 128)) return undefined;
  return MONTH_CODES.get(((a | 32) << 16) | ((b | 32) << 8) | (c | 32));
}

/**
 * Where "HH:MM:SS" (optionally ".ffffff") at `i` ends, or -1: clockAt's checks
 * without its object, for lines whose time may never be needed.
 */
function clockEnd(s: string, i: number): number {
  const h = digitsAt(s, i, 2);
  const m = digitsAt(s, i + 3, 2);
  const sec = digitsAt(s, i + 6, 2);
  if (s[i + 2] !== ':' || s[i + 5] !== ':' || !(h <= 23) || !(m <= 59) || !(sec <= 60)) return -1;
  let end = i + 8;
  if (s[end] === '.' || s[end] === ',') {
    let j = end + 1;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    end = j;
  }
  return end;
}

/**
 * Reads where the parts of a syslog line are ("Nov 23 10:49:13 host kernel:
 * msg", "2026-11-23T10:49:13+01:00 host kernel: msg", journalctl's
 * short-full "Mon 2026-11-23 10:49:13 CET host tag: msg") without building a
 * string or an object, and the time only when asked: a syslog's kernel lines
 * are read for the few that start an event, and computing every line's time
 * and parts was a third of the syslog's parse. One reader is reused line
 * after line; its fields describe the last line read.
 */
export class SyslogLineReader {
  line = '';
  hostStart = 0;
  hostEnd = 0;
  /** the program: the tag without a trailing colon, cut at its first "[" (pid) */
  programStart = 0;
  programEnd = 0;
  /** where the text after "tag " starts (the line's length when there is none) */
  messageStart = 0;
  /** the time of an RFC 3339 or short-full stamp (rare: computed at once); null for a BSD stamp */
  private iso: LogStamp | null = null;
  private month = 0;
  private day = 0;
  /** where a BSD stamp's clock starts */
  private clockAt = 0;

  /** false when the line has no syslog stamp, host and tag */
  read(line: string): boolean {
    this.line = line;
    let pos: number;
    const c0 = line.charCodeAt(0);
    if (c0 >= 48 && c0 <= 57) {
      const sp = line.indexOf(' ');
      if (sp < 0) return false;
      this.iso = parseIsoStamp(line.slice(0, sp));
      if (!this.iso) return false;
      pos = sp + 1;
    } else if (line.charCodeAt(8) === 45 && line[3] === ' ' && /^[A-Z][a-z][a-z] \d{4}-/.test(line.slice(0, 9))) {
      // journalctl -o short-full: "Mon 2026-11-23 10:49:13 CET host tag: msg"; the zone abbreviation is ambiguous, keep wall clock.
      // The "-" at 8 is tested first: a BSD stamp ("Nov 23 10:…") also has a blank at 3, and slicing every line cost ~5 MB of garbage per typical syslog.
      const parsed = parseIsoStamp(line.slice(4, 23));
      if (!parsed) return false;
      this.iso = { timeBase: 'local', t: parsed.t };
      const sp = line.indexOf(' ', 24);
      if (sp < 0) return false;
      pos = sp + 1;
    } else {
      const end = this.bsdStampEnd(line);
      if (end < 0) return false;
      this.iso = null;
      pos = end + 1;
    }
    if (line[pos - 1] !== ' ') return false;
    const hostEnd = line.indexOf(' ', pos);
    if (hostEnd < 0) return false;
    this.hostStart = pos;
    this.hostEnd = hostEnd;
    const tagStart = hostEnd + 1;
    const tagEnd = line.indexOf(' ', tagStart);
    this.messageStart = tagEnd < 0 ? line.length : tagEnd + 1;
    let programEnd = tagEnd < 0 ? line.length : tagEnd;
    if (programEnd > tagStart && line.charCodeAt(programEnd - 1) === 58) programEnd--;
    const bracket = line.indexOf('[', tagStart);
    if (bracket > tagStart && bracket < programEnd) programEnd = bracket;
    this.programStart = tagStart;
    this.programEnd = programEnd;
    return true;
  }

  programIs(name: string): boolean {
    return this.programEnd - this.programStart === name.length && this.line.startsWith(name, this.programStart);
  }

  /** The time of the line read last. */
  stamp(): LogStamp {
    if (this.iso) return this.iso;
    // read() checked the clock, so clockAt cannot fail here.
    const c = clockAt(this.line, this.clockAt) as NonNullable<ReturnType<typeof clockAt>>;
    return { timeBase: 'local-noyear', t: noYearTime(this.month, this.day, c.h, c.m, c.sec, c.ms) };
  }

  /** "Nov 23 10:49:13" / "Feb  4 15:40:27" / "Nov 23 10:49:13.123456" (journalctl short-precise): where it ends, or -1. */
  private bsdStampEnd(line: string): number {
    const month = monthAt(line);
    if (month === undefined || line[3] !== ' ') return -1;
    let i = 4;
    if (line[i] === ' ') i++;
    let day = 0;
    const dayStart = i;
    while (i < line.length && i - dayStart < 2 && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) day = day * 10 + line.charCodeAt(i++) - 48;
    if (i === dayStart || line[i] !== ' ' || day < 1 || day > 31) return -1;
    const end = clockEnd(line, i + 1);
    if (end < 0) return -1;
    this.month = month;
    this.day = day;
    this.clockAt = i + 1;
    return end;
  }
}

const sharedReader = new SyslogLineReader();

/** Splits "Nov 23 10:49:13 host kernel: msg" or "2026-11-23T10:49:13+01:00 host kernel: msg"; null when the line has no syslog stamp. */
export function parseSyslogLine(line: string): LogLine | null {
  const r = sharedReader;
  if (!r.read(line)) return null;
  const { timeBase, t } = r.stamp();
  return { timeBase, t, host: line.slice(r.hostStart, r.hostEnd), program: line.slice(r.programStart, r.programEnd), message: line.slice(r.messageStart) };
}

/** Removes the "[ 1920.259590] " uptime stamp kernels put inside syslog'd messages; returns the seconds too. */
export function stripUptimeStamp(message: string): { message: string; uptimeSec: number | null } {
  if (message[0] !== '[') return { message, uptimeSec: null };
  const close = message.indexOf(']');
  if (close < 2 || close > 24) return { message, uptimeSec: null };
  const inner = message.slice(1, close).trim();
  if (!/^\d+\.\d+$/.test(inner)) return { message, uptimeSec: null };
  const rest = message.slice(close + 1);
  return { message: rest.startsWith(' ') ? rest.slice(1) : rest, uptimeSec: Number(inner) };
}

/** Feeds kernel lines of a syslog-shaped stream (syslog files, journalctl short output) to the kernel-event scanner. */
export class KernelLineFeeder {
  readonly scanner: KernelEventScanner;
  parsed = 0;
  kernelLines = 0;
  private readonly reader = new SyslogLineReader();
  /** the scanner asks for a line's time only when the line starts an event */
  private readonly timeOfLine = (): LogStamp => this.reader.stamp();
  private readonly programs: readonly ProgramLog[];
  /** where a boot's clock is reported (the syslog files); none for the journal, whose kernel lines carry no stamp */
  private readonly clockSink: RecordSink | null;
  private boot: BootClock | null = null;
  constructor(scanner: KernelEventScanner, programs: readonly ProgramLog[] = [], clockSink: RecordSink | null = null) {
    this.scanner = scanner;
    this.programs = programs;
    this.clockSink = clockSink;
  }
  /** false when the line carries no syslog stamp */
  push(line: string, lineNo: number): boolean {
    const r = this.reader;
    if (!r.read(line)) return false;
    this.parsed++;
    if (!r.programIs('kernel')) {
      for (const p of this.programs) {
        if (!r.programIs(p.program)) continue;
        p.push(line.slice(r.messageStart), lineNo, line, this.timeOfLine);
        break;
      }
      return true;
    }
    this.kernelLines++;
    let message = line.slice(r.messageStart);
    let uptime: number | null = null;
    if (message.charCodeAt(0) === 91) ({ message, uptimeSec: uptime } = stripUptimeStamp(message));
    if (uptime !== null && this.clockSink !== null) this.timeBoot(message, lineNo, uptime);
    this.scanner.feedLazy(message, lineNo, line, this.timeOfLine, uptime);
    return true;
  }

  /** At the end of the file: the last boot's clock. */
  end(): void {
    this.closeBoot();
  }

  /**
   * When each boot of the file started, by the kernel's own stamp: a syslog daemon writes the ring buffer down
   * when it starts, every early line stamped with its start time (163 s late in a real emulated Debian 12 guest),
   * and only the current boot's start is known elsewhere (proc/stat). A line written as the kernel logged it is
   * stamped at the boot's start plus its uptime. The lines written late all carry the daemon's start, the stamp
   * of the boot's first line; a line stamped BOOT_LIVE_AFTER_MS after it was written as it came, and dates the
   * boot. After the first such line a stamp is read only every BOOT_SAMPLE_SEC of uptime, until two agree
   * (reading every line's stamp was a third of a syslog's parse). A boot with no such line (the next boot or the
   * file's end came first) started at the latest its last late line's uptime before the daemon's start.
   */
  private timeBoot(message: string, lineNo: number, uptime: number): void {
    if (uptime === 0 && message.startsWith('Linux version ')) {
      this.closeBoot();
      const { timeBase, t } = this.reader.stamp();
      this.boot = { from: lineNo, to: lineNo, timeBase, firstT: t, lateUptime: 0, late: true, nextUptime: 0, samples: 0, start: null, settled: false };
      return;
    }
    const b = this.boot;
    if (b === null) return;
    b.to = lineNo;
    if (b.settled || uptime < b.nextUptime || b.samples >= BOOT_SAMPLES) return;
    const { timeBase, t } = this.reader.stamp();
    if (timeBase !== b.timeBase) return;
    if (b.late) {
      // still the lines the daemon wrote down at once: each is read, for the last one's uptime
      if (t - b.firstT < BOOT_LIVE_AFTER_MS) {
        if (uptime > b.lateUptime) b.lateUptime = uptime;
        return;
      }
      b.late = false;
    }
    b.samples++;
    b.nextUptime = uptime + BOOT_SAMPLE_SEC;
    const start = t - uptime * 1000;
    if (b.start !== null && Math.abs(start - b.start) <= BOOT_AGREE_MS) b.settled = true;
    b.start = b.start === null ? start : Math.min(b.start, start);
  }

  private closeBoot(): void {
    const b = this.boot;
    this.boot = null;
    if (b === null || this.clockSink === null) return;
    let start = b.start;
    const attrs: EventRecord['attrs'] = { from: b.from, to: b.to };
    if (start === null) {
      // only lines written late: the latest the boot can have started; worth saying only when it moves them
      if (b.lateUptime * 1000 < BOOT_LATE_WORTH_MS) return;
      start = b.firstT - b.lateUptime * 1000;
      attrs.latest = true;
    }
    this.clockSink.event({ type: BOOT_CLOCK_EVENT, timeBase: b.timeBase, t: start, labels: {}, attrs, line: b.from, lines: [] });
  }
}

/**
 * Not an event of the host: when a boot of a syslog file started, by the kernel's stamps (KernelLineFeeder.timeBoot),
 * for the lines `from` to `to` of that file. The timeline reads it, and places the boot's late-written lines by it.
 */
export const BOOT_CLOCK_EVENT = 'boot-clock';
/** How much uptime apart the lines are whose stamps are read, and how many at most, per boot. */
const BOOT_SAMPLE_SEC = 30;
const BOOT_SAMPLES = 16;
/**
 * How long after the boot's first line a line must be stamped to have been written as the kernel logged it: a
 * daemon writes the whole ring buffer down at once (55 ms for 440 lines in the real guest), never seconds apart.
 */
const BOOT_LIVE_AFTER_MS = 3000;
/** Two lines written as the kernel logged them agree on the boot's start within a second's stamp and some jitter. */
const BOOT_AGREE_MS = 1500;
/** Lines written down this little after the kernel logged them are as good as on time (timeline.ts, LATE_KERNEL_LINE_MS). */
const BOOT_LATE_WORTH_MS = 10_000;

interface BootClock {
  from: number;
  to: number;
  timeBase: TimeBase;
  /** the stamp of the boot's first line: the daemon's start when it wrote the ring buffer down late */
  firstT: number;
  /** the largest uptime among the lines written down with the first; while `late`, every line is read */
  lateUptime: number;
  late: boolean;
  nextUptime: number;
  samples: number;
  /** the boot's start in the file's stamps, the least of its lines written as they came */
  start: number | null;
  settled: boolean;
}

/**
 * Only lines whose program is `kernel`, or one of the daemons of program-logs.ts, are used:
 * parseSyslogLine takes the program from the token after the host's space, so such a line holds
 * " kernel" (followed by ":", "[", " " or the end of the line).
 */
export const KERNEL_LINE_FILTER = { needles: [' kernel', ...PROGRAM_LOG_NAMES.map((name) => ` ${name}`)] };

export const syslog: SourceParser = {
  id: 'syslog',
  title: 'syslog (messages, syslog, kern.log)',
  paths: [
    /^var\/log\/(?:messages|syslog|kern\.log)(?:[.-]\d{1,8})?$/,
    /^sos_strings\/[^/]+\/var\.log\.(?:messages|syslog|kern\.log)(?:[.-]\d{1,8})?\.tailed$/,
  ],
  sniff(head: string): boolean {
    const lines = head.split('\n', 6).filter((l) => l.length > 0);
    if (lines.length === 0) return false;
    let ok = 0;
    for (const l of lines.slice(0, 5)) if (parseSyslogLine(l)) ok++;
    // Syslog-prefixed kernel extracts that begin with "[ seconds]" after the tag are dmesg's too; majority wins here.
    return ok >= Math.ceil(Math.min(lines.length, 5) / 2) && !head.startsWith('-- ');
  },
  lineFilter: KERNEL_LINE_FILTER,
  create(_ctx, sink): LineParser {
    const feeder = new KernelLineFeeder(new KernelEventScanner(sink), programLogs(sink), sink);
    let lines = 0;
    let firstFormat: string | null = null;
    return {
      push(line: string, lineNo: number): void {
        if (line.length === 0) return;
        lines++;
        if (!feeder.push(line, lineNo)) return;
        if (firstFormat === null) {
          firstFormat = /^\d/.test(line) ? 'syslog, RFC 3339 stamps' : 'syslog, RFC 3164 stamps (no year)';
          sink.format(firstFormat);
        }
      },
      end(): void {
        feeder.scanner.end();
        feeder.end();
        if (lines > 0 && feeder.parsed === 0) sink.diagnostic(undefined, 'warning', 'no line has a syslog time stamp; nothing was read');
      },
      // Once a stamped line has set the format, the only lines left to use are kernel lines.
      filterReady: () => feeder.parsed > 0,
    };
  },
};
