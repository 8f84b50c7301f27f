// /proc/stat: https://man7.org/linux/man-pages/man5/proc_stat.5.html
// btime is the boot instant in epoch seconds: the anchor that places dmesg's
// [seconds] stamps on the wall clock.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guestNice'];

const SCALARS: Record<string, string> = {
  ctxt: 'stat.ctxt',
  processes: 'stat.processes',
  procs_running: 'stat.procsRunning',
  procs_blocked: 'stat.procsBlocked',
};

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let cpus = 0;
  let btime = false;
  let firstCpuLine = 0;
  return {
    push(line, lineNo) {
      const f = fields(line);
      const key = f[0];
      if (key === undefined) return;
      if (key === 'cpu') {
        // Ticks since boot (USER_HZ): enough to judge steal or iowait over the host's life.
        for (let i = 0; i < CPU_MODES.length; i++) {
          const v = Number(f[i + 1]);
          if (f[i + 1] !== undefined && Number.isFinite(v)) sink.fact('stat.cpuTicks', v, lineNo, { cpu: 'all', mode: CPU_MODES[i] ?? String(i) });
        }
        return;
      }
      if (key.startsWith('cpu') && key.length > 3) {
        if (Number.isInteger(Number(key.slice(3)))) {
          cpus++;
          if (firstCpuLine === 0) firstCpuLine = lineNo;
        }
        return;
      }
      if (key === 'btime') {
        const v = Number(f[1]);
        if (!Number.isInteger(v) || v <= 0) {
          sink.diagnostic(lineNo, 'warning', 'btime is not an epoch second count');
          return;
        }
        btime = true;
        sink.fact('time.bootUtc', v * 1000, lineNo);
        return;
      }
      const name = SCALARS[key];
      if (name !== undefined) {
        const v = Number(f[1]);
        if (Number.isFinite(v)) sink.fact(name, v, lineNo);
        else sink.diagnostic(lineNo, 'warning', `${key} is not a number`);
      }
    },
    end() {
      sink.format('proc/stat');
      if (cpus > 0) sink.fact('host.cpus', cpus, firstCpuLine);
      if (!btime) sink.diagnostic(undefined, 'warning', 'no btime line: boot time unknown from proc/stat');
    },
  };
}

export const procStatParser: SourceParser = {
  id: 'proc-stat',
  title: '/proc/stat',
  paths: [/^proc\/stat$/],
  sniff(head) {
    return head.startsWith('cpu ') && head.includes('\nbtime ');
  },
  create,
};
