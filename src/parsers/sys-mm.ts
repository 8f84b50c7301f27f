// Memory-management knobs in sysfs, one value per file; what a file means comes from its path.
// THP: https://docs.kernel.org/admin-guide/mm/transhuge.html ("always [madvise] never": the bracket is the setting)
// KSM: https://docs.kernel.org/admin-guide/mm/ksm.html
// hugetlb: https://docs.kernel.org/admin-guide/mm/hugetlbpage.html (per size, and per node under sys/devices/system/node)
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import type { Labels } from '../model.js';

const HUGEPAGE_FILES: Record<string, string> = {
  nr_hugepages: 'hugepages.total',
  free_hugepages: 'hugepages.free',
  resv_hugepages: 'hugepages.reserved',
  surplus_hugepages: 'hugepages.surplus',
  nr_overcommit_hugepages: 'hugepages.overcommit',
};

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The fact a sysfs path holds, or null when this parser does not know the file. */
export function factForPath(path: string): { name: string; labels: Labels } | null {
  let m = /^sys\/kernel\/mm\/(?:redhat_)?transparent_hugepage\/(?:(khugepaged)\/)?([a-z_]+)$/.exec(path);
  if (m) return { name: m[1] ? `thp.khugepaged.${camel(m[2] ?? '')}` : `thp.${camel(m[2] ?? '')}`, labels: {} };
  m = /^sys\/kernel\/mm\/ksm\/([a-z_]+)$/.exec(path);
  if (m) return { name: `ksm.${camel(m[1] ?? '')}`, labels: {} };
  m = /^sys\/(?:kernel\/mm|devices\/system\/node\/node(\d+))\/hugepages\/hugepages-(\d+)kB\/([a-z_]+)$/.exec(path);
  if (m) {
    const name = HUGEPAGE_FILES[m[3] ?? ''];
    if (name === undefined) return null;
    // A node's share of a pool has names of its own: a lookup of the host's pool by size must not find a node's.
    if (m[1] !== undefined) return { name: name.replace('hugepages.', 'hugepages.node.'), labels: { sizeKiB: m[2] ?? '', node: m[1] } };
    return { name, labels: { sizeKiB: m[2] ?? '' } };
  }
  return null;
}

/** "always [madvise] never" → "madvise"; "42" → 42; anything else as written. */
export function sysfsValue(text: string): string | number {
  const t = text.trim();
  const open = t.indexOf('[');
  const close = t.indexOf(']', open + 1);
  if (open >= 0 && close > open) return t.slice(open + 1, close);
  if (/^-?\d+$/.test(t) && Number.isSafeInteger(Number(t))) return Number(t);
  return t;
}

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const target = factForPath(ctx.path);
  let done = false;
  return {
    push(line, lineNo) {
      if (done || line.trim() === '') return;
      done = true;
      if (target === null) {
        sink.diagnostic(lineNo, 'info', `no fact is known for ${ctx.path}`);
        return;
      }
      sink.fact(target.name, sysfsValue(line), lineNo, target.labels);
    },
    end() {
      sink.format('sysfs mm');
      if (!done) sink.diagnostic(undefined, 'warning', 'empty sysfs file');
    },
  };
}

export const sysMmParser: SourceParser = {
  id: 'sys-mm',
  title: 'THP, KSM and hugetlb settings in sysfs',
  paths: [
    /^sys\/kernel\/mm\/(redhat_)?transparent_hugepage\/(enabled|defrag|shmem_enabled|use_zero_page|hpage_pmd_size)$/,
    /^sys\/kernel\/mm\/(redhat_)?transparent_hugepage\/khugepaged\/(defrag|pages_to_scan|scan_sleep_millisecs|alloc_sleep_millisecs|pages_collapsed|full_scans|max_ptes_none|max_ptes_swap)$/,
    /^sys\/kernel\/mm\/ksm\/[a-z_]+$/,
    /^sys\/kernel\/mm\/hugepages\/hugepages-\d+kB\/(nr_hugepages|free_hugepages|resv_hugepages|surplus_hugepages|nr_overcommit_hugepages)$/,
    /^sys\/devices\/system\/node\/node\d+\/hugepages\/hugepages-\d+kB\/(nr_hugepages|free_hugepages|surplus_hugepages)$/,
  ],
  sniff() {
    // One bare value says nothing about which knob it is.
    return false;
  },
  create,
};
