import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'bin', 'sosmortem.js');
const sample = path.join(root, 'samples', 'leak-swap-oom');

function report(env: Record<string, string>): Record<string, unknown> {
  const bundle = path.join(sample, 'sosreport-db01-2026-11-20-kqzvbnd');
  const res = spawnSync('node', [cli, 'analyze', bundle, path.join(sample, 'attachments'), '-o', '-', '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(res.stderr).not.toMatch(/internal error/);
  const r = JSON.parse(res.stdout) as { analysis: Record<string, unknown> };
  delete r.analysis['generatedAt'];
  return r;
}

describe('the bundled CLI (dist/packed, what bin/sosmortem.js runs)', () => {
  it('is built and reports exactly what the unbundled build reports', () => {
    expect(existsSync(path.join(root, 'dist', 'packed', 'run.js')), 'npm run build makes dist/packed').toBe(true);
    const bundled = report({});
    expect((bundled['findings'] as unknown[]).length).toBeGreaterThan(3);
    expect(bundled).toEqual(report({ SOSMORTEM_UNBUNDLED: '1' }));
  });
});
