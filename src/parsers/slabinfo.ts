// /proc/slabinfo: https://man7.org/linux/man-pages/man5/slabinfo.5.html (format version 2.1).
// Only the largest caches are kept as facts: a leaking cache (dentry,
// kmalloc-*) is what matters, and a full list is hundreds of rows.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

/** how many of the largest caches become facts */
export const TOP_SLABS = 10;

interface Slab {
  name: string;
  kib: number;
  activeObjs: number;
  line: number;
}

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  const slabs: Slab[] = [];
  let totalKiB = 0;
  return {
    push(line, lineNo) {
      if (line.startsWith('slabinfo - version')) {
        sink.format(line.trim());
        return;
      }
      if (line.startsWith('#') || line.trim() === '') return;
      const f = fields(line);
      const name = f[0];
      const activeObjs = Number(f[1]);
      const numObjs = Number(f[2]);
      const objSize = Number(f[3]);
      if (name === undefined || f.length < 6 || !Number.isFinite(activeObjs) || !Number.isFinite(numObjs) || !Number.isFinite(objSize)) {
        sink.diagnostic(lineNo, 'warning', 'not a slabinfo row');
        return;
      }
      const kib = (numObjs * objSize) / 1024;
      totalKiB += kib;
      slabs.push({ name, kib, activeObjs, line: lineNo });
    },
    end() {
      if (slabs.length === 0) {
        sink.diagnostic(undefined, 'warning', 'no slab caches found');
        return;
      }
      sink.fact('slab.totalKiB', Math.round(totalKiB), 1);
      slabs.sort((a, b) => b.kib - a.kib);
      slabs.slice(0, TOP_SLABS).forEach((s, i) => {
        sink.fact('slab.topKiB', Math.round(s.kib), s.line, { slab: s.name, rank: String(i + 1) });
        sink.fact('slab.topActiveObjs', s.activeObjs, s.line, { slab: s.name, rank: String(i + 1) });
      });
    },
  };
}

export const slabinfoParser: SourceParser = {
  id: 'slabinfo',
  title: '/proc/slabinfo',
  paths: [/^proc\/slabinfo$/],
  sniff(head) {
    return head.startsWith('slabinfo - version:');
  },
  create,
};
