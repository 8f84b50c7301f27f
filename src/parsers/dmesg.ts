/**
 * The kernel ring buffer: sos_commands/kernel/dmesg (older sos: general/dmesg),
 * dmesg_-T, and var/log/dmesg written at boot.
 * Line forms (util-linux dmesg(1), https://man7.org/linux/man-pages/man1/dmesg.1.html):
 *   "[ 1234.567890] msg"                    seconds since boot (default)
 *   "[Mon Nov 23 10:49:13 2026] msg"         -T / --ctime, strftime "%a %b %e %H:%M:%S %Y" in the caller's locale
 *   "2026-11-23T10:49:13,123456+01:00 msg"   --time-format iso
 *   "<6>[ 1234.567890] msg"                  -r raw priority prefix
 *   "kern  :info  : [ 1234.5] msg"           -x decoded facility/level
 *   "msg"                                    -t, or text captured from /dev/kmsg consumers
 * Kernel logs pasted from syslog ("Nov 23 10:49:13 host kernel: [..] msg") are read too.
 */
import { crashDirTime } from './crash-dir.js';
import type { TimeBase } from '../model.js';
import { KernelEventScanner } from './kernel-events.js';
import { parseIsoStamp, parseSyslogLine, stripUptimeStamp } from './syslog.js';
import type { LineParser, RecordSink, SourceParser } from './types.js';

/** Abbreviated month names as strftime %b writes them in common locales, after normalize(). */
const LOCALE_MONTHS: ReadonlyMap<string, number> = buildMonths([
  ['jan', 'janv', 'ene', 'gen', 'янв', 'led', 'sty'],
  ['feb', 'fevr', 'fev', 'фев', 'úno', 'lut'],
  ['mar', 'mars', 'mrt', 'мар', 'bře', 'mär'],
  ['apr', 'avr', 'abr', 'апр', 'dub', 'kwi'],
  ['may', 'mai', 'mag', 'mei', 'мая', 'май', 'kvě', 'maj'],
  ['jun', 'juin', 'giu', 'июн', 'čvn', 'cze'],
  ['jul', 'juil', 'lug', 'июл', 'čvc', 'lip'],
  ['aug', 'aout', 'août', 'ago', 'авг', 'srp', 'sie'],
  ['sep', 'sept', 'set', 'сен', 'zář', 'wrz'],
  ['oct', 'okt', 'ott', 'out', 'окт', 'říj', 'paź'],
  ['nov', 'ноя', 'lis'],
  ['dec', 'dez', 'dic', 'déc', 'дек', 'pro', 'gru'],
]);

function normalize(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\.$/, '');
}

function buildMonths(groups: string[][]): Map<string, number> {
  const map = new Map<string, number>();
  groups.forEach((names, month) => {
    for (const n of names) map.set(normalize(n), month);
  });
  return map;
}

/** Month from a localized %b: "nov", "nov.", "déc.", "Mär", "11月". */
export function localeMonth(token: string): number | undefined {
  const cjk = /^(\d{1,2})月$/.exec(token);
  if (cjk) {
    const m = Number(cjk[1]);
    return m >= 1 && m <= 12 ? m - 1 : undefined;
  }
  return LOCALE_MONTHS.get(normalize(token));
}

type Stamp = { timeBase: TimeBase; t: number } | { timeBase: 'bad'; t: null };

/** The text inside "[...]": seconds since boot or a ctime; null when it is not a time stamp at all. */
function bracketStamp(inner: string): Stamp | null {
  const s = inner.trim();
  if (/^\d+\.\d+$/.test(s)) return { timeBase: 'uptime', t: Number(s) };
  const tok = s.split(/\s+/);
  if (tok.length !== 5) return null;
  const [, mon, dayText, clock, yearText] = tok;
  if (!clock || !/^\d{1,2}:\d{2}:\d{2}$/.test(clock) || !yearText || !/^\d{4}$/.test(yearText)) return null;
  const month = localeMonth(mon ?? '');
  const day = Number(dayText);
  const [h, m, sec] = clock.split(':').map(Number);
  if (month === undefined || !(day >= 1 && day <= 31) || h === undefined || m === undefined || sec === undefined || h > 23 || m > 59) {
    return { timeBase: 'bad', t: null };
  }
  return { timeBase: 'local', t: Date.UTC(Number(yearText), month, day, h, m, sec) };
}

/** Strips "<6>" (dmesg -r) and "kern  :info  : " (dmesg -x) prefixes. */
function stripPriority(line: string): string {
  let s = line;
  if (s[0] === '<') {
    const close = s.indexOf('>');
    if (close > 1 && close <= 4 && /^\d+$/.test(s.slice(1, close))) s = s.slice(close + 1);
  }
  const c = s.indexOf(':');
  if (c > 0 && c < 10 && /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local\d) *:[a-z]+ *: /.test(s.slice(0, 24))) {
    s = s.slice(s.indexOf(': ', c + 1) + 2);
  }
  return s;
}

/**
 * Events of a crashed boot's log held until its last line gives their times. The kernel's ring buffer
 * is at most 32 MiB (log_buf_len), a few hundred thousand lines; a storm in it folds afterwards.
 */
const MAX_CRASH_EVENTS = 300_000;

// kdump writes to /var/crash/<dir>/ by default, or to the path (on the file system) kdump.conf names,
// which sos's kdump plugin reads too: any <dir>/vmcore-dmesg.txt outside sos's own output is one.
// Debian's kdump-tools names it dmesg.<stamp> in <stamp>/ (sos does not copy it; a user adds it).
const CRASHED_BOOT_LOG = /^(?!sos_commands\/)(?:.*\/)?([^/]+)\/(?:vmcore-dmesg\.txt|dmesg\.\d{12})$/;

/** A kernel log of a boot that crashed, which kdump saved: its seconds count from that boot, not this one. */
export function isCrashedBootLog(path: string): boolean {
  return CRASHED_BOOT_LOG.test(path);
}

/** A kdump vmcore-dmesg's path, and the local time its directory is named for (parsers/crash-dir.ts), or null. */
function crashDumpOf(path: string): { at: number | null } | null {
  const m = CRASHED_BOOT_LOG.exec(path);
  return m ? { at: crashDirTime(m[1] ?? '') } : null;
}

/**
 * The events of a crashed boot's log, placed by counting back from the dump's time: its last line is
 * the panic, seconds before the dump was written. Without that time they are listed without one, as
 * the seconds of another boot cannot be placed with this boot's.
 */
function placeCrashedBoot(crash: { at: number | null }, held: Parameters<RecordSink['event']>[0][], lastUptime: number | null, sink: RecordSink): void {
  const at = crash.at;
  if (at !== null && lastUptime !== null) {
    sink.format('vmcore-dmesg: the kernel log of a boot that crashed, saved by kdump');
    sink.diagnostic(undefined, 'info', `the kernel log of a boot that crashed, which kdump saved: its seconds are counted back from the time the dump's directory is named for (its last line, ${lastUptime.toFixed(0)} s after that boot, taken as that moment; the dump is written seconds to a minute after the panic)`);
  } else {
    sink.format('vmcore-dmesg: the kernel log of a boot that crashed, saved by kdump');
    sink.diagnostic(undefined, 'info', "the kernel log of a boot that crashed, which kdump saved: the dump's directory gives no time, so its events are listed without one");
  }
  for (const e of held) {
    // The stamp stays: that boot's syslog lines carry it too (timeline/crashed-boot.ts places the log by
    // them), and it keeps the twin matching from pairing them with this boot's lines.
    if (e.timeBase !== 'uptime' || e.t === null) {
      sink.event(e);
      continue;
    }
    sink.event(at !== null && lastUptime !== null ? { ...e, timeBase: 'local', t: at - (lastUptime - e.t) * 1000 } : { ...e, t: null });
  }
}

export const dmesg: SourceParser = {
  id: 'dmesg',
  title: 'kernel ring buffer (dmesg)',
  paths: [/^sos_commands\/(?:kernel|general)\/dmesg(?:_[^/]*)?$/, /^var\/log\/dmesg(?:\.\d{1,3})?$/, CRASHED_BOOT_LOG],
  sniff(head: string): boolean {
    const first = head.split('\n', 3).find((l) => l.length > 0);
    if (first === undefined) return false;
    const s = stripPriority(first);
    if (s[0] !== '[') return false;
    const close = s.indexOf(']');
    if (close < 0 || close > 48) return false;
    const st = bracketStamp(s.slice(1, close));
    return st !== null;
  },
  create(ctx, sink): LineParser {
    // var/crash/<host>-<YYYY-MM-DD-HH:MM:SS>/vmcore-dmesg.txt: the kernel log of a boot that crashed,
    // which kdump saved from the dump (sos's kdump plugin copies it). Its seconds count from that boot;
    // the directory is named for the moment the capture kernel wrote the dump, just after the panic.
    const crash = crashDumpOf(ctx.path);
    const held: Parameters<typeof sink.event>[0][] = [];
    let overflow = 0;
    const holding: RecordSink = {
      sample: (metric, labels, timeBase, t, value, line) => sink.sample(metric, labels, timeBase, t, value, line),
      event: (e) => {
        // a ring buffer holds at most a few hundred thousand lines; a file past that is not one
        if (held.length < MAX_CRASH_EVENTS) held.push(e);
        else overflow++;
      },
      fact: (name, value, line, labels) => sink.fact(name, value, line, labels),
      diagnostic: (line, severity, message) => sink.diagnostic(line, severity, message),
      format: (d) => sink.format(d),
      wants: (m) => sink.wants(m),
    };
    const scanner = new KernelEventScanner(crash ? holding : sink);
    let lastUptime: number | null = null;
    // var/log/dmesg.0, .1 …: the ring buffer an earlier boot saved (Debian rotates var/log/dmesg at each
    // boot). Its seconds count from that boot, whose time the bundle does not give: placed with this
    // boot's, an OOM kill of last week would read as one of today.
    const earlierBoot = /(?:^|\/)var\/log\/dmesg\.\d+$/.test(ctx.path);
    let toldEarlierBoot = false;
    let lastBase: TimeBase = 'uptime';
    let lastT: number | null = null;
    let stamped = 0;
    let messages = 0;
    let firstUptimeDone = false;
    let toldCtime = false;
    let toldBadStamp = false;
    let toldSyslog = false;

    return {
      push(line: string, lineNo: number): void {
        if (line.length === 0) return;
        const s = stripPriority(line);
        let message = s;
        let base: TimeBase | null = null;
        let t: number | null = null;
        if (s[0] === '[') {
          const close = s.indexOf(']');
          const st = close > 0 && close <= 48 ? bracketStamp(s.slice(1, close)) : null;
          if (st) {
            const rest = s.slice(close + 1);
            message = rest.startsWith(' ') ? rest.slice(1) : rest;
            if (st.timeBase === 'bad') {
              if (!toldBadStamp) sink.diagnostic(lineNo, 'warning', `unreadable dmesg -T time stamp "${s.slice(0, close + 1)}"; its events have no time`);
              toldBadStamp = true;
              base = 'local';
              t = null;
            } else {
              base = st.timeBase;
              t = st.t;
              if (base === 'uptime' && earlierBoot) {
                t = null;
                if (!toldEarlierBoot) sink.diagnostic(undefined, 'info', "an earlier boot's kernel log: its seconds count from a boot whose time the bundle does not give, so its events are listed without a time");
                toldEarlierBoot = true;
              } else if (base === 'uptime' && crash) {
                if (t !== null && (lastUptime === null || t > lastUptime)) lastUptime = t;
              } else if (base === 'uptime' && !firstUptimeDone) {
                firstUptimeDone = true;
                sink.fact('dmesg.firstUptimeSec', t, lineNo);
                sink.format('dmesg, seconds since boot');
              }
              if (base === 'local' && !toldCtime) {
                toldCtime = true;
                sink.format('dmesg -T, local wall clock');
                sink.diagnostic(undefined, 'info', 'dmesg -T times are approximate: they are computed from the current boot time and drift after suspend/resume');
              }
            }
          }
        } else {
          const c0 = s.charCodeAt(0);
          if (c0 >= 48 && c0 <= 57 && s[4] === '-') {
            const sp = s.indexOf(' ');
            const iso = sp > 0 ? parseIsoStamp(s.slice(0, sp)) : null;
            if (iso) {
              base = iso.timeBase;
              t = iso.t;
              message = s.slice(sp + 1);
              sink.format('dmesg --time-format iso');
            }
          }
          if (base === null) {
            const sl = parseSyslogLine(s);
            if (sl) {
              // Not the ring buffer proper but a kernel log excerpt; its wall-clock stamp survives reboots, the [uptime] does not.
              if (!toldSyslog) sink.format('kernel log lines with a syslog prefix');
              toldSyslog = true;
              if (sl.program !== 'kernel') return;
              base = sl.timeBase;
              t = sl.t;
              message = stripUptimeStamp(sl.message).message;
            }
          }
        }
        messages++;
        if (base === null) {
          // Continuation lines (Mem-Info, long task names) carry no stamp of their own.
          base = lastBase;
          t = lastT;
        } else {
          stamped++;
          lastBase = base;
          lastT = t;
        }
        scanner.feed(message, lineNo, base, t, line);
      },
      end(): void {
        scanner.end();
        if (crash) placeCrashedBoot(crash, held, lastUptime, sink);
        if (overflow > 0) sink.diagnostic(undefined, 'warning', `${overflow} more events than the ${MAX_CRASH_EVENTS} a crashed boot's log is read for were not kept`);
        if (messages === 0) return;
        if (stamped === 0) {
          sink.format('dmesg without time stamps');
          sink.diagnostic(undefined, 'warning', 'dmesg has no time stamps: its events cannot be placed on the timeline');
        }
        if (scanner.boots === 0 && !toldSyslog) {
          sink.diagnostic(undefined, 'warning', 'no "Linux version" line: the log does not reach back to boot (the ring buffer wrapped before collection, or the file was cut), so earlier kernel events are missing');
        }
      },
    };
  },
};
