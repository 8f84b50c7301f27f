import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'bin', 'sosmortem.js');
const sample = path.join(root, 'samples', 'leak-swap-oom');

const bundleDir = path.join(sample, 'sosreport-db01-2026-11-20-kqzvbnd');
const tmp = mkdtempSync(path.join(tmpdir(), 'sosmortem-bundled-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function report(bundle: string, env: Record<string, string>): Record<string, unknown> {
  const res = spawnSync('node', [cli, 'analyze', bundle, path.join(sample, 'attachments'), '-o', '-', '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  expect(res.stderr).not.toMatch(/internal error/);
  const r = JSON.parse(res.stdout) as { analysis: Record<string, unknown> };
  delete r.analysis['generatedAt'];
  delete r.analysis['bundleHash'];
  return r;
}

describe('the bundled CLI (dist/packed, what bin/sosmortem.js runs)', () => {
  it('is built and reports exactly what the unbundled build reports, from a directory and from a .tar.xz', () => {
    expect(existsSync(path.join(root, 'dist', 'packed', 'run.js')), 'npm run build makes dist/packed').toBe(true);
    const bundled = report(bundleDir, {});
    expect((bundled['findings'] as unknown[]).length).toBeGreaterThan(3);
    expect(bundled).toEqual(report(bundleDir, { SOSMORTEM_UNBUNDLED: '1' }));
    // The archive path loads the tar reader on demand: a chunk of its own in a bundle.
    const archive = path.join(tmp, 'sosreport-db01-2026-11-20-kqzvbnd.tar.xz');
    execFileSync('tar', ['-cJf', archive, '-C', sample, path.basename(bundleDir)]);
    const fromArchive = report(archive, {});
    expect(fromArchive['findings']).toEqual(bundled['findings']);
    expect(fromArchive).toEqual(report(archive, { SOSMORTEM_UNBUNDLED: '1' }));
  });
});
