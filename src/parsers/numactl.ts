// numactl --hardware / --show (https://man7.org/linux/man-pages/man8/numactl.8.html, source
// numactl.c print_node_info/show) and the per-node sysfs files it reads:
// sys/devices/system/node/node<N>/{numastat,distance,cpulist}
// (https://www.kernel.org/doc/Documentation/ABI/stable/sysfs-devices-node).
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields, num } from './util.js';

const SYSFS = /^sys\/devices\/system\/node\/node(\d+)\/(numastat|distance|cpulist)$/;

/** "0 1 2 3 8" -> "0-3,8", so numactl's list and sysfs cpulist compare equal. */
export function compressCpuList(cpus: number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] ?? 0;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) {
      i++;
      end = sorted[i] ?? end;
    }
    out.push(start === end ? String(start) : `${start}-${end}`);
    i++;
  }
  return out.join(',');
}

const SHOW_KEYS: Record<string, string> = {
  policy: 'numa.policy',
  'preferred node': 'numa.preferredNode',
  // numactl >= 2.0.15: the preferred-many node set, empty unless --preferred-many was given
  preferred: 'numa.preferredMany',
  physcpubind: 'numa.physcpubind',
  cpubind: 'numa.cpubind',
  nodebind: 'numa.nodebind',
  membind: 'numa.membind',
};

export const numactl: SourceParser = {
  id: 'numactl',
  title: 'numactl and sysfs NUMA topology',
  paths: [/^sos_commands\/numa\/numactl_(?:--hardware|-H|--show|-s)$/, SYSFS],
  sniff(head: string): boolean {
    return /^available: \d+ nodes? \(/m.test(head) || (/^policy: \w+/m.test(head) && /^(?:phys)?cpubind:/m.test(head));
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    const sys = SYSFS.exec(ctx.path);
    const sysNode = sys?.[1];
    const sysFile = sys?.[2];
    /** node ids of the distance matrix's columns */
    let distCols: string[] | null = null;
    const local = { local: NaN, other: NaN, line: 0 };

    const pushSysfs = (line: string, lineNo: number, node: string): void => {
      const f = fields(line);
      if (f.length === 0) return;
      if (sysFile === 'numastat') {
        const v = num(f[1]);
        if (f.length !== 2 || !Number.isFinite(v)) {
          sink.diagnostic(lineNo, 'warning', 'node numastat: expected "<counter> <value>"');
          return;
        }
        const name = f[0] ?? '';
        sink.fact(`numa.${name}`, v, lineNo, { node });
        if (name === 'local_node') local.local = v;
        if (name === 'other_node') local.other = v;
        local.line = lineNo;
      } else if (sysFile === 'distance') {
        // the kernel lists distances to every online node in id order; ids are dense on real systems
        f.forEach((d, i) => {
          const v = num(d);
          if (Number.isFinite(v)) sink.fact('numa.distance', v, lineNo, { from: node, to: String(i) });
        });
      } else if (sysFile === 'cpulist') {
        sink.fact('numa.cpus', line.trim(), lineNo, { node });
      }
    };

    return {
      push(line: string, lineNo: number): void {
        if (sysNode !== undefined) {
          sink.format(`sysfs node ${sysFile ?? ''}`);
          pushSysfs(line, lineNo, sysNode);
          return;
        }
        const trimmed = line.trim();
        if (trimmed === '') return;
        let m = /^available: (\d+) nodes?/.exec(trimmed);
        if (m) {
          sink.format('numactl --hardware');
          sink.fact('host.numaNodes', Number(m[1]), lineNo);
          return;
        }
        if (trimmed.startsWith('No NUMA available')) {
          sink.format('numactl --hardware');
          sink.diagnostic(lineNo, 'info', 'numactl: no NUMA available on this system');
          sink.fact('host.numaNodes', 1, lineNo);
          return;
        }
        m = /^node (\d+) (cpus|size|free):(.*)$/.exec(trimmed);
        if (m) {
          const node = m[1] ?? '';
          const rest = (m[3] ?? '').trim();
          if (m[2] === 'cpus') {
            const cpus = fields(rest).map(Number).filter((n) => Number.isInteger(n));
            sink.fact('numa.cpus', compressCpuList(cpus), lineNo, { node });
          } else {
            const v = /^(\d+) MB$/.exec(rest);
            if (v) sink.fact(m[2] === 'size' ? 'numa.sizeMiB' : 'numa.freeMiB', Number(v[1]), lineNo, { node });
            else sink.diagnostic(lineNo, 'warning', `numactl: unexpected ${m[2] ?? ''} value`);
          }
          return;
        }
        if (trimmed === 'node distances:') {
          distCols = [];
          return;
        }
        if (distCols !== null) {
          const f = fields(trimmed);
          if (f[0] === 'node') {
            distCols = f.slice(1);
            return;
          }
          const from = f[0]?.endsWith(':') ? f[0].slice(0, -1) : undefined;
          if (from !== undefined && /^\d+$/.test(from)) {
            for (let i = 1; i < f.length; i++) {
              const v = num(f[i]);
              const to = distCols[i - 1];
              if (Number.isFinite(v) && to !== undefined) sink.fact('numa.distance', v, lineNo, { from, to });
            }
            return;
          }
        }
        const colon = trimmed.indexOf(':');
        if (colon > 0) {
          const key = SHOW_KEYS[trimmed.slice(0, colon)];
          if (key) {
            sink.format('numactl --show');
            sink.fact(key, trimmed.slice(colon + 1).trim(), lineNo);
            return;
          }
        }
        sink.diagnostic(lineNo, 'info', 'numactl: line not recognised');
      },
      end(): void {
        if (sysFile === 'numastat' && sysNode !== undefined) {
          const total = local.local + local.other;
          if (Number.isFinite(total) && total > 0) sink.fact('numa.localityPct', (local.local / total) * 100, local.line, { node: sysNode });
        }
      },
    };
  },
};
