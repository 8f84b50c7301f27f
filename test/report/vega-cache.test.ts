import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { packedVegaLib, runPack } from '../../src/report/vega-cache.js';
import * as vegaLib from '../../src/report/vega-lib.js';

const root = path.resolve(import.meta.dirname, '../..');
const pack = path.join(root, 'dist/vega-lib.cjs');
const cache = path.join(root, 'dist/vega-lib.cache');

const spec: TopLevelSpec = {
  width: 320,
  height: 100,
  data: { values: Array.from({ length: 50 }, (_, i) => ({ t: Date.UTC(2026, 10, 20, 0, i), v: (i * 37) % 100, s: i % 2 ? 'a' : 'b' })) },
  mark: 'line',
  encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' } }, y: { field: 'v', type: 'quantitative' }, color: { field: 's', type: 'nominal' } },
};

describe('vega pack with its code cache', () => {
  it('is not used from the sources (the modules are imported instead)', () => {
    expect(packedVegaLib(import.meta.url)).toBeNull();
  });

  // `npm test` builds first (scripts/ensure-setup.mjs), which makes the pack.
  it.skipIf(!existsSync(pack))('draws the same SVG as the modules', async () => {
    const { lib } = runPack(pack, existsSync(cache) ? readFileSync(cache) : undefined);
    const fromPack = await lib.toSvg(lib.compile(spec).spec);
    const fromModules = await vegaLib.toSvg(vegaLib.compile(spec).spec);
    expect(fromPack).toContain('<svg');
    expect(fromPack).toBe(fromModules);
  });

  it.skipIf(!existsSync(cache))('has a cache that a plain node process accepts, as the CLI runs', () => {
    const code = `import(${JSON.stringify(path.join(root, 'dist/report/vega-cache.js'))}).then((m) => { const fs = require('node:fs'); const r = m.runPack(${JSON.stringify(pack)}, fs.readFileSync(${JSON.stringify(cache)})); process.stdout.write(JSON.stringify({ rejected: r.rejected, svg: typeof r.lib.toSvg })); });`;
    const res = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ rejected: false, svg: 'function' });
  });
});
