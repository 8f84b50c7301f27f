import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch/run.js';
import type { FleetSummary } from '../../src/batch/fleet.js';
import { HEALTHY, makeFleet, REPO, tarXz } from './fixtures.js';

let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sosmortem-batch-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function hostileTar(file: string): Promise<void> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    if (Buffer.isBuffer(c)) chunks.push(c);
  });
  const ended = new Promise<void>((resolve) => p.on('end', () => resolve()));
  const entry = (name: string, body: string): Promise<void> => new Promise((resolve, reject) => p.entry({ name, type: 'file' }, body, (err) => (err ? reject(err) : resolve())));
  await entry('sosreport-evil/sos_commands/host/hostname', 'evil.example.com\n');
  await entry('sosreport-evil/../../evil', 'pwned\n');
  await entry('../../evil', 'pwned\n');
  p.finalize();
  await ended;
  await writeFile(file, Buffer.concat(chunks));
}

/** Runs the CLI from the sources, as a separate process. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli/run.ts'), ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { child, done };
}

async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const abs = path.join(dir, name);
    out.push(abs);
    if ((await stat(abs)).isDirectory()) out.push(...(await listAll(abs)));
  }
  return out;
}

async function readSummary(dir: string): Promise<FleetSummary> {
  return JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')) as FleetSummary;
}

/** summary.json without what depends on when and how fast it ran. */
function timeless(s: FleetSummary): unknown {
  return { ...s, generatedAt: null, elapsedMs: null, bundles: s.bundles.map((b) => ({ ...b, durationMs: null })) };
}

describe('batch', () => {
  it('analyses every good bundle and turns corrupt, foreign and hostile inputs into error rows without writing outside the output', async () => {
    const root = path.join(work, 'mixed');
    const inputs = path.join(root, 'in');
    const good = await makeFleet(path.join(inputs, 'nested/deeper'), 3);
    tarXz(HEALTHY, path.join(inputs, 'good.tar.xz'));
    tarXz(HEALTHY, path.join(inputs, 'corrupt.tar.xz'));
    const size = (await stat(path.join(inputs, 'corrupt.tar.xz'))).size;
    await truncate(path.join(inputs, 'corrupt.tar.xz'), Math.floor(size / 2));
    await writeFile(path.join(inputs, 'notes.tar.gz'), 'this is not an archive\n');
    await hostileTar(path.join(inputs, 'hostile.tar'));
    const out = path.join(root, 'out');

    const result = await runBatch({ inputs: [inputs], outDir: out, jobs: 2, formats: ['json'], resume: false, shard: null });

    const byPath = new Map(result.rows.map((r) => [r.path, r]));
    expect(result.rows).toHaveLength(7);
    for (const g of good) expect(byPath.get(`nested/deeper/${path.basename(g)}`)?.status).toBe('ok');
    expect(byPath.get('good.tar.xz')?.status).toBe('ok');
    // a truncated archive is either unusable or analysed as far as it goes, with the damage reported
    const corrupt = byPath.get('corrupt.tar.xz');
    expect(corrupt === undefined ? false : corrupt.status === 'error' || corrupt.diagnostics.errors > 0).toBe(true);
    expect(byPath.get('notes.tar.gz')).toMatchObject({ status: 'error' });
    expect(byPath.get('notes.tar.gz')?.error).toContain('not a sosreport');
    const hostile = byPath.get('hostile.tar');
    expect(hostile === undefined ? 'missing' : hostile.status === 'error' || hostile.diagnostics.warnings + hostile.diagnostics.errors > 0).toBe(true);
    expect(result.stats.failed).toBe(result.rows.filter((r) => r.status === 'error').length);
    expect(result.stats.analysed + result.stats.failed).toBe(7);

    // nothing escaped: the only new entries under root are the inputs and the output
    expect((await readdir(root)).sort()).toEqual(['in', 'out']);
    expect((await readdir(work)).includes('evil')).toBe(false);
    const written = await listAll(out);
    expect(written.every((f) => f.startsWith(out + path.sep))).toBe(true);
    expect(written.some((f) => path.basename(f).startsWith('.'))).toBe(false);

    const csv = Papa.parse<Record<string, string>>(await readFile(path.join(out, 'summary.csv'), 'utf8'), { header: true, skipEmptyLines: true });
    expect(csv.data).toHaveLength(7);
    const leakRow = csv.data.find((r) => r['host']?.startsWith('db'));
    expect(leakRow?.['status']).toBe('ok');
    expect(Number(leakRow?.['class_oom-kill'])).toBeGreaterThan(0);
    expect(csv.data.find((r) => r['path'] === 'notes.tar.gz')?.['status']).toBe('error');
    const html = await readFile(path.join(out, 'fleet.html'), 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\//i);
  });

  it('resumes after SIGKILL with exactly one complete report per bundle and no temporary files', async () => {
    const root = path.join(work, 'resume');
    const bundles = await makeFleet(path.join(root, 'in'), 10, 5);
    const out = path.join(root, 'out');
    const first = cli(['batch', path.join(root, 'in'), '-o', out, '--jobs', '1', '--format', 'json,md']);
    // kill as soon as the first report is complete, while others are in flight
    for (;;) {
      const names = await readdir(out).catch(() => [] as string[]);
      const doneDirs = await Promise.all(names.filter((n) => !n.startsWith('.')).map((n) => stat(path.join(out, n, 'report.json')).then(() => true, () => false)));
      if (doneDirs.some(Boolean)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    await first.done;
    const before = (await readdir(out)).filter((n) => !n.startsWith('.') && !n.startsWith('summary') && !n.startsWith('fleet'));
    expect(before.length).toBeLessThan(bundles.length);

    const second = cli(['batch', path.join(root, 'in'), '-o', out, '--jobs', '1', '--format', 'json,md', '--resume']);
    const { code, stderr } = await second.done;
    expect(code, stderr).toBe(0);
    const lines = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { resumed: boolean; status: string });
    expect(lines.filter((l) => l.resumed).length).toBeGreaterThanOrEqual(before.length);

    const dirs = (await readdir(out)).filter((n) => !['summary.csv', 'summary.json', 'fleet.html'].includes(n));
    expect(dirs.filter((n) => n.startsWith('.'))).toEqual([]);
    expect(dirs).toHaveLength(bundles.length);
    for (const d of dirs) {
      const files = (await readdir(path.join(out, d))).sort();
      expect(files).toEqual(['report.json', 'report.md']);
      const report = JSON.parse(await readFile(path.join(out, d, 'report.json'), 'utf8')) as { bundle: { hostname: string } };
      expect(d.startsWith(report.bundle.hostname)).toBe(true);
    }
    const summary = await readSummary(out);
    expect(summary.totals).toMatchObject({ bundles: bundles.length, ok: bundles.length, error: 0 });
    expect(new Set(summary.bundles.map((b) => b.id)).size).toBe(bundles.length);
  });

  it('splits bundles across shard processes exactly once, and merging the shards equals the unsharded summary', async () => {
    const root = path.join(work, 'shards');
    const inputs = path.join(root, 'in');
    await makeFleet(inputs, 12, 4);
    await writeFile(path.join(inputs, 'broken.tar.xz'), 'not xz\n');
    const whole = path.join(root, 'whole');
    const full = await cli(['batch', inputs, '-o', whole, '--jobs', '2', '--format', 'json']).done;
    expect(full.code, full.stderr).toBe(3);

    const n = 3;
    const runs = Array.from({ length: n }, (_, k) => cli(['batch', inputs, '-o', path.join(root, `shard-${k}`), '--jobs', '1', '--format', 'json', '--shard', k === 0 ? 'auto/3' : `${k}/${n}`], k === 0 ? { JOB_COMPLETION_INDEX: '0' } : {}));
    const codes = await Promise.all(runs.map((r) => r.done));
    for (const c of codes) expect([0, 3]).toContain(c.code);

    const shardPaths: string[] = [];
    for (let k = 0; k < n; k++) shardPaths.push(...(await readSummary(path.join(root, `shard-${k}`))).bundles.map((b) => b.path));
    const wholeSummary = await readSummary(whole);
    expect(shardPaths.sort()).toEqual(wholeSummary.bundles.map((b) => b.path).sort());
    expect(new Set(shardPaths).size).toBe(shardPaths.length);

    const merged = path.join(root, 'merged');
    const m = await cli(['merge', ...Array.from({ length: n }, (_, k) => path.join(root, `shard-${k}`)), '-o', merged]).done;
    expect(m.code, m.stderr).toBe(3);
    expect(timeless(await readSummary(merged))).toEqual(timeless(wholeSummary));
    expect(await readFile(path.join(merged, 'summary.csv'), 'utf8')).toBe(await readFile(path.join(whole, 'summary.csv'), 'utf8'));
    expect(wholeSummary.histories.length).toBeGreaterThan(0);
  });

  it("analyses a bundle with the attachments directory beside it, as `analyze <bundle> <attachments>` does, and analyses it again when they change", async () => {
    // a real capture: a python process leaking 48 MiB/min, seen only in its timed pmap -x attachments
    const fx = path.join(REPO, 'test/fixtures/sosreport-archives');
    const inputs = path.join(work, 'with-attachments/in');
    await mkdir(inputs, { recursive: true });
    await cp(path.join(fx, 'sosmortem-python-leak.tar.xz'), path.join(inputs, 'case-1.tar.xz'));
    await cp(path.join(fx, 'sosmortem-python-leak-attachments'), path.join(inputs, 'case-1-attachments'), { recursive: true });
    // the same bundle without them, and an archive a customer attached that is not a bundle of its own;
    // case-2's "attachments" are a link out of the tree, not followed
    await cp(path.join(fx, 'sosmortem-python-leak.tar.xz'), path.join(inputs, 'case-2.tar.xz'));
    await symlink(path.join(fx, 'sosmortem-python-leak-attachments'), path.join(inputs, 'case-2-attachments'));
    tarXz(HEALTHY, path.join(inputs, 'case-1-attachments', 'old-sosreport.tar.xz'));
    const out = path.join(work, 'with-attachments/out');
    const run = (): ReturnType<typeof runBatch> => runBatch({ inputs: [inputs], outDir: out, jobs: 1, formats: ['json'], resume: true, shard: null, fleetHtml: false });

    const first = await run();
    expect(first.rows.map((r) => [r.path, r.status, r.findings.map((f) => f.rule)])).toEqual([
      ['case-1.tar.xz', 'ok', ['memory-leak']],
      ['case-2.tar.xz', 'ok', []],
    ]);
    // resumed while nothing changed; analysed again once an attachment is added
    expect((await run()).stats).toMatchObject({ analysed: 0, resumed: 2 });
    await writeFile(path.join(inputs, 'case-1-attachments', 'notes.txt'), 'customer notes\n');
    expect((await run()).stats).toMatchObject({ analysed: 1, resumed: 1 });
  });

  it('exits 2 on a malformed shard', async () => {
    const r = await cli(['batch', HEALTHY, '-o', path.join(work, 'usage'), '--shard', '3/3']).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('K must be below N');
  });
});
