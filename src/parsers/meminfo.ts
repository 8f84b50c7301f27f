// /proc/meminfo: https://man7.org/linux/man-pages/man5/proc_meminfo.5.html
// Per-node: drivers/base/node.c node_read_meminfo() ("Node 0 MemTotal: ... kB").
// Values in "kB" are KiB; HugePages_* lines are page counts with no unit.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

function nodeFromPath(path: string): string | null {
  const m = /node(\d+)\/meminfo$/.exec(path);
  return m?.[1] ?? null;
}

/**
 * meminfo's HugePages_* lines count the pool of the default page size only, and
 * under the same fact names as sysfs gives every size's pool
 * (sys/kernel/mm/hugepages/hugepages-<size>kB), so a rule reads one pool per
 * size whichever the bundle holds; sysfs's word counts first (fact-order.ts).
 */
const HUGEPAGE_POOL_FACTS: Record<string, string> = {
  HugePages_Total: 'hugepages.total',
  HugePages_Free: 'hugepages.free',
  HugePages_Rsvd: 'hugepages.reserved',
  HugePages_Surp: 'hugepages.surplus',
};

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const pathNode = nodeFromPath(ctx.path);
  let count = 0;
  let perNode = false;
  const pool: { name: string; value: number; lineNo: number }[] = [];
  let pageKiB: number | null = null;
  return {
    push(line, lineNo) {
      if (line.trim() === '') return;
      let f = fields(line);
      let node: string | null = null;
      if (f[0] === 'Node' && f.length >= 3) {
        node = f[1] ?? null;
        f = f.slice(2);
        perNode = true;
      } else if (pathNode !== null) node = pathNode;
      const keyTok = f[0] ?? '';
      if (!keyTok.endsWith(':') || keyTok.length < 2 || f.length < 2 || f.length > 3) {
        sink.diagnostic(lineNo, 'warning', 'not a "Field: value [kB]" line');
        return;
      }
      const key = keyTok.slice(0, -1);
      const v = Number(f[1]);
      const unit = f[2];
      if (!Number.isFinite(v) || (unit !== undefined && unit !== 'kB')) {
        sink.diagnostic(lineNo, 'warning', `${key} has no readable value`);
        return;
      }
      count++;
      // Per-node facts get their own name: consumers that look up meminfo.MemTotal must get the host's total.
      if (node !== null) sink.fact(`nodeMeminfo.${key}`, v, lineNo, { node });
      else {
        sink.fact(`meminfo.${key}`, v, lineNo);
        const poolFact = HUGEPAGE_POOL_FACTS[key];
        if (poolFact !== undefined) pool.push({ name: poolFact, value: v, lineNo });
        else if (key === 'Hugepagesize') pageKiB = v;
      }
    },
    end() {
      if (pageKiB !== null && pageKiB > 0) for (const p of pool) sink.fact(p.name, p.value, p.lineNo, { sizeKiB: String(pageKiB) });
      sink.format(perNode || pathNode !== null ? 'node meminfo' : 'proc/meminfo');
      if (count === 0) sink.diagnostic(undefined, 'warning', 'no meminfo fields found');
    },
  };
}

export const meminfoParser: SourceParser = {
  id: 'meminfo',
  title: '/proc/meminfo and per-node meminfo',
  paths: [/^proc\/meminfo$/, /^sys\/devices\/system\/node\/node\d+\/meminfo$/],
  sniff(head) {
    return head.startsWith('MemTotal:') || /^Node \d+ MemTotal:/.test(head);
  },
  create,
};
