/**
 * POSIX TZ strings (`CET-1CEST,M3.5.0,M10.5.0/3`), as a TZif file's footer
 * states the rule of its zone for every time after its last transition
 * (RFC 8536 §3.3, with its extensions: hours up to ±167 in a rule's time) and
 * as `--tz` may give them. POSIX.1-2017, Base Definitions §8.3, TZ:
 * https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap08.html
 */

/** The day a change happens: Mm.w.d (the d-th weekday of week w of month m; w 5 is the last), Jn (1–365, no Feb 29), n (0–365). */
export type PosixDay = { kind: 'M'; month: number; week: number; weekday: number } | { kind: 'J'; day: number } | { kind: 'n'; day: number };

export interface PosixTz {
  /** the string as given, the zone's label */
  text: string;
  /** offsets east of UTC, in seconds (POSIX writes them west, so CET-1 is +3600) */
  stdOffsetSec: number;
  dst: { offsetSec: number; start: PosixDay; startSec: number; end: PosixDay; endSec: number } | null;
}

// glibc's default when a DST name comes without a rule (POSIX leaves it to the implementation):
// the United States' rule since 2007.
const DEFAULT_START: PosixDay = { kind: 'M', month: 3, week: 2, weekday: 0 };
const DEFAULT_END: PosixDay = { kind: 'M', month: 11, week: 1, weekday: 0 };
const TWO_AM = 7200;

/** Reads a POSIX TZ string, or null when it is not one (an abbreviation alone, such as CET, is not). */
export function parsePosixTz(text: string): PosixTz | null {
  let at = 0;
  const s = text;
  const name = (): string | null => {
    if (s[at] === '<') {
      const close = s.indexOf('>', at);
      if (close < 0) return null;
      const inner = s.slice(at + 1, close);
      if (!/^[A-Za-z0-9+-]{3,}$/.test(inner)) return null;
      at = close + 1;
      return inner;
    }
    const m = /^[A-Za-z]{3,}/.exec(s.slice(at));
    if (!m) return null;
    at += m[0].length;
    return m[0];
  };
  /** [+-]hh[:mm[:ss]] in seconds; hours up to maxHours */
  const clock = (maxHours: number): number | null => {
    const m = /^([+-]?)(\d{1,3})(?::(\d{1,2}))?(?::(\d{1,2}))?/.exec(s.slice(at));
    if (!m) return null;
    const h = Number(m[2]);
    const min = Number(m[3] ?? 0);
    const sec = Number(m[4] ?? 0);
    if (h > maxHours || min > 59 || sec > 59) return null;
    at += m[0].length;
    return (m[1] === '-' ? -1 : 1) * (h * 3600 + min * 60 + sec);
  };
  const day = (): PosixDay | null => {
    const rest = s.slice(at);
    let m = /^M(\d{1,2})\.(\d)\.(\d)/.exec(rest);
    if (m) {
      const month = Number(m[1]);
      const week = Number(m[2]);
      const weekday = Number(m[3]);
      if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) return null;
      at += m[0].length;
      return { kind: 'M', month, week, weekday };
    }
    m = /^J(\d{1,3})/.exec(rest);
    if (m) {
      const d = Number(m[1]);
      if (d < 1 || d > 365) return null;
      at += m[0].length;
      return { kind: 'J', day: d };
    }
    m = /^(\d{1,3})/.exec(rest);
    if (m) {
      const d = Number(m[1]);
      if (d > 365) return null;
      at += m[0].length;
      return { kind: 'n', day: d };
    }
    return null;
  };
  const change = (): { day: PosixDay; sec: number } | null => {
    const d = day();
    if (!d) return null;
    let sec = TWO_AM;
    if (s[at] === '/') {
      at++;
      const t = clock(167);
      if (t === null) return null;
      sec = t;
    }
    return { day: d, sec };
  };

  if (name() === null) return null;
  const std = clock(24);
  if (std === null) return null;
  const stdOffsetSec = 0 - std;
  if (at === s.length) return { text, stdOffsetSec, dst: null };
  if (name() === null) return null;
  let dstOffsetSec = stdOffsetSec + 3600;
  if (at < s.length && s[at] !== ',') {
    const d = clock(24);
    if (d === null) return null;
    dstOffsetSec = 0 - d;
  }
  let start = { day: DEFAULT_START, sec: TWO_AM };
  let end = { day: DEFAULT_END, sec: TWO_AM };
  if (s[at] === ',') {
    at++;
    const a = change();
    if (!a || s[at] !== ',') return null;
    at++;
    const b = change();
    if (!b) return null;
    start = a;
    end = b;
  }
  if (at !== s.length) return null;
  return { text, stdOffsetSec, dst: { offsetSec: dstOffsetSec, start: start.day, startSec: start.sec, end: end.day, endSec: end.sec } };
}

const DAY_MS = 86_400_000;

export function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Midnight (as UTC ms of the local calendar) of the rule's day in that year. */
function dayOf(year: number, d: PosixDay): number {
  const jan1 = Date.UTC(year, 0, 1);
  if (d.kind === 'n') return jan1 + d.day * DAY_MS;
  if (d.kind === 'J') return jan1 + (d.day - 1 + (isLeap(year) && d.day >= 60 ? 1 : 0)) * DAY_MS;
  const first = Date.UTC(year, d.month - 1, 1);
  const firstWeekday = new Date(first).getUTCDay();
  let dom = 1 + ((d.weekday - firstWeekday + 7) % 7) + (d.week - 1) * 7;
  const daysInMonth = new Date(Date.UTC(year, d.month, 0)).getUTCDate();
  while (dom > daysInMonth) dom -= 7;
  return Date.UTC(year, d.month - 1, dom);
}

/** The offset east of UTC, in seconds, that the rule gives at a UTC instant. */
export function posixOffsetAt(tz: PosixTz, utcMs: number): number {
  const dst = tz.dst;
  if (!dst) return tz.stdOffsetSec;
  // The year as the zone's standard time reads it: both changes of that year are compared with the instant.
  const year = new Date(utcMs + tz.stdOffsetSec * 1000).getUTCFullYear();
  // The change to DST is written in standard time, the change back in DST.
  const start = dayOf(year, dst.start) + dst.startSec * 1000 - tz.stdOffsetSec * 1000;
  const end = dayOf(year, dst.end) + dst.endSec * 1000 - dst.offsetSec * 1000;
  const inDst = start < end ? utcMs >= start && utcMs < end : !(utcMs >= end && utcMs < start);
  return inDst ? dst.offsetSec : tz.stdOffsetSec;
}
