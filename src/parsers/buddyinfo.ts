// /proc/buddyinfo: https://www.kernel.org/doc/html/latest/filesystems/proc.html (buddyinfo)
// "Node 0, zone   Normal  c0 c1 ... c10": c_k free blocks of 2^k pages each.
// Few blocks at high orders while low orders are plentiful is fragmentation:
// THP (order 9) and many driver allocations then need compaction.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

/** Orders at or above this count as "high" for buddy.highOrderFree: 64 KiB blocks with 4 KiB pages. */
export const HIGH_ORDER = 4;

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let rows = 0;
  return {
    push(line, lineNo) {
      const f = fields(line);
      if (f.length === 0) return;
      if (f[0] !== 'Node' || f[2] !== 'zone' || f.length < 5) {
        sink.diagnostic(lineNo, 'warning', 'not a buddyinfo row');
        return;
      }
      const node = (f[1] ?? '').replace(',', '');
      const zone = f[3] ?? '';
      let high = 0;
      let pages = 0;
      for (let order = 0; order + 4 < f.length; order++) {
        const c = Number(f[order + 4]);
        if (!Number.isInteger(c) || c < 0) {
          sink.diagnostic(lineNo, 'warning', `order ${order} count is not a number`);
          return;
        }
        sink.fact('buddy.free', c, lineNo, { node, zone, order: String(order) });
        if (order >= HIGH_ORDER) high += c;
        pages += c * 2 ** order;
      }
      rows++;
      sink.fact('buddy.highOrderFree', high, lineNo, { node, zone });
      sink.fact('buddy.freePages', pages, lineNo, { node, zone });
    },
    end() {
      sink.format('proc/buddyinfo');
      if (rows === 0) sink.diagnostic(undefined, 'warning', 'no buddyinfo rows found');
    },
  };
}

export const buddyinfoParser: SourceParser = {
  id: 'buddyinfo',
  title: '/proc/buddyinfo',
  paths: [/^proc\/buddyinfo$/],
  sniff(head) {
    return /^Node \d+, zone +\w+ +\d/.test(head);
  },
  create,
};
