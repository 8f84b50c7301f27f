/**
 * The whole path on the shipped samples: bundle (directory and .tar.xz) +
 * attachments → report.json that matches its schema, with the findings the
 * sample was built to show, and the CLI's exit codes.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { worthStartingEarly } from '../../src/cli/analyze.js';

const root = path.resolve(import.meta.dirname, '../..');
const leakBundle = path.join(root, 'samples/leak-swap-oom/sosreport-db01-2026-11-20-kqzvbnd');
const leakAttachments = path.join(root, 'samples/leak-swap-oom/attachments');
const healthyBundle = path.join(root, 'samples/healthy/sosreport-web02-2026-11-21-pwmdxte');
const schema: object = JSON.parse(readFileSync(path.join(root, 'schema/report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const cli = path.join(root, 'bin/sosmortem.js');
let tmp = '';

beforeAll(() => {
  // The CLI runs from dist/, which `npm test` rebuilds when the sources are newer (scripts/ensure-setup.mjs);
  // building here would race with other test files that run the CLI in parallel.
  tmp = mkdtempSync(path.join(tmpdir(), 'sosmortem-e2e-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('leak → swap thrash → OOM sample', () => {
  it('names the leaking pid and its rate, the thrash window and the OOM kill, linked as a chain', async () => {
    const { model } = await analyze([leakBundle, leakAttachments]);
    const r = model.report;
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(r.bundle.hostname).toBe('db01.example.com');
    expect(r.bundle.timezone).toBe('Europe/Berlin');
    expect(r.bundle.collectedAt).toBe('2026-11-20T16:05:12+01:00');
    const leak = r.findings.find((f) => f.rule === 'memory-leak');
    expect(leak?.subject).toMatchObject({ pid: 4242, comm: 'java' });
    expect(leak?.metrics['growthMiBPerMin']).toBeGreaterThan(22);
    expect(leak?.metrics['growthMiBPerMin']).toBeLessThan(26);
    const thrash = r.findings.find((f) => f.class === 'swap-thrash');
    expect(thrash?.window?.start).toBe('2026-11-20T12:50:00+01:00');
    expect(thrash?.window?.end).toBe('2026-11-20T14:20:00+01:00');
    const oom = r.findings.find((f) => f.class === 'oom-kill');
    expect(oom?.window?.start).toBe('2026-11-20T14:21:07+01:00');
    expect(oom?.severity).toBe('critical');
    expect(oom?.causes).toContain(leak?.id);
    expect(thrash?.causes).toContain(leak?.id);
    // The cause ranks above its symptoms.
    expect(r.findings[0]?.id).toBe(leak?.id);
    expect(r.findings.find((f) => f.class === 'io-saturation' && f.subject.device === 'sda')).toBeDefined();
    for (const f of r.findings) for (const e of f.evidence) expect(e.text.trim().length).toBeGreaterThan(0);
  });

  it('reads the same from a .tar.xz as from the directory', async () => {
    const archive = path.join(tmp, 'sosreport-db01-2026-11-20-kqzvbnd.tar.xz');
    execFileSync('tar', ['-cJf', archive, '-C', path.dirname(leakBundle), path.basename(leakBundle)]);
    const fromDir = (await analyze([leakBundle, leakAttachments])).model.report;
    const fromTar = (await analyze([archive, leakAttachments])).model.report;
    const key = (r: typeof fromDir): string[] =>
      r.findings.map((f) => `${f.rule}|${f.window?.start}|${JSON.stringify(f.metrics)}|${f.evidence.map((e) => `${e.source}:${e.line}:${e.text}`).join(';')}`);
    expect(key(fromTar)).toEqual(key(fromDir));
    expect(fromTar.analysis.bundleHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same report whatever order the archive holds its files in, even where its files disagree', async () => {
    // A copy whose lscpu disagrees with its sar header (8 CPUs): the host facts must not depend on which file came first.
    const bundle = path.join(tmp, 'order', path.basename(leakBundle));
    cpSync(leakBundle, bundle, { recursive: true });
    const lscpu = path.join(bundle, 'sos_commands/processor/lscpu');
    writeFileSync(lscpu, readFileSync(lscpu, 'utf8').replace(/^CPU\(s\):(\s+)\d+$/m, 'CPU(s):$112'));
    const files = execFileSync('find', [path.basename(bundle), '-type', 'f'], { cwd: path.dirname(bundle), encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    const packed = (name: string, list: string[]): string => {
      writeFileSync(path.join(tmp, `${name}.list`), list.join('\n'));
      const archive = path.join(tmp, `${name}.tar.xz`);
      execFileSync('tar', ['-cJf', archive, '-C', path.dirname(bundle), '--no-recursion', '-T', path.join(tmp, `${name}.list`)]);
      return archive;
    };
    const reports = [bundle, packed('forward', files), packed('backward', [...files].reverse())].map(async (input) => (await analyze([input])).model.report);
    const [dir, forward, backward] = await Promise.all(reports);
    const same = (r: typeof dir): unknown => ({
      ...r,
      bundle: { ...r?.bundle, path: null },
      analysis: { ...r?.analysis, bundleHash: null, generatedAt: null, durationMs: null },
    });
    expect(dir?.bundle).toMatchObject({ cpus: 12, hostname: 'db01.example.com' });
    expect(dir?.diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringContaining('disagree on the CPU count: this file says 12, proc/stat and sos_commands/sar/sar20 say 8. 12 is used'),
    );
    expect(same(forward)).toEqual(same(dir));
    expect(same(backward)).toEqual(same(dir));
  });
});

describe('healthy sample', () => {
  it('yields nothing above low and says what was checked', async () => {
    const r = (await analyze([healthyBundle])).model.report;
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(r.findings.filter((f) => ['critical', 'high', 'medium'].includes(f.severity)).map((f) => f.title)).toEqual([]);
    expect(r.analysis.checks.length).toBeGreaterThanOrEqual(6);
    expect(r.analysis.checks.every((c) => c.status !== 'error')).toBe(true);
  });
});

describe('CLI', () => {
  it('writes JSON to stdout with -o - and exits 1 with --fail-on high', () => {
    const res = spawnSync('node', [cli, 'analyze', leakBundle, leakAttachments, '-o', '-', '--format', 'json', '--fail-on', 'high'], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    const report = JSON.parse(res.stdout) as { findings: unknown[] };
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it('prints the verdict, the ranked problems and the first actions once the report is written', () => {
    const out = path.join(tmp, 'summary');
    const res = spawnSync('node', [cli, 'analyze', path.join(root, 'samples/io-errors-hung/sosreport-fs01-2026-11-19-tmrkwqa'), '-o', out, '--format', 'json'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    const lines = res.stderr.split('\n');
    expect(lines[0]).toBe('sosmortem: fs01.example.com, collected 2026-11-19 17:42:03 (Europe/Paris): 4 problems (and 1 finding of an episode already counted)');
    expect(lines[1]).toMatch(/^ {2}Main bottleneck: disk errors — I\/O errors on sdb: 8 failed requests in 1 h 38 min \(disk-errors → io-saturation → hung-task\)/);
    expect(lines[2]).toBe('   1. CRITICAL  I/O errors on sdb: 8 failed requests in 1 h 38 min  [disk-errors, 2026-11-19 14:11:30 → 15:49:30 (1 h 38 min)]');
    // nfsd, hung in the same minutes on the same disk, is jbd2's episode: counted above, not listed
    expect(lines.filter((l) => /^ {3}\d\. /.test(l)).map((l) => l.replace(/^ +\d+\. [A-Z]+ +/, '').split('  [')[0])).toEqual([
      'I/O errors on sdb: 8 failed requests in 1 h 38 min',
      'I/O errors on sdb1: 2 errors in 42 min',
      'sdb saturated: 100% busy, 380 ms await',
      'jbd2/sdb1-8 hung in D state 3 times, waiting on the ext4 journal',
    ]);
    expect(lines).toContain('  First actions:');
    expect(lines).toContain('    P1 Check the health of sdb and replace it or its path');
    expect(res.stderr).toMatch(/ {2}\d+ checks had no data: see "What the data could not show" in the report\.\n {2}wrote .*report\.json\n$/);
  });

  it('exits 0 on the healthy sample with --fail-on medium', () => {
    const res = spawnSync('node', [cli, 'analyze', healthyBundle, '-o', '-', '--format', 'json', '--fail-on', 'medium'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
  });

  it('exits 2 with one line and a hint for a missing input', () => {
    const res = spawnSync('node', [cli, 'analyze', path.join(tmp, 'nope.tar.xz')], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^sosmortem: cannot read .*nope\.tar\.xz/);
    expect(res.stderr).toMatch(/hint:/);
  });

  it('a Chromium that does not start fails the PDF alone, named in one line with a hint', () => {
    const out = path.join(tmp, 'broken-browser');
    const res = spawnSync('node', [cli, 'analyze', healthyBundle, '-o', out, '--format', 'json,md,pdf'], {
      encoding: 'utf8',
      env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: '/bin/false' },
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^sosmortem: could not start Chromium at \/bin\/false: .+\n {2}hint: .*PUPPETEER_EXECUTABLE_PATH/m);
    expect(res.stderr).not.toContain('internal error');
    expect(readFileSync(path.join(out, 'report.json'), 'utf8')).toContain('"findings"');
    expect(readFileSync(path.join(out, 'report.md'), 'utf8').length).toBeGreaterThan(100);
  });

  it('refuses an existing report before reading the bundle (no browser started, no analysis lost)', () => {
    const out = path.join(tmp, 'existing');
    expect(spawnSync('node', [cli, 'analyze', healthyBundle, '-o', out, '--format', 'json'], { encoding: 'utf8' }).status).toBe(0);
    // The input does not exist either: the output is checked first, so that is what is reported.
    const res = spawnSync('node', [cli, 'analyze', path.join(tmp, 'nope.tar.xz'), '-o', out, '--format', 'json,pdf'], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^sosmortem: .*report\.json already exists\n {2}hint: pass --force/);
  });

  it('decodes a .tar.xz through scratch in the output directory and leaves only the reports there; a run that fails leaves no directory', () => {
    const archive = path.join(tmp, 'scratch-healthy.tar.xz');
    execFileSync('tar', ['-cJf', archive, '-C', path.dirname(healthyBundle), path.basename(healthyBundle)]);
    const out = path.join(tmp, 'scratch-out');
    const res = spawnSync('node', [cli, 'analyze', archive, '-o', out, '--format', 'json,md'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['report.json', 'report.md']);
    const viaPipe = spawnSync('node', [cli, 'analyze', archive, '-o', '-', '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const findings = (json: string): unknown => (JSON.parse(json) as { findings: unknown }).findings;
    expect(findings(readFileSync(path.join(out, 'report.json'), 'utf8'))).toEqual(findings(viaPipe.stdout));
    // xz itself fails on garbage: the run exits 2, and the output directory it made for scratch is gone.
    const garbage = path.join(tmp, 'garbage.tar.xz');
    writeFileSync(garbage, Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(4096, 7)]));
    const failed = path.join(tmp, 'scratch-failed');
    const bad = spawnSync('node', [cli, 'analyze', garbage, '-o', failed, '--format', 'json'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/nothing usable/);
    expect(existsSync(failed)).toBe(false);
  });

  it('starts the browser ahead for a directory or a small archive, not for a large archive or a missing input', async () => {
    const small = path.join(tmp, 'small.tar.xz');
    writeFileSync(small, 'x');
    const large = path.join(tmp, 'large.tar.xz');
    writeFileSync(large, '');
    truncateSync(large, 64 * 1024 * 1024); // sparse: no disk used
    expect(await worthStartingEarly([healthyBundle])).toBe(true);
    expect(await worthStartingEarly([small, leakAttachments])).toBe(true);
    expect(await worthStartingEarly([large])).toBe(false);
    expect(await worthStartingEarly([small, path.join(tmp, 'missing-attachment')])).toBe(false);
  });

  it('exits 2 for an unknown format', () => {
    const res = spawnSync('node', [cli, 'analyze', healthyBundle, '--format', 'docx'], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/unknown format "docx"/);
  });

  it('parse detects sar by path and prints its records', () => {
    const res = spawnSync('node', [cli, 'parse', path.join(leakBundle, 'sos_commands/sar/sar20')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as { source: string; records: { kind: string; metric?: string }[] };
    expect(out.source).toBe('sar');
    expect(out.records.some((r) => r.metric === 'swap.outPagesPerSec')).toBe(true);
  });

  it('parse reads a binary TZif file by its bytes, as etc/localtime or with --as', () => {
    const zone = path.resolve(import.meta.dirname, '../fixtures/localtime/zoneinfo/Europe/Berlin');
    const res = spawnSync('node', [cli, 'parse', zone, '--as', 'localtime'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as { source: string; format: string[]; records: { name?: string; value?: string }[] };
    expect(out.format).toEqual([expect.stringMatching(/^TZif version 2, \d+ transitions, rule CET-1CEST,M3\.5\.0,M10\.5\.0\/3$/)]);
    expect(JSON.parse(String(out.records[0]?.value))).toMatchObject({ footer: 'CET-1CEST,M3.5.0,M10.5.0/3' });
  });

  it('stops quietly when its reader closes the pipe early (| head): no stack trace, the exit code of SIGPIPE', async () => {
    // the read end is closed before the CLI has started, so that its first write finds no reader
    const child = spawn('node', [cli, 'rules', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(141);
  });

  it('rules check validates every built-in rule and its cases', () => {
    const res = spawnSync('node', [cli, 'rules', 'check'], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});

describe('user rules and redaction', () => {
  it('a rule in --rules with a built-in id replaces it (thresholds tuned by the user)', async () => {
    const { readFileSync, writeFileSync, mkdirSync } = await import('node:fs');
    const dir = path.join(tmp, 'my-rules');
    mkdirSync(dir, { recursive: true });
    // Raise the swap-out threshold above anything in the sample: the tuned rule must stay quiet.
    const text = readFileSync(path.join(root, 'rules/memory/swap-thrash.yaml'), 'utf8').replace(
      /swapOutPagesPerSec:\n {4}value: 5\n/,
      'swapOutPagesPerSec:\n    value: 100000\n',
    );
    expect(text).toContain('value: 100000');
    writeFileSync(path.join(dir, 'swap-thrash.yaml'), text);
    const tuned = (await analyze([leakBundle, leakAttachments], { rulesDirs: [dir] })).model.report;
    expect(tuned.findings.filter((f) => f.rule === 'swap-thrash')).toEqual([]);
    // the sample's swapping is still counted on the way out by the rule not tuned
    expect(tuned.findings.some((f) => f.rule === 'swap-out')).toBe(true);
    expect(tuned.findings.some((f) => f.class === 'oom-kill')).toBe(true);
  });

  it('a broken user rule is reported and the run goes on', async () => {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const dir = path.join(tmp, 'bad-rules');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'broken.yaml'), 'id: broken\nclass: not-a-class\n');
    const r = (await analyze([healthyBundle], { rulesDirs: [dir] })).model.report;
    expect(r.diagnostics.some((d) => d.source.endsWith('broken.yaml') && d.severity === 'error')).toBe(true);
    expect(r.analysis.checks.length).toBeGreaterThanOrEqual(6);
  });

  it("a groupBy expression that does not parse is the rule file's error, at its place", async () => {
    const { readFileSync, writeFileSync, mkdirSync } = await import('node:fs');
    const dir = path.join(tmp, 'bad-group');
    mkdirSync(dir, { recursive: true });
    const text = readFileSync(path.join(root, 'rules/memory/oom-kill.yaml'), 'utf8').replace(`"memcg ? '' : comm"`, `"memcg ? '' :"`);
    expect(text).toContain(`"memcg ? '' :"`);
    writeFileSync(path.join(dir, 'oom-kill.yaml'), text);
    const r = (await analyze([leakBundle], { rulesDirs: [dir] })).model.report;
    expect(r.diagnostics.find((d) => d.source.endsWith('oom-kill.yaml') && d.severity === 'error')?.message).toContain('/detect/groupBy/2');
  });

  it("a text expression that does not parse is the rule file's error, at its place", async () => {
    const { readFileSync, writeFileSync, mkdirSync } = await import('node:fs');
    const dir = path.join(tmp, 'bad-text');
    mkdirSync(dir, { recursive: true });
    const text = readFileSync(path.join(root, 'rules/virt/vm-frozen.yaml'), 'utf8').replace(`reason: "or(fact('vm.liveStateReason', 'domain', labels.domain), '')"`, `reason: "or(fact('vm.liveStateReason', 'domain', labels.domain), "`);
    expect(text).toContain(`reason: "or(fact('vm.liveStateReason', 'domain', labels.domain), "`);
    writeFileSync(path.join(dir, 'vm-frozen.yaml'), text);
    const r = (await analyze([healthyBundle], { rulesDirs: [dir] })).model.report;
    expect(r.diagnostics.find((d) => d.source.endsWith('vm-frozen.yaml') && d.severity === 'error')?.message).toContain('/texts/reason');
  });

  it('--redact leaves no host name, domain or user name in any output', () => {
    const out = path.join(tmp, 'redacted');
    const res = spawnSync('node', [cli, 'analyze', leakBundle, leakAttachments, '-o', out, '--format', 'json,md', '--redact'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    for (const f of ['report.json', 'report.md']) {
      const text = readFileSync(path.join(out, f), 'utf8');
      expect(text).not.toMatch(/db01|example\.com/);
      expect(text).toMatch(/host-1/);
    }
  });
});

/** A finding's fields that correlation fills in, empty. */
function unlinked() {
  return {
    message: '',
    score: 60,
    confidence: 0.9,
    evidence: [],
    causes: [] as string[],
    effects: [] as string[],
    reasoning: [] as string[],
    remediation: [],
    references: [],
  };
}

/** A high finding of `rule` (of class `cls`) over [start, end] on 2026-11-20, with its metrics. */
function highFinding<C extends string>(id: string, rule: string, cls: C, metrics: Record<string, number>, start: string, end: string) {
  return {
    ...unlinked(),
    id,
    rule,
    class: cls,
    title: rule,
    severity: 'high' as const,
    subject: {},
    metrics,
    window: { start: `2026-11-20T${start}:00Z`, end: `2026-11-20T${end}:00Z` },
  };
}

/** A host-wide leak of pid 10 from 10:00 to 11:00. */
function hostLeak() {
  return {
    ...unlinked(),
    id: 'memory-leak:1',
    rule: 'memory-leak',
    class: 'memory-leak' as const,
    title: 'leak',
    severity: 'high' as const,
    subject: { pid: 10 },
    metrics: {},
    window: { start: '2026-11-20T10:00:00Z', end: '2026-11-20T11:00:00Z' },
  };
}

describe('cause and effect', () => {
  it('does not blame a cgroup-limited OOM on a host-wide leak', async () => {
    const { correlate, loadCorrelations } = await import('../../src/rules/correlate.js');
    const leak = hostLeak();
    const memcgOom = {
      ...unlinked(),
      id: 'oom-kill:1',
      rule: 'oom-kill',
      class: 'oom-kill' as const,
      title: 'memcg oom',
      severity: 'high' as const,
      subject: { pid: 20 },
      metrics: { memcg: 1 },
      window: { start: '2026-11-20T10:30:00Z', end: '2026-11-20T10:30:00Z' },
    };
    const globalOom = {
      ...unlinked(),
      id: 'oom-kill:2',
      rule: 'oom-kill',
      class: 'oom-kill' as const,
      title: 'global oom',
      severity: 'critical' as const,
      subject: { pid: 30 },
      metrics: { memcg: 0 },
      window: { start: '2026-11-20T10:45:00Z', end: '2026-11-20T10:45:00Z' },
    };
    correlate([leak, memcgOom, globalOom], await loadCorrelations());
    expect(memcgOom.causes).toEqual([]);
    expect(globalOom.causes).toEqual(['memory-leak:1']);
  });
});

describe('swapping confined to a cgroup', () => {
  it('is not blamed on a host-wide leak when the host still had memory available', async () => {
    const { correlate, loadCorrelations } = await import('../../src/rules/correlate.js');
    const leak = hostLeak();
    const cgroupThrash = highFinding('swap-thrash:1', 'swap-thrash', 'swap-thrash' as const, { minAvailablePct: 89 }, '10:30', '10:40');
    const hostThrash = highFinding('swap-thrash:2', 'swap-thrash', 'swap-thrash' as const, { minAvailablePct: 1.3 }, '10:45', '10:50');
    correlate([leak, cgroupThrash, hostThrash], await loadCorrelations());
    expect(cgroupThrash.causes).toEqual([]);
    expect(hostThrash.causes).toEqual(['memory-leak:1']);
  });
});

describe('soft lockups in a guest', () => {
  it('are blamed on the steal time they overlap; a task blocked on I/O at the same time is not', async () => {
    const { correlate, loadCorrelations } = await import('../../src/rules/correlate.js');
    const steal = highFinding('cpu-steal:1', 'cpu-steal', 'cpu-steal' as const, { meanStealPct: 31 }, '10:00', '11:00');
    const lockup = highFinding('soft-lockup:1', 'soft-lockup', 'hung-task' as const, {}, '10:20', '10:21');
    const blocked = highFinding('hung-task:1', 'hung-task', 'hung-task' as const, {}, '10:20', '10:21');
    correlate([steal, lockup, blocked], await loadCorrelations());
    expect(lockup.causes).toEqual(['cpu-steal:1']);
    expect(lockup.reasoning[0]).toContain('soft-lockup watchdog');
    expect(blocked.causes).toEqual([]);
  });
});

describe('one stall measured twice', () => {
  it('folds /proc/pressure at collection under the sar stall it continues, ranked below it; a stall over by then stays its own finding', async () => {
    const { correlate, loadCorrelations } = await import('../../src/rules/correlate.js');
    const same = (f: object): string[] | undefined => (f as { sameEpisodeAs?: string[] }).sameEpisodeAs;
    const stall = { ...highFinding('memory-stall:1', 'memory-stall', 'swap-thrash' as const, { meanSomePct: 40 }, '10:00', '10:40'), score: 70 };
    // sos read /proc/pressure two minutes after sar's last stalled sample: the same episode.
    const atCollection = { ...highFinding('memory-pressure:1', 'memory-pressure', 'swap-thrash' as const, { someAvg60Pct: 35 }, '10:42', '10:42'), score: 80 };
    const ioAtCollection = { ...highFinding('io-pressure:1', 'io-pressure', 'io-saturation' as const, { someAvg60Pct: 30 }, '10:42', '10:42'), score: 60 };
    correlate([stall, atCollection, ioAtCollection], await loadCorrelations());
    expect(same(atCollection)).toEqual(['memory-stall:1']);
    expect(atCollection.score).toBe(69);
    expect(atCollection.reasoning.at(-1)).toMatch(/^The same stall as memory-stall, read once more from \/proc\/pressure\/memory/);
    expect(same(stall)).toBeUndefined();
    // Another resource's pressure is not the same episode.
    expect(same(ioAtCollection)).toBeUndefined();

    const earlier = highFinding('memory-stall:2', 'memory-stall', 'swap-thrash' as const, { meanSomePct: 40 }, '06:00', '06:30');
    const later = highFinding('memory-pressure:2', 'memory-pressure', 'swap-thrash' as const, { someAvg60Pct: 35 }, '10:42', '10:42');
    correlate([earlier, later], await loadCorrelations());
    expect(same(later)).toBeUndefined();
  });
});

describe('severity along causes', () => {
  it('raises a cause to the severity of what it led to when the two meet in time, not along a link of a long lag', async () => {
    const { correlate, loadCorrelations } = await import('../../src/rules/correlate.js');
    const device = { ...highFinding('io-saturation:1', 'io-saturation', 'io-saturation' as const, { peakAwaitMs: 62 }, '10:00', '10:06'), severity: 'medium' as const };
    const stall = highFinding('io-stall:1', 'io-stall', 'io-saturation' as const, { meanSomePct: 92 }, '10:00', '10:06');
    const reserved = { ...highFinding('hugepages-unused:1', 'hugepages-unused', 'hugepages-unused' as const, {}, '10:00', '10:00'), severity: 'medium' as const };
    const oom = { ...highFinding('oom-kill:1', 'oom-kill', 'oom-kill' as const, { memcg: 0 }, '10:30', '10:30'), severity: 'critical' as const };
    const findings: { id: string; severity: string; causes: string[]; reasoning: string[] }[] = [device, stall, reserved, oom];
    correlate(findings as never, await loadCorrelations());
    expect(stall.causes).toEqual(['io-saturation:1']);
    expect(findings[0]?.severity).toBe('high');
    expect(device.reasoning).toContain('Rated high for what it led to (io-stall); on its own it would be medium.');
    // Unused hugepages may have helped an OOM half an hour later; they did not make it critical.
    expect(oom.causes).toEqual(['hugepages-unused:1']);
    expect(findings[2]?.severity).toBe('medium');
  });
});

describe('finding charts', () => {
  it('keep the context of a short finding in a long collection, and the whole series of a finding that covers most of it', async () => {
    const { around } = await import('../../src/analyze.js');
    const t = Array.from({ length: 61 }, (_, i) => i * 10 * 60_000); // 10 h of 10-minute samples
    const v = t.map((_, i) => i);
    const [ct] = around(t, v, 5 * 3600_000, 5 * 3600_000 + 10 * 60_000);
    expect(ct[0]).toBe(5 * 3600_000 - 30 * 60_000);
    expect(ct[ct.length - 1]).toBe(5 * 3600_000 + 40 * 60_000);
    const [all] = around(t, v, 3600_000, 9 * 3600_000);
    expect(all.length).toBe(61);
  });
});
