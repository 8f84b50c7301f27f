#!/usr/bin/env node
// The CLI lives in dist/ (built by `npm install` through the prepare script):
// the bundled build in dist/packed/ when there is one (it starts faster) and
// it is not older than tsc's output (a `tsc` run alone does not rebundle),
// else tsc's output. SOSMORTEM_UNBUNDLED=1 always runs tsc's output.
import { existsSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A run is short and its hot loops are few: TurboFan inlining small functions into them cost ~70 ms of
// compiler-thread CPU on a typical bundle (of ~250) and gained nothing measurable on a 1.5 GB one.
// V8 reads the flag when it compiles, so setting it before any code of ours is hot is enough
// (docs/performance.md, twelfth round). SOSMORTEM_TURBO_INLINING=1 keeps V8's default.
if (process.env.SOSMORTEM_TURBO_INLINING !== '1') setFlagsFromString('--no-turbo-inlining');

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
