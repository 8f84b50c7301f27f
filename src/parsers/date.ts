// date(1): https://man7.org/linux/man-pages/man1/date.1.html
// timedatectl(1): https://www.freedesktop.org/software/systemd/man/latest/timedatectl.html
// sos runs `date` and `date --utc` (sos/report/plugins/date.py); older sos put `date` under
// general/. The top-level `date` symlink points at timedatectl output on newer sos.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { MONTHS } from '../timeline/clock.js';
import { fields, symlinkStandIn } from './util.js';

export { symlinkStandIn };

export interface WallClock {
  /** wall clock as written, encoded as Date.UTC */
  localMs: number;
  /** the zone token as written (CET, UTC, +0530), if any */
  zone: string | null;
  /** offset in minutes when the zone token states one (UTC, +0530) */
  offsetMin: number | null;
}

const WEEKDAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isLetters(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** "+0100", "-03", "+05:30" → minutes, or null. */
export function numericOffset(tok: string): number | null {
  const sign = tok[0] === '+' ? 1 : tok[0] === '-' ? -1 : 0;
  if (sign === 0) return null;
  const body = tok.slice(1).replace(':', '');
  if (!isDigits(body) || (body.length !== 2 && body.length !== 4)) return null;
  const h = Number(body.slice(0, 2));
  const m = body.length === 4 ? Number(body.slice(2)) : 0;
  if (h > 14 || m > 59) return null;
  return sign * (h * 60 + m);
}

/**
 * Reads one `date`-style line whatever the token order: C locale
 * (`Mon Nov 23 10:49:13 CET 2026`), 12-hour locales with 7 tokens
 * (`Mon 23 Nov 2026 11:10:44 AM EEST`, jc #748) and timedatectl's
 * `Mon 2026-11-23 10:49:13 CET`. Returns null unless year, month, day and time are all present.
 */
export function parseWallClock(line: string): WallClock | null {
  let year = -1;
  let month = -1;
  let day = -1;
  let h = -1;
  let mi = -1;
  let s = 0;
  let ampm: 'am' | 'pm' | null = null;
  let zone: string | null = null;
  let offsetMin: number | null = null;
  for (const raw of fields(line)) {
    const tok = raw.endsWith(',') ? raw.slice(0, -1) : raw;
    if (tok === '') continue;
    const lower = tok.toLowerCase();
    if (tok.includes(':') && isDigits(tok.replace(/:/g, '')) && tok[0] !== '+' && tok[0] !== '-') {
      const parts = tok.split(':');
      if (parts.length < 2 || parts.length > 3 || h >= 0) return null;
      h = Number(parts[0]);
      mi = Number(parts[1]);
      s = parts[2] === undefined ? 0 : Number(parts[2]);
      continue;
    }
    if (tok.length === 10 && tok[4] === '-' && tok[7] === '-') {
      const y = tok.slice(0, 4);
      const mo = tok.slice(5, 7);
      const d = tok.slice(8);
      if (isDigits(y) && isDigits(mo) && isDigits(d)) {
        year = Number(y);
        month = Number(mo) - 1;
        day = Number(d);
        continue;
      }
    }
    if (isDigits(tok)) {
      if (tok.length === 4 && year < 0) year = Number(tok);
      else if (tok.length <= 2 && day < 0) day = Number(tok);
      else return null;
      continue;
    }
    if (lower === 'am' || lower === 'pm') {
      ampm = lower;
      continue;
    }
    const off = numericOffset(tok);
    if (off !== null) {
      zone = tok;
      offsetMin = off;
      continue;
    }
    if (isLetters(tok)) {
      const m3 = lower.slice(0, 3);
      if (month < 0 && lower.length >= 3 && MONTHS[m3] !== undefined && !WEEKDAYS.has(m3)) {
        month = MONTHS[m3] ?? -1;
        continue;
      }
      if (WEEKDAYS.has(m3)) continue;
      if (zone === null && tok.length <= 6 && tok === tok.toUpperCase()) {
        zone = tok;
        if (tok === 'UTC' || tok === 'GMT' || tok === 'Z' || tok === 'UCT') offsetMin = 0;
        continue;
      }
    }
    // Anything else (a locale's weekday, a stray word) is not part of the stamp.
  }
  if (year < 1970 || year > 2200 || month < 0 || month > 11 || day < 1 || day > 31 || h < 0) return null;
  if (ampm !== null) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (ampm === 'pm' ? 12 : 0);
  }
  if (h > 23 || mi > 59 || s > 60 || !Number.isFinite(s)) return null;
  const localMs = Date.UTC(year, month, day, h, mi, Math.min(s, 59));
  // Date.UTC rolls Feb 31 into March: refuse instead of shifting the clock.
  if (new Date(localMs).getUTCDate() !== day) return null;
  return { localMs, zone, offsetMin };
}


function isUtcVariant(path: string): boolean {
  return /(^|\/)date_--utc$|(^|\/)date_-u$/.test(path);
}

function isTimedatectlFile(path: string): boolean {
  return /(^|\/)timedatectl$/.test(path);
}

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const utcFile = isUtcVariant(ctx.path);
  const timedatectlFile = isTimedatectlFile(ctx.path);
  let done = false;
  let timedatectl = false;
  let emitted = 0;

  function fromDate(line: string, lineNo: number): void {
    const w = parseWallClock(line);
    if (!w) {
      sink.diagnostic(lineNo, 'warning', 'not a date(1) line');
      return;
    }
    done = true;
    if (utcFile) {
      if (w.offsetMin !== null && w.offsetMin !== 0) {
        // `date --utc` always prints UTC; another zone means the file is not what its name says.
        sink.diagnostic(lineNo, 'warning', `date --utc output carries zone ${w.zone ?? '?'}`);
        sink.fact('time.collectedUtc', w.localMs - w.offsetMin * 60000, lineNo);
      } else sink.fact('time.collectedUtc', w.localMs, lineNo);
      emitted++;
      sink.format('date --utc');
      return;
    }
    sink.fact('time.collectedLocal', w.localMs, lineNo);
    emitted++;
    if (w.zone !== null) sink.fact('time.zone', w.zone, lineNo);
    if (w.offsetMin !== null) {
      sink.fact('time.zoneOffsetMin', w.offsetMin, lineNo);
      sink.fact('time.collectedUtc', w.localMs - w.offsetMin * 60000, lineNo);
    }
    sink.format('date');
  }

  function fromTimedatectl(key: string, value: string, lineNo: number): void {
    switch (key) {
      case 'local time': {
        const w = parseWallClock(value);
        if (!w) {
          sink.diagnostic(lineNo, 'warning', 'unreadable timedatectl Local time');
          return;
        }
        sink.fact('time.collectedLocal', w.localMs, lineNo);
        emitted++;
        return;
      }
      case 'universal time': {
        const w = parseWallClock(value);
        if (!w) {
          sink.diagnostic(lineNo, 'warning', 'unreadable timedatectl Universal time');
          return;
        }
        sink.fact('time.collectedUtc', w.localMs, lineNo);
        emitted++;
        return;
      }
      case 'time zone':
      case 'timezone': {
        // "Europe/Paris (CET, +0100)"; "n/a" when the host has no /etc/localtime.
        const toks = fields(value.replace(/[(),]/g, ' '));
        const name = toks[0];
        if (name === undefined || name === 'n/a') return;
        sink.fact('time.zone', name, lineNo);
        for (const t of toks.slice(1)) {
          const off = numericOffset(t);
          if (off !== null) {
            sink.fact('time.zoneOffsetMin', off, lineNo);
            break;
          }
        }
        return;
      }
      case 'ntp synchronized':
      case 'system clock synchronized':
        if (value === 'yes' || value === 'no') sink.fact('time.ntpSynchronized', value === 'yes', lineNo);
        return;
      default:
        return;
    }
  }

  return {
    push(line, lineNo) {
      const trimmed = line.trim();
      if (trimmed === '') return;
      if (lineNo === 1 && emitted === 0 && symlinkStandIn(trimmed) !== null) {
        emitted = -1;
        sink.diagnostic(lineNo, 'info', `stand-in for a symlink to ${trimmed}; the target is read instead`);
        return;
      }
      if (emitted < 0) return;
      const colon = trimmed.indexOf(': ');
      const key = colon > 0 ? trimmed.slice(0, colon).toLowerCase() : '';
      if (key === 'local time' || key === 'universal time' || key === 'rtc time' || key === 'time zone' || key === 'timezone') {
        if (!timedatectl) sink.format('timedatectl');
        timedatectl = true;
      }
      if (timedatectl) {
        fromTimedatectl(key, trimmed.slice(colon + 2).trim(), lineNo);
        return;
      }
      if (done) return;
      if (timedatectlFile) {
        // Without systemd as PID 1 (containers, chroots) sos stores timedatectl's error
        // message; date and date --utc still give the time, so this is not worth a warning.
        done = true;
        emitted = -1;
        sink.diagnostic(lineNo, 'info', `timedatectl did not report the time: ${trimmed.slice(0, 120)}`);
        return;
      }
      fromDate(trimmed, lineNo);
    },
    end() {
      if (emitted === 0) sink.diagnostic(undefined, 'warning', 'no date found in this file');
    },
  };
}

export const dateParser: SourceParser = {
  id: 'date',
  title: 'date / date --utc / timedatectl',
  paths: [
    /^sos_commands\/date\/date$/,
    /^sos_commands\/general\/date$/,
    /^sos_commands\/date\/date_--utc$/,
    /^date$/,
    /^sos_commands\/(date|systemd)\/timedatectl$/,
  ],
  sniff(head) {
    const first = head.split('\n', 1)[0] ?? '';
    if (/^\s*Local time: /m.test(head) && /Universal time: /.test(head)) return true;
    return first.length < 60 && parseWallClock(first) !== null && fields(first).length <= 8;
  },
  create,
};
