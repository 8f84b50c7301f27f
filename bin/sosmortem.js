#!/usr/bin/env node
// The CLI lives in dist/ (built by `npm install` through the prepare script):
// the bundled build in dist/packed/ when there is one (it starts faster) and
// it is not older than tsc's output (a `tsc` run alone does not rebundle),
// else tsc's output. SOSMORTEM_UNBUNDLED=1 always runs tsc's output.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
