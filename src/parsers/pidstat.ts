// pidstat(1) from sysstat: https://man7.org/linux/man-pages/man1/pidstat.1.html, source
// https://github.com/sysstat/sysstat/blob/master/pidstat.c. sos runs
// `pidstat -p ALL -rudvwsRU --human -h` and `pidstat -tl`. With -h every report is one line per
// task under a "#      Time ..." header; sysstat < 11.5 prints epoch seconds in that column, newer
// ones the wall clock (epoch only with -H). Without -h each activity has its own block whose first
// column is the wall-clock time.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import type { Labels } from '../model.js';
import { fields, num } from './util.js';

interface ColumnMap {
  idx: number;
  metric: string;
  /** the column is in kB (VSZ, RSS, kB_rd/s): --human prints it with a unit suffix */
  size: boolean;
}

const METRICS: Record<string, { metric: string; size: boolean }> = {
  '%CPU': { metric: 'proc.cpuPct', size: false },
  '%usr': { metric: 'proc.userPct', size: false },
  '%system': { metric: 'proc.systemPct', size: false },
  '%guest': { metric: 'proc.guestPct', size: false },
  '%wait': { metric: 'proc.waitPct', size: false },
  'minflt/s': { metric: 'proc.minfltPerSec', size: false },
  'majflt/s': { metric: 'proc.majfltPerSec', size: false },
  VSZ: { metric: 'proc.vszKiB', size: true },
  RSS: { metric: 'proc.rssKiB', size: true },
  '%MEM': { metric: 'proc.memPct', size: false },
  'kB_rd/s': { metric: 'proc.readKBps', size: true },
  'kB_wr/s': { metric: 'proc.writeKBps', size: true },
  'kB_ccwr/s': { metric: 'proc.cancelledWriteKBps', size: true },
  iodelay: { metric: 'proc.iodelayTicks', size: false },
  'cswch/s': { metric: 'proc.cswchPerSec', size: false },
  'nvcswch/s': { metric: 'proc.nvcswchPerSec', size: false },
};

/** --human suffixes, relative to the column's own kB unit */
const HUMAN: Record<string, number> = { B: 1 / 1024, k: 1, K: 1, M: 1024, G: 1024 ** 2, T: 1024 ** 3, P: 1024 ** 4 };

export function pidstatValue(text: string, size: boolean): number {
  let t = text;
  if (t.endsWith('%')) t = t.slice(0, -1);
  const last = t.charAt(t.length - 1);
  const factor = HUMAN[last];
  if (factor !== undefined && size) return num(t.slice(0, -1)) * factor;
  return num(t);
}

const CLOCK = /^(\d{1,2}):(\d{2}):(\d{2})$/;

/** "01/11/2017", "04/02/16", "2019-06-30" in the "Linux ..." banner */
function bannerDate(tokens: string[]): { y: number; m0: number; d: number } | null {
  for (const tok of tokens) {
    let m = /^(\d{2})\/(\d{2})\/(\d{2}|\d{4})$/.exec(tok);
    if (m) {
      const y = Number(m[3]);
      return { y: y < 100 ? 2000 + y : y, m0: Number(m[1]) - 1, d: Number(m[2]) };
    }
    m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(tok);
    if (m) return { y: Number(m[1]), m0: Number(m[2]) - 1, d: Number(m[3]) };
  }
  return null;
}

export const pidstat: SourceParser = {
  id: 'pidstat',
  title: 'pidstat',
  paths: [/^sos_commands\/process\/pidstat_/],
  sniff(head: string): boolean {
    return /^#\s+Time\s+(?:UID|USER)\s+(?:TGID\s+)?PID\s/m.test(head) || /^\S+(?: [AP]M)?\s+(?:UID|USER)\s+(?:TGID\s+)?PID\s+(?:%usr|minflt\/s|kB_rd\/s|cswch\/s)/m.test(head);
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    let date: { y: number; m0: number; d: number } | null = null;
    if (ctx.fileTime !== undefined) {
      const d = new Date(ctx.fileTime);
      date = { y: d.getUTCFullYear(), m0: d.getUTCMonth(), d: d.getUTCDate() };
    }
    /** column names after the time column(s) */
    let cols: string[] = [];
    let maps: ColumnMap[] = [];
    let pidIdx = -1;
    let tgidIdx = -1;
    let userIdx = -1;
    let cmdIdx = -1;
    let dayOffset = 0;
    let lastSecOfDay = -1;
    let noDateWarned = false;

    const setHeader = (names: string[]): void => {
      cols = names;
      pidIdx = names.indexOf('PID');
      tgidIdx = names.indexOf('TGID');
      userIdx = names.indexOf('USER');
      cmdIdx = names.indexOf('Command');
      maps = [];
      names.forEach((n, idx) => {
        const m = METRICS[n];
        if (m && sink.wants(m.metric)) maps.push({ idx, metric: m.metric, size: m.size });
      });
    };

    /** returns [timeBase, t, number of tokens the time used] or null */
    const parseTime = (f: string[], lineNo: number): ['utc' | 'local', number, number] | null => {
      const first = f[0] ?? '';
      if (/^\d{9,11}$/.test(first)) return ['utc', Number(first) * 1000, 1];
      const m = CLOCK.exec(first);
      if (!m) return null;
      let h = Number(m[1]);
      let used = 1;
      const ampm = f[1];
      if (ampm === 'AM' || ampm === 'PM') {
        used = 2;
        if (h === 12) h = 0;
        if (ampm === 'PM') h += 12;
      }
      const sec = h * 3600 + Number(m[2]) * 60 + Number(m[3]);
      // a report that runs past midnight keeps printing bare times; a big step back is the next day
      if (lastSecOfDay >= 0 && sec < lastSecOfDay - 43200) dayOffset++;
      lastSecOfDay = sec;
      if (!date) {
        if (!noDateWarned) sink.diagnostic(lineNo, 'warning', 'pidstat: wall-clock times but no date in the banner; rows skipped');
        noDateWarned = true;
        return null;
      }
      return ['local', Date.UTC(date.y, date.m0, date.d + dayOffset) + sec * 1000, used];
    };

    return {
      push(line: string, lineNo: number): void {
        const f = fields(line);
        if (f.length === 0) return;
        const first = f[0] ?? '';
        if (first === 'Linux') {
          const d = bannerDate(f);
          if (d) date = d;
          sink.format('pidstat');
          return;
        }
        if (first.startsWith('#')) {
          // "#      Time   UID ..." or "# Time        UID ..."
          const names = first === '#' ? f.slice(1) : [first.slice(1), ...f.slice(1)];
          if (names.includes('PID') || names.includes('TGID')) {
            setHeader(names.slice(1));
            sink.format('pidstat -h');
          }
          return;
        }
        if (first === 'Average:' || first === 'Summary:') return;
        const skip = f[1] === 'AM' || f[1] === 'PM' ? 2 : 1;
        const firstCol = f[skip] ?? '';
        if ((firstCol === 'UID' || firstCol === 'USER' || firstCol === 'PID' || firstCol === 'TGID') && !/^\d+$/.test(f[skip + 1] ?? '')) {
          // block header: "10:20:01 AM   UID       PID    %usr ..."
          setHeader(f.slice(skip));
          return;
        }
        if (cols.length === 0) return;
        const time = parseTime(f, lineNo);
        if (!time) {
          if (!noDateWarned) sink.diagnostic(lineNo, 'warning', 'pidstat: row without a time');
          return;
        }
        const [base, t, used] = time;
        const vals = f.slice(used);
        if (vals.length < cols.length - (cmdIdx >= 0 ? 1 : 0)) {
          sink.diagnostic(lineNo, 'warning', `pidstat: expected ${cols.length} columns, got ${vals.length}`);
          return;
        }
        // -t thread rows carry "-" as TGID and repeat the task's totals per thread
        if (tgidIdx >= 0 && vals[tgidIdx] === '-') return;
        const pid = tgidIdx >= 0 ? vals[tgidIdx] : pidIdx >= 0 ? vals[pidIdx] : undefined;
        if (pid === undefined || !/^\d+$/.test(pid)) {
          sink.diagnostic(lineNo, 'warning', 'pidstat: no PID on row');
          return;
        }
        let comm = cmdIdx >= 0 ? vals.slice(cmdIdx).join(' ') : '';
        if (comm.startsWith('|__')) comm = comm.slice(3);
        const labels: Labels = userIdx >= 0 ? { pid, comm, user: vals[userIdx] ?? '' } : { pid, comm };
        for (const m of maps) {
          const raw = vals[m.idx];
          if (raw === undefined) continue;
          const v = pidstatValue(raw, m.size);
          // sysstat prints -1 when a counter cannot be read (I/O stats of another user's task)
          if (!Number.isFinite(v) || v < 0) continue;
          sink.sample(m.metric, labels, base, t, v, lineNo);
        }
      },
      end(): void {},
    };
  },
};
