// numastat(8) from numactl: https://man7.org/linux/man-pages/man8/numastat.8.html,
// source https://github.com/numactl/numactl/blob/master/numastat.c. Plain `numastat` prints the
// kernel's per-node counters in pages (header "node0 node1"); -m, -n and -p print MB tables with
// "Node 0 ... Total" headers.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields, num } from './util.js';

type Mode = 'none' | 'counters' | 'meminfo' | 'numastatMB' | 'process' | 'processes';

/** sos names: numastat, numastat_-m, numastat_-n, numastat_-p_<pid> (and attachments with a suffix). */
const PATHS = [/^sos_commands\/numa\/numastat(?:_-[-\w.]*)?$/];

function parseProcName(text: string): { pid: string; comm: string } | null {
  const m = /^(\d+)\s+\((.*)\)$/.exec(text.trim());
  if (!m?.[1]) return null;
  return { pid: m[1], comm: m[2] ?? '' };
}

export const numastat: SourceParser = {
  id: 'numastat',
  title: 'numastat',
  paths: PATHS,
  sniff(head: string): boolean {
    return /^\s+node0(?:\s+node\d+)*\s*$/m.test(head) || /^Per-node (?:system|process) memory usage \(in MBs\)|^Per-node numastat info \(in MBs\)/m.test(head);
  },
  create(_ctx: ParseContext, sink: RecordSink): LineParser {
    let mode: Mode = 'none';
    /** node ids of the value columns; 'Total' for the total column */
    let cols: string[] = [];
    let proc: { pid: string; comm: string } | null = null;
    const local = new Map<string, { line: number; local: number; other: number }>();
    let tokenWarned = false;

    const counterRow = (name: string, vals: string[], lineNo: number): void => {
      for (let i = 0; i < cols.length && i < vals.length; i++) {
        const node = cols[i] ?? '';
        const v = num(vals[i]);
        if (!Number.isFinite(v)) {
          sink.diagnostic(lineNo, 'warning', `numastat: ${name} for node ${node} is not a number: ${vals[i] ?? ''}`);
          continue;
        }
        if (node === 'Total') continue;
        if (mode === 'counters') {
          sink.fact(`numa.${name}`, v, lineNo, { node });
          if (name === 'local_node' || name === 'other_node') {
            const acc = local.get(node) ?? { line: lineNo, local: 0, other: 0 };
            if (name === 'local_node') acc.local = v;
            else acc.other = v;
            acc.line = lineNo;
            local.set(node, acc);
          }
        } else if (mode === 'numastatMB') {
          sink.fact(`numa.${name.toLowerCase()}MiB`, v, lineNo, { node });
        } else if (mode === 'meminfo') {
          sink.fact(`numa.mem.${name}MiB`, v, lineNo, { node });
        }
      }
    };

    const procRow = (p: { pid: string; comm: string }, name: string, vals: string[], lineNo: number): void => {
      for (let i = 0; i < cols.length && i < vals.length; i++) {
        const node = cols[i] ?? '';
        const v = num(vals[i]);
        if (!Number.isFinite(v)) continue;
        if (node === 'Total') {
          if (name === 'Total') sink.fact('numa.procTotalMiB', v, lineNo, { pid: p.pid, comm: p.comm });
        } else if (name === 'Total') sink.fact('numa.procMiB', v, lineNo, { pid: p.pid, comm: p.comm, node });
        else if (name === 'Huge') sink.fact('numa.procHugeMiB', v, lineNo, { pid: p.pid, comm: p.comm, node });
      }
    };

    return {
      push(line: string, lineNo: number): void {
        const f = fields(line);
        if (f.length === 0) return;
        const first = f[0] ?? '';
        if (line.startsWith('Token ') && line.includes('not in hash table')) {
          // numastat -m on kernels whose node meminfo has fields it does not know (hotsos compute4)
          if (!tokenWarned) sink.diagnostic(lineNo, 'info', `numastat: ${line.trim()}`);
          tokenWarned = true;
          return;
        }
        if (line.startsWith('Per-node ')) {
          proc = null;
          if (line.startsWith('Per-node system memory usage')) mode = 'meminfo';
          else if (line.startsWith('Per-node numastat info')) mode = 'numastatMB';
          else if (line.startsWith('Per-node process memory usage')) {
            const m = /for PID (\d+) \((.*)\)\s*$/.exec(line);
            if (m?.[1]) {
              mode = 'process';
              proc = { pid: m[1], comm: m[2] ?? '' };
            } else mode = 'processes';
          } else {
            mode = 'none';
            sink.diagnostic(lineNo, 'warning', `numastat: unknown table: ${line.trim()}`);
          }
          sink.format(`numastat ${mode}`);
          cols = [];
          return;
        }
        if (/^node\d+$/.test(first) && f.every((x) => /^node\d+$/.test(x))) {
          mode = 'counters';
          sink.format('numastat counters (pages)');
          cols = f.map((x) => x.slice(4));
          return;
        }
        if (f.includes('Node') && (f[f.length - 1] === 'Total' || first === 'Node' || first === 'PID')) {
          cols = [];
          for (let i = 0; i < f.length; i++) {
            if (f[i] === 'Node' && f[i + 1] !== undefined) {
              cols.push(f[i + 1] ?? '');
              i++;
            } else if (f[i] === 'Total') cols.push('Total');
          }
          return;
        }
        if (/^-+$/.test(first)) return;
        if (line.startsWith('Found no processes') || line.startsWith('Can\'t read')) {
          sink.diagnostic(lineNo, 'info', `numastat: ${line.trim()}`);
          return;
        }
        if (cols.length === 0 || mode === 'none') {
          sink.diagnostic(lineNo, 'warning', 'numastat: row before any table header');
          return;
        }
        if (f.length < cols.length + 1) {
          sink.diagnostic(lineNo, 'warning', `numastat: expected ${cols.length} values`);
          return;
        }
        const vals = f.slice(f.length - cols.length);
        const name = f.slice(0, f.length - cols.length).join(' ');
        if (mode === 'process' && proc) procRow(proc, name, vals, lineNo);
        else if (mode === 'processes') {
          const p = parseProcName(name);
          // the per-process table's rows are "<pid> (<comm>)"; its final Total row sums them all
          if (p) {
            const labels = { pid: p.pid, comm: p.comm };
            for (let i = 0; i < cols.length; i++) {
              const v = num(vals[i]);
              if (!Number.isFinite(v)) continue;
              const node = cols[i] ?? '';
              if (node === 'Total') sink.fact('numa.procTotalMiB', v, lineNo, labels);
              else sink.fact('numa.procMiB', v, lineNo, { ...labels, node });
            }
          }
        } else counterRow(name, vals, lineNo);
      },
      end(): void {
        // locality is local_node / (local_node + other_node), both counted on the node the page came
        // from (mm/page_alloc.c zone_statistics): local when the allocating task ran on that node's
        // CPUs, other when it ran elsewhere. numa_miss/numa_foreign count the allocator's fallbacks
        // from the node it preferred, not where the task ran (a task bound to another node's memory
        // misses nothing: a real capture, --membind=1 from node 0, had 0 misses and 98% other_node).
        for (const [node, acc] of local) {
          const total = acc.local + acc.other;
          if (total > 0) sink.fact('numa.localityPct', (acc.local / total) * 100, acc.line, { node });
        }
      },
    };
  },
};
