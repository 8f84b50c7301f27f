#!/usr/bin/env node
// The CLI lives in dist/ (built by `npm install` through the prepare script):
// the bundled build in dist/packed/ when there is one (it starts faster), else
// tsc's output.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packed = new URL('../dist/packed/run.js', import.meta.url);
const plain = new URL('../dist/cli/run.js', import.meta.url);
const entry = process.env.SOSMORTEM_UNBUNDLED !== '1' && existsSync(fileURLToPath(packed)) ? packed : plain;
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('sosmortem: not built yet\n  hint: run `npm install` (or `npm run build`) in the sosmortem checkout\n');
  process.exit(2);
}
await import(entry.href);
