import type { TimeBase } from '../model.js';
import { isLeap, parsePosixTz, posixOffsetAt, type PosixTz } from './posix-tz.js';

export { isLeap };

/**
 * A time zone is an IANA name (DST-aware through Intl), the host's own rules
 * (a TZif file: its /etc/localtime, or the zone file sos copied beside the
 * link; a transition table and a POSIX TZ rule after it, labelled by the
 * zone's name when one was collected), or a fixed offset learned from `date`
 * against `date --utc` when neither was collected.
 */
export type Zone = { kind: 'iana'; name: string } | { kind: 'fixed'; offsetMin: number; label: string } | RulesZone;

export interface RulesZone {
  kind: 'rules';
  label: string;
  /** UTC ms of each transition, ascending */
  transitions: readonly number[];
  /** the offset east of UTC, in minutes, from each transition on */
  offsets: readonly number[];
  /** the offset before the first transition */
  initialOffsetMin: number;
  /** the rule for every instant after the last transition (a TZif footer) */
  rule: PosixTz | null;
}

export const UTC_ZONE: Zone = { kind: 'fixed', offsetMin: 0, label: 'UTC' };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(name: string): Intl.DateTimeFormat {
  let f = formatters.get(name);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(name, f);
  }
  return f;
}

export function isValidIanaZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** Parses "+05:30", "-0800", "UTC", "Europe/Paris" into a zone, or null. */
export function parseZone(text: string): Zone | null {
  const t = text.trim();
  if (/^(UTC|GMT|Z|Etc\/UTC|Etc\/GMT|Universal|Zulu)$/i.test(t)) return UTC_ZONE;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(t);
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    const offsetMin = sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    return { kind: 'fixed', offsetMin, label: formatOffset(offsetMin) };
  }
  if (/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(t) && isValidIanaZone(t)) return { kind: 'iana', name: t };
  // A POSIX TZ string (CET-1CEST,M3.5.0,M10.5.0/3): the label of a zone read from a TZif file, or --tz.
  const rule = parsePosixTz(t);
  if (rule) return rule.dst ? { kind: 'rules', label: t, transitions: [], offsets: [], initialOffsetMin: rule.stdOffsetSec / 60, rule } : fixedZone(rule.stdOffsetSec / 60, t);
  return null;
}

function fixedZone(offsetMin: number, label: string): Zone {
  return offsetMin === 0 && /^UTC0?$/.test(label) ? UTC_ZONE : { kind: 'fixed', offsetMin, label };
}

/**
 * A zone by the name of its file under zoneinfo, as /etc/localtime's link
 * names it: unlike a name a command printed, a single word here (CET, EST5EDT,
 * UTC) is a zone of the tz database, not an abbreviation.
 */
export function zoneByFileName(name: string): Zone | null {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return null;
  if (/^(Etc\/)?(UTC|UCT|GMT|Universal|Zulu|Greenwich)(0|\+0|-0)?$/.test(name)) return UTC_ZONE;
  return isValidIanaZone(name) ? { kind: 'iana', name } : null;
}

export function zoneLabel(zone: Zone): string {
  return zone.kind === 'iana' ? zone.name : zone.label;
}

export function formatOffset(offsetMin: number): string {
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const BUCKET_MS = 15 * 60000;
const MAX_CACHED_BUCKETS = 200_000;
/** zone name → 15-minute bucket → offset, for buckets whose two ends agree */
const offsetCache = new Map<string, Map<number, number>>();

/**
 * Offset of the zone from UTC, in minutes, at the given instant. Intl costs
 * microseconds per call and a run asks for hundreds of thousands of instants,
 * but an offset only changes at a transition, which every zone places on a
 * quarter hour since the early 20th century: one 15-minute bucket shares one
 * offset. A bucket whose start and end differ (a transition inside it, as in
 * old local-mean-time zones) is never cached and asked of Intl each time.
 */
export function offsetAt(zone: Zone, utcMs: number): number {
  if (zone.kind === 'fixed') return zone.offsetMin;
  if (zone.kind === 'rules') return rulesOffsetAt(zone, utcMs);
  let cache = offsetCache.get(zone.name);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone.name, cache);
  }
  const bucket = Math.floor(utcMs / BUCKET_MS);
  const hit = cache.get(bucket);
  if (hit !== undefined) return hit;
  const start = bucket * BUCKET_MS;
  const atStart = intlOffsetAt(zone.name, start);
  const atEnd = intlOffsetAt(zone.name, start + BUCKET_MS - 1000);
  if (atStart !== atEnd) return intlOffsetAt(zone.name, utcMs);
  if (cache.size >= MAX_CACHED_BUCKETS) cache.clear();
  cache.set(bucket, atStart);
  return atStart;
}

/** RFC 8536 §3.2: type 0 before the first transition, the footer's rule after the last one. */
function rulesOffsetAt(zone: RulesZone, utcMs: number): number {
  const times = zone.transitions;
  const n = times.length;
  const last = times[n - 1];
  if (n === 0 || last === undefined || utcMs >= last) {
    if (zone.rule) return Math.round(posixOffsetAt(zone.rule, utcMs) / 60);
    return n === 0 ? zone.initialOffsetMin : (zone.offsets[n - 1] ?? zone.initialOffsetMin);
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? 0) <= utcMs) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? zone.initialOffsetMin : (zone.offsets[lo - 1] ?? zone.initialOffsetMin);
}

function intlOffsetAt(name: string, utcMs: number): number {
  const parts = formatterFor(name).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/**
 * Converts a wall-clock time (encoded as if UTC) to an instant. In a DST gap the
 * time is placed after the jump; in a repeated hour, the first occurrence wins.
 */
export function localToUtc(zone: Zone, localAsUtcMs: number): number {
  if (zone.kind === 'fixed') return localAsUtcMs - zone.offsetMin * 60000;
  let guess = localAsUtcMs - offsetAt(zone, localAsUtcMs) * 60000;
  const second = localAsUtcMs - offsetAt(zone, guess) * 60000;
  if (second !== guess) {
    guess = Math.min(guess, second);
    if (offsetAt(zone, guess) * 60000 + guess !== localAsUtcMs) guess = Math.max(guess, second);
  }
  return guess;
}

/** ISO 8601 with the zone's offset at that instant, e.g. 2026-11-23T10:49:13+01:00. */
export function toIso(zone: Zone, utcMs: number): string {
  const off = offsetAt(zone, utcMs);
  const d = new Date(utcMs + off * 60000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${formatOffset(off)}`
  );
}

/** Human form in the bundle's zone: 2026-11-23 10:49:13. */
export function toLocalText(zone: Zone, utcMs: number): string {
  return toIso(zone, utcMs).slice(0, 19).replace('T', ' ');
}

const YEAR_2000 = Date.UTC(2000, 0, 1);

/**
 * Places every record on absolute time once the bundle's facts are known.
 * Returns null (and the caller reports a diagnostic) when a time cannot be
 * placed honestly, e.g. dmesg seconds without a known boot time.
 */
export class Clock {
  constructor(
    readonly zone: Zone,
    readonly bootMs: number | null,
    readonly collectedMs: number | null,
  ) {}

  place(timeBase: TimeBase, t: number): number | null {
    switch (timeBase) {
      case 'utc':
        return t;
      case 'local':
        return localToUtc(this.zone, t);
      case 'uptime':
        return this.bootMs === null ? null : this.bootMs + t * 1000;
      case 'collected':
        return this.collectedMs;
      case 'local-noyear':
        return this.placeWithoutYear(t);
    }
  }

  /** Syslog omits the year: take the latest year that puts the line at or before collection (+1 day of slack for clock skew). */
  private placeWithoutYear(t: number): number | null {
    if (this.collectedMs === null) return null;
    const inYear = new Date(t);
    const collectedYear = new Date(this.collectedMs).getUTCFullYear();
    for (let year = collectedYear; year >= collectedYear - 8; year--) {
      const month = inYear.getUTCMonth();
      const day = inYear.getUTCDate();
      // Feb 29 exists only in leap years; step back to one that has it.
      if (month === 1 && day === 29 && !isLeap(year)) continue;
      const local = Date.UTC(year, month, day, inYear.getUTCHours(), inYear.getUTCMinutes(), inYear.getUTCSeconds(), inYear.getUTCMilliseconds());
      const utc = localToUtc(this.zone, local);
      if (utc <= this.collectedMs + 86400000) return utc;
    }
    return null;
  }
}

/** Encodes month/day/time without a year (syslog) for the local-noyear time base. */
export function noYearTime(month0: number, day: number, h: number, m: number, s: number, ms = 0): number {
  // Once per syslog line: plain arithmetic (which is what Date.UTC computes for
  // small integer fields) instead of a call into the Date builtins.
  if (isSmallInt(month0, 11) && isSmallInt(day, 31) && isSmallInt(h, 24) && isSmallInt(m, 59) && isSmallInt(s, 60) && isSmallInt(ms, 999)) {
    return YEAR_2000 + (((DAYS_BEFORE_MONTH_2000[month0] ?? 0) + day - 1) * 86400 + h * 3600 + m * 60 + s) * 1000 + ms;
  }
  return Date.UTC(2000, month0, day, h, m, s, ms) - YEAR_2000 + YEAR_2000;
}

/** Day of year 2000 (a leap year) on which each month starts. */
const DAYS_BEFORE_MONTH_2000 = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];

function isSmallInt(v: number, max: number): boolean {
  return (v | 0) === v && v >= 0 && v <= max;
}

export const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};
