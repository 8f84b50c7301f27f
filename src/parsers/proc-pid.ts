// Per-process files under /proc/<pid>/ as sos copies them for QEMU guests (libvirt plugin) and
// others: status, numa_maps, cgroup, cmdline. Formats: proc(5)
// https://man7.org/linux/man-pages/man5/proc_pid_status.5.html, proc_pid_numa_maps(5), proc_pid_cgroup(7).
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields, num } from './util.js';
import { libvirtGuestOfCgroup } from './libvirt-machine.js';

const PATH = /^proc\/(\d+)\/(status|numa_maps|cgroup|cmdline)$/;

/** status fields kept; kB-valued ones get a KiB suffix in the fact name */
const STATUS_KB = new Set(['VmPeak', 'VmSize', 'VmLck', 'VmPin', 'VmHWM', 'VmRSS', 'RssAnon', 'RssFile', 'RssShmem', 'VmData', 'VmStk', 'VmSwap', 'HugetlbPages']);
const STATUS_COUNT = new Set(['Threads', 'voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches']);
const STATUS_TEXT = new Set(['State', 'Cpus_allowed_list', 'Mems_allowed_list']);

export const procPid: SourceParser = {
  id: 'proc-pid',
  title: 'per-process /proc files',
  paths: [PATH],
  sniff(head: string): boolean {
    return /^Name:\t.*\n(?:Umask:.*\n)?State:\t/.test(head) || /\bkernelpagesize_kB=\d+/.test(head);
  },
  // cmdline separates arguments with NUL bytes: the reader must keep them.
  nulSeparated: true,
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    const m = PATH.exec(ctx.path);
    const pid = m?.[1] ?? '';
    let kind = m?.[2] ?? '';
    let comm = '';
    const pagesKiB = new Map<string, number>();
    let lastLine = 0;
    let domainSeen = false;
    if (kind === '') sink.diagnostic(undefined, 'info', 'proc-pid: file name is not proc/<pid>/<file>; guessing by content');

    return {
      push(line: string, lineNo: number): void {
        lastLine = lineNo;
        if (kind === '') kind = line.startsWith('Name:') ? 'status' : /kernelpagesize_kB=|\bN\d+=/.test(line) ? 'numa_maps' : 'unknown';
        if (kind === 'status') {
          const colon = line.indexOf(':');
          if (colon <= 0) return;
          const key = line.slice(0, colon);
          const value = line.slice(colon + 1).trim();
          if (key === 'Name') {
            comm = value;
            sink.format('proc/pid/status');
            sink.fact('proc.comm', comm, lineNo, { pid });
            return;
          }
          const labels = { pid, comm };
          if (STATUS_KB.has(key)) {
            const v = num(fields(value)[0]);
            if (!Number.isFinite(v)) {
              sink.diagnostic(lineNo, 'warning', `proc status: ${key} is not a number`);
              return;
            }
            sink.fact(`proc.status.${key}KiB`, v, lineNo, labels);
            if (key === 'VmRSS') sink.sample('proc.rssKiB', labels, 'collected', 0, v, lineNo);
            if (key === 'VmSwap') sink.sample('proc.swapKiB', labels, 'collected', 0, v, lineNo);
          } else if (STATUS_COUNT.has(key)) {
            const v = num(value);
            if (Number.isFinite(v)) sink.fact(`proc.status.${key}`, v, lineNo, labels);
          } else if (STATUS_TEXT.has(key)) sink.fact(`proc.status.${key}`, value, lineNo, labels);
        } else if (kind === 'numa_maps') {
          const f = fields(line);
          let pageKiB = 4;
          const perNode: [string, number][] = [];
          for (const tok of f) {
            if (tok.startsWith('kernelpagesize_kB=')) pageKiB = num(tok.slice(18));
            else if (tok.charCodeAt(0) === 78 /* N */) {
              const eq = tok.indexOf('=');
              const node = tok.slice(1, eq);
              if (eq > 1 && /^\d+$/.test(node)) perNode.push([node, num(tok.slice(eq + 1))]);
            }
          }
          if (!Number.isFinite(pageKiB)) {
            sink.diagnostic(lineNo, 'warning', 'numa_maps: bad kernelpagesize_kB');
            return;
          }
          for (const [node, pages] of perNode) if (Number.isFinite(pages)) pagesKiB.set(node, (pagesKiB.get(node) ?? 0) + pages * pageKiB);
        } else if (kind === 'cgroup') {
          // "<hierarchy-id>:<controllers>:<path>"; cgroup v2 has "0::<path>"
          const first = line.indexOf(':');
          const second = first >= 0 ? line.indexOf(':', first + 1) : -1;
          if (second < 0) {
            if (line.trim() !== '') sink.diagnostic(lineNo, 'warning', 'cgroup: expected id:controllers:path');
            return;
          }
          const controllers = line.slice(first + 1, second) || 'unified';
          const path = line.slice(second + 1);
          sink.fact('proc.cgroup', path, lineNo, { pid, controller: controllers });
          // without systemd the cgroup is /machine/qemu-N-NAME.libvirt-qemu (libvirt-machine.ts reads both)
          const dom = libvirtGuestOfCgroup(path);
          if (dom !== undefined && !domainSeen) {
            domainSeen = true;
            sink.fact('proc.libvirtDomain', dom, lineNo, { pid });
          }
        } else if (kind === 'cmdline') {
          const args = line.split('\0').filter((a) => a !== '');
          if (args.length === 0) return;
          const argv0 = args[0] ?? '';
          sink.fact('proc.cmdline', args.join(' ').slice(0, 2000), lineNo, { pid });
          sink.fact('proc.exe', argv0.slice(argv0.lastIndexOf('/') + 1), lineNo, { pid });
          const nameAt = args.indexOf('-name');
          const guest = nameAt >= 0 ? /(?:^|,)guest=([^,]+)/.exec(args[nameAt + 1] ?? '') ?? /^([^,]+)/.exec(args[nameAt + 1] ?? '') : null;
          if (guest?.[1] !== undefined) sink.fact('proc.libvirtDomain', guest[1], lineNo, { pid });
        }
      },
      end(): void {
        if (kind === 'numa_maps') {
          sink.format('proc/pid/numa_maps');
          for (const [node, kib] of [...pagesKiB].sort((a, b) => Number(a[0]) - Number(b[0]))) sink.fact('numa.procPagesKiB', kib, lastLine, { pid, node });
        }
      },
    };
  },
};
