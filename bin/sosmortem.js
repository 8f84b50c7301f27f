#!/usr/bin/env node
// The CLI lives in dist/ (built by `npm install` through the prepare script):
// the bundled build in dist/packed/ when there is one (it starts faster) and
// it is not older than tsc's output (a `tsc` run alone does not rebundle),
// else tsc's output. SOSMORTEM_UNBUNDLED=1 always runs tsc's output.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';

// TurboFan's inlining pays for itself only in a long run. On a typical 4 MB .tar.xz (a 0.5 s run)
// it cost ~70 ms of compiler-thread CPU on a machine whose second core xz already uses: off, the
// run took 0.45 s instead of 0.49. On a 1 GB syslog it gains 0.2 s of 2.8. So it is turned off for
// a bundle small enough to be analysed in about a second; V8 reads the flag when it compiles,
// before any code of ours is hot (docs/performance.md, twelfth and thirteenth rounds).
// SOSMORTEM_TURBO_INLINING=1 (or 0) forces it on (or off).
const SHORT_RUN_BYTES = 64 * 1024 * 1024;
// A directory's run time is its logs' and sar's size; walking all of it (4 000 small files in a
// real sosreport) would cost half of what the flag saves, so only where the bulk lives is summed.
const BULK_DIRS = ['var/log', 'var/log/sa', 'var/log/sysstat', 'var/log/journal', 'sos_commands/sar', 'sos_commands/logs', 'sos_commands/kernel'];
const inlining = process.env.SOSMORTEM_TURBO_INLINING;
if (inlining === '0' || (inlining !== '1' && process.argv[2] === 'analyze' && isShortRun(process.argv[3]))) {
  setFlagsFromString('--no-turbo-inlining');
  // for SOSMORTEM_TIMINGS=1 (src/timings.ts): V8 has no way to read a flag back
  globalThis[Symbol.for('sosmortem.turboInliningOff')] = true;
}

function isShortRun(arg) {
  if (arg === undefined || arg.startsWith('-')) return false;
  try {
    const st = statSync(arg);
    if (st.isFile()) return st.size < SHORT_RUN_BYTES;
    return st.isDirectory() && bulkOfDirectory(arg) < SHORT_RUN_BYTES;
  } catch {
    return false;
  }
}

function bulkOfDirectory(root) {
  let bytes = 0;
  for (const rel of BULK_DIRS) {
    let entries;
    try {
      entries = readdirSync(`${root}/${rel}`, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      try {
        bytes += statSync(`${root}/${rel}/${entry.name}`).size;
      } catch {
        // gone or unreadable: the analysis will say so
      }
      if (bytes >= SHORT_RUN_BYTES) return bytes;
    }
  }
  return bytes;
}

const packed = fileURLToPath(new URL('../dist/packed/run.js', import.meta.url));
const plain = fileURLToPath(new URL('../dist/cli/run.js', import.meta.url));
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);
const usePacked = process.env.SOSMORTEM_UNBUNDLED !== '1' && mtime(packed) >= mtime(plain) && mtime(packed) >= 0;
const entry = usePacked ? packed : plain;
if (!existsSync(entry)) {
  process.stderr.write('sosmortem: not built yet\n  hint: run `npm install` (or `npm run build`) in the sosmortem checkout\n');
  process.exit(2);
}
// A .tar.xz bundle starts decoding before the CLI's modules load (dist/cli/early.ts).
if (process.argv[2] === 'analyze') {
  const early = fileURLToPath(new URL(usePacked ? '../dist/packed/early.js' : '../dist/cli/early.js', import.meta.url));
  await import(pathToFileURL(early).href).then(
    (m) => m.startFromArgv(process.argv),
    () => {},
  );
}
await import(pathToFileURL(entry).href);
