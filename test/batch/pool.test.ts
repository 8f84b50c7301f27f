import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/run.js';
import { descriptorsIn, slowBundle, XZ, xzDecoding } from '../bundle/xz-samples.js';
import { HEALTHY, tarXz } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sosmortem-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!XZ || process.platform !== 'linux')('a bundle past the time limit', () => {
  it('becomes an error row, and its worker kills its xz and closes its scratch file before it goes; the batch goes on', async () => {
    const inputs = path.join(dir, 'in');
    mkdirSync(inputs);
    const archive = slowBundle(path.join(inputs, 'a-slow.tar.xz'));
    tarXz(HEALTHY, path.join(inputs, 'b-healthy.tar.xz'));
    const out = path.join(dir, 'out');
    const batch = runBatch({ inputs: [inputs], outDir: out, jobs: 1, formats: ['json'], resume: false, shard: null, timeoutMs: 6000, fleetHtml: false });

    // Held stopped, xz never finishes, so the analysis reading behind it is still going when the time is up.
    const pids = await xzDecoding(archive, 6000);
    expect(pids).toHaveLength(1);
    process.kill(pids[0] as number, 'SIGSTOP');
    expect(descriptorsIn(out).some((t) => t.includes('.sosmortem-scratch-'))).toBe(true);

    const result = await batch;
    const byPath = new Map(result.rows.map((r) => [r.path, r]));
    expect(byPath.get('a-slow.tar.xz')).toMatchObject({ status: 'error', error: expect.stringMatching(/^timed out after 6 s$/) });
    expect(byPath.get('b-healthy.tar.xz')?.status).toBe('ok');
    expect(await xzDecoding(archive, 0)).toEqual([]);
    expect(descriptorsIn(out)).toEqual([]);
    expect(readdirSync(out).filter((n) => n.startsWith('.sosmortem-scratch'))).toEqual([]);
  }, 60_000);
});
