#!/usr/bin/env node
// The CLI lives in dist/ (built by `npm install` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('sosmortem: not built yet\n  hint: run `npm install` (or `npm run build`) in the sosmortem checkout\n');
  process.exit(2);
}
await import(entry.href);
