// Preloaded into the measured `sosmortem analyze` child (node --import): at exit it
// writes the process's peak resident set (VmHWM, KiB) where BENCH_RSS_FILE says.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    writeFileSync(target, m ? m[1] : String(Math.round(process.resourceUsage().maxRSS)));
  });
}
