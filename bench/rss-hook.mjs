// Preloaded into the measured `sosmortem analyze` child (node --import): at exit it
// writes, where BENCH_RSS_FILE says, the process's peak resident set (VmHWM,
// KiB) and the CPU seconds it used: all its threads, and its waited-for
// children (xz). On two cores the CPU, more than the critical path, sets the
// wall time once xz and the parser run side by side.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    const rssKiB = m ? Number(m[1]) : Math.round(process.resourceUsage().maxRSS);
    const { user, system } = process.cpuUsage();
    // /proc/self/stat fields 16 and 17 (after the parenthesised name): cutime, cstime in clock ticks (100 per second on Linux).
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const childTicks = Number(fields[13]) + Number(fields[14]);
    writeFileSync(target, JSON.stringify({ rssKiB, cpuSec: (user + system) / 1e6, childCpuSec: Number.isFinite(childTicks) ? childTicks / 100 : 0 }));
  });
}
