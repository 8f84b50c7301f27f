// uptime(1) (procps-ng): https://man7.org/linux/man-pages/man1/uptime.1.html
// Output format: procps-ng library/uptime.c sprint_uptime(). sos collects it as
// sos_commands/host/uptime (older: general/uptime) with a top-level symlink.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { firstLineParser } from './util.js';
import { fields, num } from './util.js';

export interface UptimeLine {
  clockSec: number | null;
  uptimeSec: number;
  loads: number[];
}

/** "10:49:13", "10:49am" (older SUSE procps) → seconds of the day. */
function clockOf(tok: string): number | null {
  let t = tok.toLowerCase();
  let pm: boolean | null = null;
  if (t.endsWith('am') || t.endsWith('pm')) {
    pm = t.endsWith('pm');
    t = t.slice(0, -2);
  }
  const parts = t.split(':');
  if (parts.length < 2 || parts.length > 3) return null;
  const [hs, ms, ss] = parts;
  let h = Number(hs);
  const m = Number(ms);
  const s = ss === undefined ? 0 : Number(ss);
  if (![h, m, s].every((v) => Number.isInteger(v) && v >= 0) || m > 59 || s > 59) return null;
  if (pm !== null) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (h > 23) return null;
  return h * 3600 + m * 60 + s;
}

/**
 * Parses the classic uptime line. procps prints the uptime as "N day(s)," then
 * either "H:MM" or "M min"; BSD-style "hrs"/"secs" show up in attachments.
 */
export function parseUptimeLine(line: string): UptimeLine | null {
  const upAt = line.indexOf(' up ');
  if (upAt < 0) return null;
  const head = fields(line.slice(0, upAt));
  const clockSec = head.length === 1 && head[0] !== undefined ? clockOf(head[0]) : null;
  if (head.length > 1) return null;
  const loadAt = line.indexOf('load average');
  const body = line.slice(upAt + 4, loadAt < 0 ? line.length : loadAt);
  let total = 0;
  let seen = false;
  for (const part of body.split(',')) {
    if (part.includes('user')) break;
    const toks = fields(part);
    for (let i = 0; i < toks.length; i++) {
      const tok = toks[i] ?? '';
      if (tok.includes(':')) {
        const [hh, mm] = tok.split(':');
        const h = Number(hh);
        const m = Number(mm);
        if (!Number.isInteger(h) || !Number.isInteger(m) || m > 59) return null;
        total += h * 3600 + m * 60;
        seen = true;
        continue;
      }
      const n = Number(tok);
      const unit = (toks[i + 1] ?? '').toLowerCase();
      if (!Number.isInteger(n) || unit === '') return null;
      if (unit.startsWith('day')) total += n * 86400;
      else if (unit.startsWith('hr') || unit.startsWith('hour')) total += n * 3600;
      else if (unit.startsWith('min')) total += n * 60;
      else if (unit.startsWith('sec')) total += n;
      else return null;
      seen = true;
      i++;
    }
  }
  if (!seen) return null;
  const loads: number[] = [];
  if (loadAt >= 0) {
    const colon = line.indexOf(':', loadAt);
    const rest = colon < 0 ? '' : line.slice(colon + 1).trim();
    // "0.52, 0.58, 0.59" in C; "0,52, 0,58, 0,59" in comma-decimal locales; "0.52 0.58 0.59" on BSD.
    const parts = rest.includes(', ') ? rest.split(', ') : rest.includes('.') && !rest.includes(' ') ? rest.split(',') : fields(rest);
    for (const p of parts) {
      const v = num(p.trim());
      if (Number.isFinite(v) && v >= 0) loads.push(v);
    }
  }
  return { clockSec, uptimeSec: total, loads };
}

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  return firstLineParser(sink, {
    what: 'an uptime(1) line',
    format: 'uptime',
    parse: parseUptimeLine,
    emit: (u, lineNo, line) => {
      sink.fact('time.uptimeSec', u.uptimeSec, lineNo);
      if (u.clockSec !== null) sink.fact('time.uptimeClockLocal', u.clockSec, lineNo);
      const names = ['load.avg1', 'load.avg5', 'load.avg15'];
      if (u.loads.length === 3) u.loads.forEach((v, i) => sink.fact(names[i] ?? 'load.avg', v, lineNo));
      else if (line.includes('load average')) sink.diagnostic(lineNo, 'warning', 'load averages not readable');
    },
  });
}

export const uptimeParser: SourceParser = {
  id: 'uptime',
  title: 'uptime',
  paths: [/^sos_commands\/(host|general)\/uptime$/, /^uptime$/],
  sniff(head) {
    const first = head.split('\n', 1)[0] ?? '';
    return first.includes(' up ') && first.includes('load average') && parseUptimeLine(first) !== null;
  },
  create,
};
