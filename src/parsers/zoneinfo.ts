// /proc/zoneinfo: mm/vmstat.c zoneinfo_show_print(). Since 4.8 each node's
// first zone is preceded by a "per-node stats" block of nr_* counters, then
// "pages free"; older kernels start each zone with "pages free". The
// watermarks (min/low/high) follow "pages free" in both; the later "pagesets"
// block has its own "high:" lines (with a colon) that must not be read as the watermark.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

const WATERMARKS: Record<string, string> = {
  min: 'zoneinfo.minPages',
  low: 'zoneinfo.lowPages',
  high: 'zoneinfo.highPages',
  spanned: 'zoneinfo.spannedPages',
  present: 'zoneinfo.presentPages',
  managed: 'zoneinfo.managedPages',
  boost: 'zoneinfo.boostPages',
};

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let node: string | null = null;
  let zone: string | null = null;
  let inPages = false;
  let zones = 0;
  let format: string | null = null;
  return {
    push(line, lineNo) {
      const f = fields(line);
      const key = f[0];
      if (key === undefined) return;
      if (key === 'Node' && f[2] === 'zone' && f.length === 4) {
        node = (f[1] ?? '').replace(',', '');
        zone = f[3] ?? '';
        inPages = false;
        zones++;
        return;
      }
      if (node === null || zone === null) {
        sink.diagnostic(lineNo, 'warning', 'line outside any "Node N, zone Z" block');
        return;
      }
      const labels = { node, zone };
      if (key === 'per-node') {
        format ??= 'zoneinfo (per-node stats)';
        return;
      }
      if (key === 'pages' && f[1] === 'free' && f.length === 3) {
        const v = Number(f[2]);
        if (Number.isFinite(v)) sink.fact('zoneinfo.freePages', v, lineNo, labels);
        inPages = true;
        return;
      }
      if (key === 'pagesets' || key.startsWith('protection')) {
        inPages = false;
        return;
      }
      if (inPages && f.length === 2) {
        const name = WATERMARKS[key];
        if (name !== undefined) {
          const v = Number(f[1]);
          if (Number.isFinite(v)) sink.fact(name, v, lineNo, labels);
          else sink.diagnostic(lineNo, 'warning', `${key} is not a number`);
        }
      }
    },
    end() {
      sink.format(format ?? 'zoneinfo (pre-4.8)');
      if (zones === 0) sink.diagnostic(undefined, 'warning', 'no zones found');
    },
  };
}

export const zoneinfoParser: SourceParser = {
  id: 'zoneinfo',
  title: '/proc/zoneinfo',
  paths: [/^proc\/zoneinfo$/],
  sniff(head) {
    return /^Node \d+, zone +\w+\n/.test(head);
  },
  create,
};
