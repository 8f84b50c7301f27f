import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { diffBundles, diffMarkdown, diffTable } from '../../src/batch/diff.js';
import { globToRegExp, parseShard, shardOf } from '../../src/batch/discover.js';
import { compareBundles } from '../../src/batch/compare.js';
import type { FleetSummary } from '../../src/batch/fleet.js';
import { contentHash, type DigestFinding } from '../../src/batch/row.js';
import { runBatch } from '../../src/batch/run.js';
import { findChromium } from '../../src/report/browser.js';
import { pdfText } from '../report/helpers.js';
import { HEALTHY, LEAK, makeFleet } from './fixtures.js';

function finding(rule: string, severity: DigestFinding['severity'], score: number, metrics: Record<string, number> = {}): DigestFinding {
  return { key: `${rule}|java||||`, rule, class: 'memory-leak', severity, title: rule, score, subject: { comm: 'java' }, metrics, actions: [] };
}

describe('diff', () => {
  it('classifies findings as appeared, vanished, worsened and improved, with metric deltas', () => {
    const before = [finding('leak', 'medium', 50, { slopeKiBPerHour: 100 }), finding('steal', 'high', 70), finding('gone', 'low', 20)];
    const after = [finding('leak', 'high', 72, { slopeKiBPerHour: 400 }), finding('steal', 'high', 60), finding('new', 'critical', 90)];
    const d = diffBundles({ host: 'a', collectedAt: null, findings: before }, { host: 'a', collectedAt: null, findings: after });
    expect(d.counts).toEqual({ appeared: 1, vanished: 1, worsened: 1, improved: 1, unchanged: 0, unchecked: 0 });
    expect(d.changes.find((c) => c.rule === 'leak')?.metrics).toEqual([{ metric: 'slopeKiBPerHour', before: 100, after: 400, delta: 300 }]);
    expect(d.sameHost).toBe(true);
    expect(diffTable(d)).toContain('medium→high');
    expect(diffMarkdown(d)).toContain('| appeared | –→critical |');
  });

  it('judges each finding as its rule rated it: one ranked below a new cause (the real thrash → I/O captures) got worse, not better', async () => {
    const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
    const d = await compareBundles(path.join(fx, 'sosmortem-cgroup-thrash.tar.xz'), path.join(fx, 'sosmortem-io-throttled-loop.tar.xz'));
    // After, the I/O stall ranks below the loop0 saturation that caused it (score 51), yet it lasted longer and went deeper.
    const stall = d.changes.find((c) => c.rule === 'io-stall');
    expect(stall?.kind).toBe('worsened');
    expect(stall?.metrics.find((m) => m.metric === 'meanFullPct')?.delta).toBeGreaterThan(20);
    // The saturation appears as its rule rated it (medium), not as raised for the stall it caused.
    expect(d.changes.find((c) => c.rule === 'io-saturation')).toMatchObject({ kind: 'appeared', severityAfter: 'medium' });
  });

  it('leaves out a finding that measures another again (/proc/pressure under the sar stall it continues): no change of its own', async () => {
    const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
    const d = await compareBundles(path.join(fx, 'sosmortem-cgroup-thrash.tar.xz'), path.join(fx, 'sosmortem-io-throttled-loop.tar.xz'));
    // Both bundles raise io-pressure, the first memory-pressure too, each folded under its stall.
    // (the thrash's two cgroup OOM kills are one finding: one limit, /thrash)
    expect(d.changes.map((c) => c.rule).sort()).toEqual(['io-saturation', 'io-stall', 'memory-stall', 'oom-kill']);
    const lead = finding('memory-stall', 'high', 70);
    const again: DigestFinding = { ...finding('memory-pressure', 'high', 60), corroborates: lead.key };
    expect(diffBundles({ host: 'a', collectedAt: null, findings: [lead] }, { host: 'a', collectedAt: null, findings: [lead, again] }).counts.appeared).toBe(0);
  });

  it('calls a finding absent from a bundle that lacked its data unchecked, not vanished or appeared', async () => {
    const leak = finding('memory-leak', 'high', 70);
    const gone = finding('cpu-steal', 'medium', 50);
    const d = diffBundles(
      { host: 'a', collectedAt: null, findings: [leak, gone], noData: [] },
      { host: 'a', collectedAt: null, findings: [], noData: ['memory-leak'] },
    );
    expect(d.changes.map((c) => [c.rule, c.kind])).toEqual([
      ['cpu-steal', 'vanished'],
      ['memory-leak', 'unchecked'],
    ]);
    expect(
      diffBundles({ host: 'a', collectedAt: null, findings: [], noData: ['memory-leak'] }, { host: 'a', collectedAt: null, findings: [leak] }).counts,
    ).toMatchObject({ appeared: 0, unchecked: 1 });
    // two real sosreports of one machine: the second taken without sos's sar plugin
    const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
    const real = await compareBundles(path.join(fx, 'sosmortem-io-throttled-loop.tar.xz'), path.join(fx, 'sosmortem-libvirt-guest-oom.tar.xz'));
    expect(real.changes.filter((c) => c.rule === 'io-saturation').map((c) => c.kind)).toEqual(['unchecked']);
  });

  it('compares a bundle with itself as unchanged and the leak sample with the healthy one as appeared', async () => {
    const same = await compareBundles(HEALTHY, HEALTHY);
    expect(same.changes.every((c) => c.kind === 'unchanged')).toBe(true);
    const d = await compareBundles(HEALTHY, LEAK);
    expect(d.counts.appeared).toBeGreaterThan(0);
    expect(d.changes.map((c) => c.rule)).toContain(d.changes.find((c) => c.kind === 'appeared')?.rule);
  });
});

describe('fleet counts', () => {
  it('count problems: a finding that measures another again is counted apart, in the summary, the CSV and the tables (two real captures)', async () => {
    const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
    const work = await mkdtemp(path.join(tmpdir(), 'sosmortem-fleet-counts-'));
    try {
      const inputs = ['sosmortem-cgroup-thrash.tar.xz', 'sosmortem-io-throttled-loop.tar.xz'].map((n) => path.join(fx, n));
      await runBatch({ inputs, outDir: path.join(work, 'out'), jobs: 1, formats: ['json'], resume: false, shard: null, fleetHtml: false });
      const summary = JSON.parse(await readFile(path.join(work, 'out', 'summary.json'), 'utf8')) as FleetSummary;
      // thrash: memory-stall, io-stall and its cgroup's OOM kills, with memory- and io-pressure folded under the stalls; loop: io-saturation and io-stall, io-pressure folded
      expect(summary.totals).toMatchObject({ findings: 5, corroborating: 3 });
      expect(summary.frequency.map((f) => f.rule).sort()).toEqual(['io-saturation', 'io-stall', 'memory-stall', 'oom-kill']);
      const csv = Papa.parse<Record<string, string>>(await readFile(path.join(work, 'out', 'summary.csv'), 'utf8'), {
        header: true,
        skipEmptyLines: true,
      }).data;
      expect(csv.map((c) => [c['path'], c['findings'], c['corroborating'], c['class_swap-thrash']])).toEqual([
        ['sosmortem-cgroup-thrash.tar.xz', '3', '2', '1'],
        ['sosmortem-io-throttled-loop.tar.xz', '2', '1', '0'],
      ]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('one collection read more than once', () => {
  it('is counted once: the same sosreport as .tar.xz, .tar.bz2 and .tar.zst is one bundle of findings and two copies', async () => {
    const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
    const work = await mkdtemp(path.join(tmpdir(), 'sosmortem-fleet-copies-'));
    try {
      const inputs = ['sosmortem-libvirt-qemu-segfault.tar.xz', 'sosmortem-libvirt-qemu-segfault.tar.bz2', 'sosmortem-libvirt-qemu-segfault.tar.zst'].map((n) =>
        path.join(fx, n),
      );
      await runBatch({ inputs, outDir: path.join(work, 'out'), jobs: 1, formats: ['json'], resume: false, shard: null, fleetHtml: false });
      const summary = JSON.parse(await readFile(path.join(work, 'out', 'summary.json'), 'utf8')) as FleetSummary;
      expect(summary.totals).toMatchObject({ bundles: 3, ok: 3, error: 0, copies: 2, findings: 2 });
      expect(summary.copies).toHaveLength(2);
      expect(new Set(summary.copies.map((c) => c.sameAs)).size).toBe(1);
      expect(summary.frequency.map((f) => [f.rule, f.bundles])).toEqual([
        ['qemu-segfault', 1],
        ['vm-crash', 1],
      ]);
      // the three rows stay listed, each with its own report
      expect(summary.bundles).toHaveLength(3);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('kernel settings the next boot changes, across a fleet', () => {
  it('names the TuneD profile each host runs, from its latest bundle (real captures, one host without TuneD)', async () => {
    const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
    const work = await mkdtemp(path.join(tmpdir(), 'sosmortem-fleet-tuned-'));
    try {
      const inputs = ['sosmortem-tuned-virtual-host.tar.xz', 'sosmortem-numa-cross-node.tar.xz'].map((n) => path.join(fx, n));
      await runBatch({ inputs, outDir: path.join(work, 'out'), jobs: 1, formats: ['json'], resume: false, shard: null, fleetHtml: true });
      const summary = JSON.parse(await readFile(path.join(work, 'out', 'summary.json'), 'utf8')) as FleetSummary;
      expect(summary.settings.tunedProfiles).toEqual([{ profile: 'virtual-host', hosts: 1 }]);
      expect(summary.settings.drift.find((g) => g.key === 'vm.swappiness')?.examples).toEqual([{ host: 'vm', running: '60', atBoot: '10' }]);
      const html = await readFile(path.join(work, 'out', 'fleet.html'), 'utf8');
      expect(html).toContain('TuneD profiles in use: <span class="mono">virtual-host</span> on 1 host(s).');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('counts each setting by host, from the latest bundle of each, with the values of a few (two real captures, one without sysctl files)', async () => {
    const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
    const work = await mkdtemp(path.join(tmpdir(), 'sosmortem-fleet-settings-'));
    try {
      const inputs = ['sosmortem-hugepages-not-persistent.tar.xz', 'sosmortem-numa-cross-node.tar.xz'].map((n) => path.join(fx, n));
      await runBatch({ inputs, outDir: path.join(work, 'out'), jobs: 1, formats: ['json'], resume: false, shard: null, fleetHtml: true });
      const summary = JSON.parse(await readFile(path.join(work, 'out', 'summary.json'), 'utf8')) as FleetSummary;
      // two hosts; the NUMA capture (host sosmortem-numa) has no sysctl files, so one host was compared
      expect(summary.totals.hosts).toBe(2);
      expect(summary.settings.compared).toBe(1);
      expect(summary.settings.drift.map((g) => [g.key, g.hosts])).toEqual([
        ['fs.protected_fifos', 1],
        ['fs.protected_regular', 1],
        ['fs.protected_symlinks', 1],
        ['kernel.pid_max', 1],
        ['vm.nr_hugepages', 1],
      ]);
      expect(summary.settings.drift.at(-1)?.examples).toEqual([{ host: 'vm', running: '512', atBoot: '64' }]);
      const html = await readFile(path.join(work, 'out', 'fleet.html'), 'utf8');
      expect(html).toContain('<h2>Kernel settings the next boot changes</h2>');
      expect(html).toContain(
        '<td class="mono">kernel.pid_max</td><td class="n">1</td><td>vm: <span class="mono">32768</span> → <span class="mono">4194304</span></td>',
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('content hash of a directory bundle', () => {
  it('digests the sorted "path NUL size NUL mtime" of every file, symlinks as themselves, so that --resume finds reports of earlier versions', async () => {
    const { mkdir, writeFile, symlink, lstat } = await import('node:fs/promises');
    const { createHash } = await import('node:crypto');
    const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-hash-'));
    try {
      await mkdir(path.join(dir, 'sos_commands/kernel'), { recursive: true });
      await mkdir(path.join(dir, 'empty'));
      await writeFile(path.join(dir, 'sos_commands/kernel/dmesg'), 'x'.repeat(1000));
      await writeFile(path.join(dir, 'version.txt'), 'sosreport: 4.8\n');
      await symlink('sos_commands/kernel/dmesg', path.join(dir, 'dmesg'));
      const line = async (rel: string): Promise<string> => {
        const st = await lstat(path.join(dir, rel));
        return `${rel}\0${st.size}\0${Math.floor(st.mtimeMs)}\n`;
      };
      const expected = createHash('sha256');
      for (const l of (await Promise.all(['dmesg', 'sos_commands/kernel/dmesg', 'version.txt'].map(line))).sort()) expected.update(l);
      expect(await contentHash(dir, 'directory')).toBe(expected.digest('hex'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('shards', () => {
  it('parses K/N and auto/N from JOB_COMPLETION_INDEX', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(parseShard('auto/4', {})).toMatch(/JOB_COMPLETION_INDEX/);
    expect(parseShard('4/4')).toMatch(/below N/);
    expect(parseShard('x')).toMatch(/not K\/N/);
  });

  it('assigns every path to exactly one shard, the same one on every run', () => {
    const paths = Array.from({ length: 300 }, (_, i) => `site-${i % 7}/sosreport-h${i}.tar.xz`);
    const counts = [0, 0, 0, 0];
    for (const p of paths) {
      const s = shardOf(p, 4);
      expect(shardOf(p, 4)).toBe(s);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    // a hash spreads them: no shard is empty or holds most of the work
    for (const c of counts) expect(c).toBeGreaterThan(40);
  });

  it('matches globs across directories', () => {
    expect(globToRegExp('**/*.tar.xz').test('a/b/x.tar.xz')).toBe(true);
    expect(globToRegExp('**/*.tar.xz').test('x.tar.xz')).toBe(true);
    expect(globToRegExp('*.tar.xz').test('a/x.tar.xz')).toBe(false);
  });
});

describe('per-bundle PDFs', () => {
  const chromium = findChromium();
  it.skipIf(!chromium)('prints every bundle its own PDF, several pages at once (skipped without Chromium)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-pdfs-'));
    try {
      await makeFleet(path.join(dir, 'in'), 4, 4);
      const r = await runBatch({
        inputs: [path.join(dir, 'in')],
        outDir: path.join(dir, 'out'),
        jobs: 2,
        formats: ['json', 'pdf'],
        resume: false,
        shard: null,
        fleetPdf: false,
      });
      expect(r.stats.failed).toBe(0);
      expect(r.rows).toHaveLength(4);
      for (const row of r.rows) {
        const pdf = await readFile(path.join(dir, 'out', row.id ?? '?', 'report.pdf'));
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        // printed from its own bundle's HTML: the host is in the page header
        const text = pdfText(pdf);
        if (text !== null) expect(text).toContain(row.host ?? '?');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fleet.pdf', () => {
  const chromium = findChromium();
  it.skipIf(!chromium)('renders an offline fleet page and PDF with history for a host seen twice (skipped without Chromium)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-fleet-'));
    try {
      await makeFleet(path.join(dir, 'in'), 4, 1);
      const r = await runBatch({
        inputs: [path.join(dir, 'in')],
        outDir: path.join(dir, 'out'),
        jobs: 1,
        formats: ['json'],
        resume: false,
        shard: null,
        fleetPdf: true,
      });
      expect(r.stats.failed).toBe(0);
      const pdf = await readFile(path.join(dir, 'out', 'fleet.pdf'));
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const html = await readFile(path.join(dir, 'out', 'fleet.html'), 'utf8');
      expect(html).not.toMatch(/<script|https?:\/\//i);
      expect(html).toContain('Per-host history');
      expect(html).toContain('Fixes ranked by incidents addressed');
      expect(html).toContain('<svg');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
