// /proc/cmdline, the kernel's boot parameters (sos's kernel plugin copies it). What is read:
// hugepage pools reserved at boot, from kernel-parameters.txt
// (https://docs.kernel.org/admin-guide/kernel-parameters.html) and Documentation/admin-guide/mm/hugetlbpage.rst:
// `hugepages=N` sizes the pool of the `hugepagesz=` before it, or of the default size when none is;
// `default_hugepagesz=` sets that default. The only way to be sure of 1 GiB pages: at boot, memory
// is not yet fragmented. And `transparent_hugepage=`, THP's mode from boot on.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

/** "1G", "2M", "2048k", "1048576" (bytes) → KiB; null when it is no size. */
export function sizeToKiB(text: string): number | null {
  const m = /^(\d+)([KkMmGg]?)$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toUpperCase();
  const kib = unit === 'G' ? n * 1024 * 1024 : unit === 'M' ? n * 1024 : unit === 'K' ? n : n / 1024;
  return Number.isSafeInteger(kib) && kib > 0 ? kib : null;
}

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let seen = false;
  return {
    push(line, lineNo) {
      if (seen || line.trim() === '') return;
      seen = true;
      sink.format('proc/cmdline');
      sink.fact('boot.cmdline', line.trim().slice(0, 4096), lineNo);
      let size: number | 'default' = 'default';
      let pools = 0;
      for (const word of line.trim().split(/\s+/)) {
        const eq = word.indexOf('=');
        if (eq < 0) continue;
        const key = word.slice(0, eq);
        const value = word.slice(eq + 1);
        if (key === 'hugepagesz') {
          const kib = sizeToKiB(value);
          if (kib === null) sink.diagnostic(lineNo, 'warning', `hugepagesz=${value.slice(0, 40)} is no size`);
          size = kib ?? 'default';
        } else if (key === 'default_hugepagesz') {
          const kib = sizeToKiB(value);
          if (kib !== null) sink.fact('boot.defaultHugepageKiB', kib, lineNo);
        } else if (key === 'transparent_hugepage' && /^(always|madvise|never)$/.test(value)) {
          // THP's mode from boot on (kernel-parameters.txt); TuneD or a script may change it later
          sink.fact('boot.thp', value, lineNo);
        } else if (key === 'hugepages') {
          // since 5.8 also per node: hugepages=0:1,1:2 (kernel-parameters.txt); counted as their sum
          const counts = /^\d+$/.test(value)
            ? [Number(value)]
            : /^(\d+:\d+)(,\d+:\d+)*$/.test(value)
              ? value.split(',').map((p) => Number(p.split(':')[1]))
              : null;
          if (counts === null) {
            sink.diagnostic(lineNo, 'warning', `hugepages=${value.slice(0, 40)} is no page count`);
            continue;
          }
          sink.fact(
            'boot.hugepages',
            counts.reduce((a, b) => a + b, 0),
            lineNo,
            { size: String(size) },
          );
          pools++;
        }
      }
      // a number, so that a rule can quote the line when it finds no pool on it
      sink.fact('boot.cmdlineHugepagePools', pools, lineNo);
    },
    end() {
      if (!seen) sink.diagnostic(undefined, 'warning', 'empty kernel command line');
    },
  };
}

export const kernelCmdlineParser: SourceParser = {
  id: 'kernel-cmdline',
  title: '/proc/cmdline',
  paths: [/^proc\/cmdline$/],
  sniff() {
    return false;
  },
  create,
};
