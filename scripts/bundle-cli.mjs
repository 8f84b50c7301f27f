#!/usr/bin/env node
/**
 * Part of `npm run build`: bundles the CLI (and the batch worker) from tsc's
 * output in dist/ into dist/packed/, which bin/sosmortem.js runs when present.
 * Why: Node 20 loads ~100 ES modules one by one on every start, ~40 ms of a
 * 0.4 s analysis of a typical bundle; one bundle with lazily loaded chunks
 * (commands, reports) starts in a fraction of that. The
 * library entry (dist/index.js) stays unbundled.
 *
 * dist/packed/ sits two levels below the package root like dist/<dir>/, so the
 * paths the code finds from import.meta.url (rules/, templates/, schema/,
 * the batch worker) stay right.
 */
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

// Left to Node's resolution from node_modules: packages rarely loaded, or shipping
// files next to their code (WASM), and ws's optional native add-ons. The report's libraries (vega, vega-lite, handlebars, marked,
// puppeteer-core) are bundled, into lazily loaded chunks: loaded as ~60 separate
// packages they took ~140 ms (vega) and ~130 ms (puppeteer) of every HTML or
// PDF run, as one chunk each ~50 and ~80 ms.
const external = ['ajv', 'fast-xml-parser', 'papaparse', 'xz-decompress', 'yaml', 'bufferutil', 'utf-8-validate'];

await rm('dist/packed', { recursive: true, force: true });
try {
  await build({
    entryPoints: { run: 'dist/cli/run.js', early: 'dist/cli/early.js', worker: 'dist/batch/worker.js' },
    outdir: 'dist/packed',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    // commander is CommonJS and require()s Node's built-ins.
    banner: { js: "import { createRequire as __sosmortemRequire } from 'node:module'; const require = __sosmortemRequire(import.meta.url);" },
    logLevel: 'warning',
    legalComments: 'none',
  });
} catch (err) {
  console.error(`sosmortem build: bundling the CLI failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
