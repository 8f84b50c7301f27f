/**
 * pmap(1) output attached by customers (sos does not run it):
 * https://man7.org/linux/man-pages/man1/pmap.1.html (procps-ng pmap.c)
 *   pmap -x PID   "1234:   cmd" / "Address Kbytes RSS Dirty Mode Mapping" / rows / "total kB  VSZ RSS Dirty"
 *   pmap -X/-XX   "1234:   cmd" / "Address Perm Offset Device Inode Size ... Rss ... Anonymous ... [VmFlags] Mapping" / rows / "==== ..." / totals
 *   pmap PID      rows "addr  188K r---- bash" / " total  5232K" (VSZ only)
 * Several blocks may follow each other (pmap -x 1 2 3, or a loop with `date`
 * lines between snapshots); a `date` line sets the time of the blocks after it.
 */
import type { TimeBase } from '../model.js';
import { MONTHS } from '../timeline/clock.js';
import { parseIsoStamp } from './syslog.js';
import type { LineParser, RecordSink, SourceParser } from './types.js';
import { fields, num } from './util.js';

/** How many anonymous mappings to keep as evidence of where the memory went. */
const TOP_MAPPINGS = 5;

type Mode = 'x' | 'X' | 'plain' | null;

interface Mapping {
  address: string;
  mapping: string;
  rssKiB: number;
  kbytes: number;
}

interface Block {
  pid: number;
  comm: string;
  line: number;
  mode: Mode;
  /** -X column positions */
  sizeAt: number;
  rssAt: number;
  anonAt: number;
  lastNumericAt: number;
  rows: number;
  sumSize: number;
  sumRss: number;
  anon: Mapping[];
  done: boolean;
}

const HEADER_RE = /^\d+:\s+\S/;

/** A `date` line ("Mon Nov 23 10:49:13 CET 2026", 12-hour "… 10:49:13 AM CET 2026", or ISO) as local wall clock or UTC. */
export function parseDateLine(line: string): { timeBase: TimeBase; t: number } | null {
  const trimmed = line.trim();
  const c0 = trimmed.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) return parseIsoStamp(trimmed.replace(' ', 'T'));
  const tok = fields(trimmed);
  if (tok.length < 5 || tok.length > 7) return null;
  const month = MONTHS[(tok[1] ?? '').slice(0, 3).toLowerCase()];
  const day = Number(tok[2]);
  const clock = (tok[3] ?? '').split(':').map(Number);
  const year = Number(tok[tok.length - 1]);
  if (month === undefined || !(day >= 1 && day <= 31) || clock.length !== 3 || !Number.isInteger(year) || year < 1970) return null;
  let [h = NaN, m = NaN, s = NaN] = clock;
  const ampm = tok[4]?.toUpperCase();
  if (ampm === 'AM' || ampm === 'PM') {
    if (h === 12) h = 0;
    if (ampm === 'PM') h += 12;
  }
  if (!(h <= 23 && m <= 59 && s <= 60)) return null;
  // The zone abbreviation (CET, EEST) is ambiguous; the timeline applies the bundle's zone to local wall clock.
  const zone = tok.length === 6 && ampm !== 'AM' && ampm !== 'PM' ? tok[4] : tok.length === 7 ? tok[5] : undefined;
  const t = Date.UTC(year, month, day, h, m, s);
  return zone === 'UTC' || zone === 'GMT' ? { timeBase: 'utc', t } : { timeBase: 'local', t };
}

function commOfCommand(command: string): string {
  const first = fields(command)[0] ?? '';
  return first.startsWith('/') ? first.slice(first.lastIndexOf('/') + 1) : first;
}

export const pmap: SourceParser = {
  id: 'pmap',
  title: 'process memory map (pmap -x / -X)',
  paths: [/(?:^|\/)pmap[-_][^/]*$/],
  sniff(head: string): boolean {
    const lines = head.split('\n', 40);
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i] ?? '';
      if (!HEADER_RE.test(lines[i - 1] ?? '')) continue;
      const h = fields(l);
      if (h[0] === 'Address' && (h.includes('Kbytes') || h.includes('Perm'))) return true;
    }
    return false;
  },
  create(ctx, sink: RecordSink): LineParser {
    let timeBase: TimeBase = ctx.fileTime === undefined ? 'collected' : 'local';
    let t = ctx.fileTime ?? 0;
    let block: Block | null = null;
    let blocks = 0;

    const finish = (b: Block, totalSize: number | null, totalRss: number | null, line: number): void => {
      if (b.done) return;
      b.done = true;
      blocks++;
      const labels = { pid: String(b.pid), comm: b.comm };
      const vsz = totalSize ?? (b.rows > 0 ? b.sumSize : null);
      const rss = totalRss ?? (b.rows > 0 && b.mode !== 'plain' ? b.sumRss : null);
      if (vsz !== null && sink.wants('proc.vszKiB')) sink.sample('proc.vszKiB', labels, timeBase, t, vsz, line);
      if (rss !== null && sink.wants('proc.rssKiB')) sink.sample('proc.rssKiB', labels, timeBase, t, rss, line);
      if (b.anon.length > 0) {
        const top = [...b.anon].sort((a, c) => c.rssKiB - a.rssKiB).slice(0, TOP_MAPPINGS);
        sink.fact('pmap.topMappings', JSON.stringify(top), line, labels);
      }
    };

    const row = (b: Block, toks: string[], lineNo: number): void => {
      if (b.mode === 'X') {
        const size = num(toks[b.sizeAt]);
        const rss = num(toks[b.rssAt]);
        if (!Number.isFinite(size) || !Number.isFinite(rss)) return;
        b.rows++;
        b.sumSize += size;
        b.sumRss += rss;
        const anon = b.anonAt >= 0 ? num(toks[b.anonAt]) : NaN;
        // -XX puts two-letter VmFlags before the mapping name.
        let rest = toks.slice(b.lastNumericAt + 1);
        while (rest.length > 1 && /^[a-z0-9]{2}$/.test(rest[0] ?? '')) rest = rest.slice(1);
        if (rest.length === 1 && /^[a-z0-9]{2}$/.test(rest[0] ?? '')) rest = [];
        if (anon > 0) b.anon.push({ address: toks[0] ?? '', mapping: rest.join(' ') || '[anon]', rssKiB: anon, kbytes: size });
        return;
      }
      if (b.mode === 'x') {
        const kbytes = num(toks[1]);
        const rss = num(toks[2]);
        if (!Number.isFinite(kbytes)) {
          sink.diagnostic(lineNo, 'warning', 'pmap row without a Kbytes value');
          return;
        }
        b.rows++;
        b.sumSize += kbytes;
        if (Number.isFinite(rss)) b.sumRss += rss;
        const mapping = toks.slice(5).join(' ');
        if ((mapping === '[ anon ]' || mapping === '[ heap ]') && Number.isFinite(rss)) b.anon.push({ address: toks[0] ?? '', mapping, rssKiB: rss, kbytes });
        return;
      }
      // plain: "000055cc62eaf000    188K r---- bash"
      const size = num((toks[1] ?? '').replace(/K$/, ''));
      if (Number.isFinite(size)) {
        b.rows++;
        b.sumSize += size;
      }
    };

    return {
      push(line: string, lineNo: number): void {
        if (line.trim().length === 0) return;
        if (HEADER_RE.test(line)) {
          if (block) finish(block, null, null, lineNo - 1);
          const colon = line.indexOf(':');
          block = {
            pid: Number(line.slice(0, colon)),
            comm: commOfCommand(line.slice(colon + 1)),
            line: lineNo,
            mode: null,
            sizeAt: -1,
            rssAt: -1,
            anonAt: -1,
            lastNumericAt: -1,
            rows: 0,
            sumSize: 0,
            sumRss: 0,
            anon: [],
            done: false,
          };
          return;
        }
        const toks = fields(line);
        const b: Block | null = block;
        if (b === null || b.done) {
          const date = parseDateLine(line);
          if (date) {
            timeBase = date.timeBase;
            t = date.t;
          }
          return;
        }
        const first = toks[0] ?? '';
        if (first === 'Address') {
          if (toks.includes('Kbytes') && toks.includes('RSS')) b.mode = 'x';
          else if (toks.includes('Perm')) {
            b.mode = 'X';
            b.sizeAt = toks.indexOf('Size');
            b.rssAt = toks.indexOf('Rss');
            b.anonAt = toks.indexOf('Anonymous');
            const flags = toks.indexOf('VmFlags');
            const mapping = toks.indexOf('Mapping');
            b.lastNumericAt = (flags >= 0 ? flags : mapping >= 0 ? mapping : toks.length) - 1;
            if (b.sizeAt < 0 || b.rssAt < 0) sink.diagnostic(lineNo, 'warning', 'pmap -X header without Size and Rss columns');
          } else b.mode = 'plain';
          sink.format(b.mode === 'x' ? 'pmap -x' : b.mode === 'X' ? 'pmap -X' : 'pmap');
          return;
        }
        if (first === 'total' && toks[1] === 'kB') {
          // "total kB            5232    4140    1180"
          const size = num(toks[2]);
          const rss = num(toks[3]);
          finish(b, Number.isFinite(size) ? size : null, Number.isFinite(rss) ? rss : null, lineNo);
          return;
        }
        if (first === 'total' && toks.length === 2) {
          // plain pmap: " total     5232K"
          const size = num((toks[1] ?? '').replace(/K$/, ''));
          if (b.mode === null) b.mode = 'plain';
          finish(b, Number.isFinite(size) ? size : null, null, lineNo);
          return;
        }
        if (first.startsWith('---') || first.startsWith('===')) return;
        if (b.mode === null) {
          // plain pmap has no header line; its rows begin right after "PID: cmd".
          if (/^[0-9a-f]{8,16}$/.test(first) && (toks[1] ?? '').endsWith('K')) b.mode = 'plain';
          else return;
          sink.format('pmap');
        }
        if (b.mode === 'X' && toks[toks.length - 1] === 'KB') {
          // the -X totals row ("89844 ... 79424 ... KB"): the row sums already give the same values
          finish(b, null, null, lineNo);
          return;
        }
        if (!/^[0-9a-f]{6,16}$/.test(first)) {
          const date = parseDateLine(line);
          if (date) {
            finish(b, null, null, lineNo - 1);
            timeBase = date.timeBase;
            t = date.t;
          }
          return;
        }
        row(b, toks, lineNo);
      },
      end(): void {
        const b: Block | null = block;
        if (b && !b.done) {
          if (b.rows > 0) sink.diagnostic(undefined, 'warning', `pmap block for pid ${b.pid} has no total line (output cut); totals are summed from its rows`);
          finish(b, null, null, b.line);
        }
        if (blocks === 0 && b === null) sink.diagnostic(undefined, 'warning', 'no "PID: command" line: this is not pmap output');
      },
    };
  },
};
