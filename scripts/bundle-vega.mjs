#!/usr/bin/env node
/**
 * Part of `npm run build`: packs vega and vega-lite (dist/report/vega-lib.js)
 * as one CommonJS script, dist/vega-lib.cjs, then draws the shipped samples'
 * charts with it and saves V8's code cache of everything that compiled,
 * dist/vega-lib.cache. src/report/vega-cache.ts loads the two (the reasons
 * are there). Any failure here leaves no pack: the charts then load vega as
 * modules, as before, and the build goes on.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pack = path.join(root, 'dist/vega-lib.cjs');
const cache = path.join(root, 'dist/vega-lib.cache');
rmSync(pack, { force: true });
rmSync(cache, { force: true });
try {
  await build({
    entryPoints: [path.join(root, 'dist/report/vega-lib.js')],
    outfile: pack,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    alias: { 'vega-canvas': path.join(root, 'scripts/vega-canvas-stub.mjs') },
    logLevel: 'warning',
    legalComments: 'none',
  });
  const { analyze } = await import(path.join(root, 'dist/analyze.js'));
  const { renderHtml } = await import(path.join(root, 'dist/report/html.js'));
  const { packedVegaLib, packedVegaScript } = await import(path.join(root, 'dist/report/vega-cache.js'));
  // Every kind of chart the report draws: lines, stacked areas, bands, the swimlane, the KVM guest memory chart.
  for (const sample of ['leak-swap-oom', 'kvm-numa', 'io-errors-hung']) {
    const dir = path.join(root, 'samples', sample);
    // Without the samples the cache holds what compiled while loading: still most of the gain.
    if (!existsSync(dir)) continue;
    const bundle = readdirSync(dir).find((n) => n.startsWith('sosreport-'));
    if (!bundle) continue;
    const inputs = [path.join(dir, bundle), ...(existsSync(path.join(dir, 'attachments')) ? [path.join(dir, 'attachments')] : [])];
    const { model } = await analyze(inputs);
    await renderHtml(model);
  }
  if (!packedVegaLib()) throw new Error('the pack did not load');
  const script = packedVegaScript();
  if (!script) throw new Error('the pack was not loaded');
  writeFileSync(cache, script.createCachedData());
} catch (err) {
  rmSync(pack, { force: true });
  rmSync(cache, { force: true });
  console.error(`sosmortem build: vega pack skipped (${err instanceof Error ? err.message : String(err)}); charts load vega as modules`);
}
