// /proc/vmstat: https://man7.org/linux/man-pages/man5/proc_vmstat.5.html (mm/vmstat.c vmstat_text[]).
// Counters are cumulative since boot; names change across kernels (pgscan_kswapd_* vs pgscan_kswapd), kept as written.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let count = 0;
  return {
    push(line, lineNo) {
      const f = fields(line);
      if (f.length === 0) return;
      const name = f[0] ?? '';
      const v = Number(f[1]);
      if (f.length !== 2 || !/^[a-z0-9_]+$/.test(name) || !Number.isFinite(v)) {
        sink.diagnostic(lineNo, 'warning', 'not a "counter value" line');
        return;
      }
      count++;
      sink.fact(`vmstat.${name}`, v, lineNo);
    },
    end() {
      sink.format('proc/vmstat');
      if (count === 0) sink.diagnostic(undefined, 'warning', 'no vmstat counters found');
    },
  };
}

export const procVmstatParser: SourceParser = {
  id: 'proc-vmstat',
  title: '/proc/vmstat',
  paths: [/^proc\/vmstat$/],
  sniff(head) {
    return /^nr_free_pages \d+\n/.test(head);
  },
  create,
};
