/**
 * `npm run bench`: sosmortem against the physical floor. The floor of reading
 * a .tar.xz is decompressing it (`xz -dc bundle | wc -l`); analyze-to-JSON is
 * measured next to it in the same run, on the same page-cache state, as the
 * median of several runs. Also: parse throughput per source, warm-browser PDF
 * time, peak RSS. BENCH_QUICK=1 gives a few-second smoke run for CI.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, neededMetrics, rulesNeedPerCpu } from '../src/analyze.js';
import { LineSplitter, DEFAULT_LINE_LIMITS } from '../src/bundle/lines.js';
import { feedTextLines } from '../src/parsers/feed.js';
import { parserById } from '../src/parsers/registry.js';
import { CHROMIUM_CANDIDATES, findChromium, launchBrowser } from '../src/report/browser.js';
import { renderHtml } from '../src/report/html.js';
import { renderPdf } from '../src/report/pdf.js';
import { loadRules } from '../src/rules/loader.js';
import { RecordStore } from '../src/timeline/store.js';
import { ensureDataset, ensureSarXml, FULL, QUICK, type Dataset } from './datasets.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const quick = Boolean(process.env['BENCH_QUICK']);
const runs = Number(process.env['BENCH_RUNS'] ?? (quick ? 1 : 3));
const only = process.env['BENCH_ONLY']?.split(',');
const log = (msg: string): void => void process.stderr.write(`bench: ${msg}\n`);
const MB = 1e6;

interface Row {
  what: string;
  on: string;
  value: string;
  floor?: string;
  ratio?: number;
  target?: string;
  ok?: boolean;
}
const rows: Row[] = [];
const results: Record<string, number> = {};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function timed(fn: () => Promise<void> | void): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function sh(script: string, ...args: string[]): void {
  const r = spawnSync('sh', ['-c', script, 'sh', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status ?? r.signal})`);
}

/** A shell pipeline's wall seconds and the CPU seconds of its processes (the shell's waited-for children, /proc/PID/stat cutime + cstime). */
async function shTimed(script: string, ...args: string[]): Promise<{ sec: number; cpuSec: number }> {
  let out = '';
  const sec = await timed(() => {
    const r = spawnSync('sh', ['-c', `${script}; cut -d' ' -f16,17 /proc/$$/stat`, 'sh', ...args], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${script} failed (${r.status ?? r.signal})`);
    out = r.stdout;
  });
  const [cu, cs] = out.trim().split(' ').map(Number);
  return { sec, cpuSec: ((cu ?? 0) + (cs ?? 0)) / 100 };
}

interface RunStats {
  sec: number;
  rssKiB: number;
  /** CPU seconds of the process (all threads) and of its children (xz) */
  cpuSec: number;
}

/** One `sosmortem analyze … --format json` child: wall seconds, peak RSS in KiB, CPU seconds. */
async function analyzeRun(bundle: string): Promise<RunStats> {
  const out = mkdtempSync(path.join(tmpdir(), 'sosmortem-bench-'));
  const rssFile = path.join(out, 'rss');
  try {
    const sec = await timed(
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            ['--import', path.join(root, 'bench/rss-hook.mjs'), 'bin/sosmortem.js', 'analyze', bundle, '--format', 'json', '-o', out, '--force'],
            {
              stdio: ['ignore', 'ignore', 'pipe'],
              env: { ...process.env, BENCH_RSS_FILE: rssFile },
            },
          );
          let err = '';
          child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
          child.on('close', (code) => (code === 0 || code === 1 ? resolve() : reject(new Error(`analyze exited ${code}: ${err.slice(0, 500)}`))));
        }),
    );
    const hook = JSON.parse(readFileSync(rssFile, 'utf8')) as { rssKiB: number; cpuSec: number; childCpuSec: number };
    return { sec, rssKiB: hook.rssKiB, cpuSec: hook.cpuSec + hook.childCpuSec };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const phaseNotes: string[] = [];

/** One more archive run with SOSMORTEM_TIMINGS=1: where the time goes, phase by phase, printed under the table. */
function phases(ds: Dataset): void {
  const out = mkdtempSync(path.join(tmpdir(), 'sosmortem-bench-'));
  try {
    const r = spawnSync(process.execPath, ['bin/sosmortem.js', 'analyze', ds.archive, '--format', 'json', '-o', out, '--force'], {
      encoding: 'utf8',
      env: { ...process.env, SOSMORTEM_TIMINGS: '1' },
    });
    // The phases follow "sosmortem timings:", the CPU by thread "CPU used…"; each block is its indented lines.
    const block = (head: string): string[] => {
      const from = r.stderr.split('\n').findIndex((l) => l.startsWith(head));
      if (from < 0) return [];
      const out: string[] = [];
      for (const l of r.stderr.split('\n').slice(from + 1)) {
        if (!/^ {2}\S/.test(l)) break;
        out.push(l.trim().replace(/\s{2,}/g, ' '));
      }
      return out;
    };
    const bare = median(
      [0, 1, 2].map(() => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(performance.now()))'], { encoding: 'utf8' }).stdout)),
    );
    phaseNotes.push(
      `${ds.spec.name} .tar.xz, one run: ${block('sosmortem timings:').join('; ')} (a bare \`node -e\` is ${bare.toFixed(0)} ms of the start-up); CPU: ${block('CPU used').join('; ')}`,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function benchBundle(ds: Dataset, archiveTarget: number): Promise<void> {
  const name = ds.spec.name;
  const xzFloor: number[] = [];
  const xzFloorCpu: number[] = [];
  const xzAllCores: number[] = [];
  const arch: number[] = [];
  const archCpu: number[] = [];
  const dirFloor: number[] = [];
  const dir: number[] = [];
  const dirCpu: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    // Interleaved so that both see the same machine load.
    const f = await shTimed('xz -dc "$1" | wc -l >/dev/null', ds.archive);
    xzFloor.push(f.sec);
    xzFloorCpu.push(f.cpuSec);
    // sosmortem runs xz with a thread per core: archives written by threaded xz (as sos writes them) decode in parallel.
    xzAllCores.push((await shTimed('xz -dc -T0 "$1" | wc -l >/dev/null', ds.archive)).sec);
    const a = await analyzeRun(ds.archive);
    arch.push(a.sec);
    archCpu.push(a.cpuSec);
    rss = Math.max(rss, a.rssKiB);
    dirFloor.push(await timed(() => sh('find "$1" -type f -exec cat {} + | wc -l >/dev/null', ds.dir)));
    const d = await analyzeRun(ds.dir);
    dir.push(d.sec);
    dirCpu.push(d.cpuSec);
    rss = Math.max(rss, d.rssKiB);
  }
  const xf = median(xzFloor);
  const xt = median(xzAllCores);
  const am = median(arch);
  const df = median(dirFloor);
  const dm = median(dir);
  const mbps = ds.bytes / MB / dm;
  Object.assign(results, {
    [`${name}.xzFloorSec`]: xf,
    [`${name}.xzAllCoresSec`]: xt,
    [`${name}.xzFloorCpuSec`]: median(xzFloorCpu),
    [`${name}.archiveSec`]: am,
    [`${name}.archiveCpuSec`]: median(archCpu),
    [`${name}.dirFloorSec`]: df,
    [`${name}.dirSec`]: dm,
    [`${name}.dirCpuSec`]: median(dirCpu),
    [`${name}.dirMBps`]: mbps,
    [`${name}.peakRssMiB`]: rss / 1024,
    [`${name}.bytes`]: ds.bytes,
  });
  rows.push({
    what: 'analyze → JSON, .tar.xz',
    on: `${name} (${(ds.bytes / MB).toFixed(0)} MB)`,
    value: `${am.toFixed(2)} s`,
    floor: `${xf.toFixed(2)} s xz -dc|wc -l`,
    ratio: am / xf,
    target: `≤ ${archiveTarget}×`,
    ok: am / xf <= archiveTarget,
  });
  rows.push({
    what: '  the same against xz on all cores',
    on: name,
    value: `${am.toFixed(2)} s`,
    floor: `${xt.toFixed(2)} s xz -dc -T0|wc -l`,
    ratio: am / xt,
  });
  rows.push({
    what: '  CPU used (all threads + xz)',
    on: name,
    value: `${median(archCpu).toFixed(2)} s`,
    floor: `${median(xzFloorCpu).toFixed(2)} s`,
    ratio: median(archCpu) / median(xzFloorCpu),
  });
  rows.push({
    what: 'analyze → JSON, directory',
    on: name,
    value: `${dm.toFixed(2)} s = ${mbps.toFixed(0)} MB/s`,
    floor: `${df.toFixed(2)} s cat|wc -l`,
    ratio: dm / df,
    target: '≥ 150 MB/s',
    ok: mbps >= 150,
  });
  rows.push({ what: '  CPU used (all threads)', on: name, value: `${median(dirCpu).toFixed(2)} s` });
  rows.push({ what: 'peak RSS of analyze', on: name, value: `${(rss / 1024).toFixed(0)} MiB` });
  phases(ds);
}

/**
 * The memory target is for a 1 GB syslog: a bundle holding only the large
 * dataset's var/log/messages (hard-linked: directory bundles never follow
 * symlinks) and its date, analysed on its own.
 */
async function benchSyslogOnly(ds: Dataset): Promise<void> {
  const messages = path.join(ds.dir, 'var/log/messages');
  if (!existsSync(messages)) return;
  const dir = path.join(path.dirname(ds.dir), 'syslog-only');
  mkdirSync(path.join(dir, 'var/log'), { recursive: true });
  mkdirSync(path.join(dir, 'sos_commands/date'), { recursive: true });
  const target = path.join(dir, 'var/log/messages');
  if (!existsSync(target)) linkSync(messages, target);
  copyFileSync(path.join(ds.dir, 'sos_commands/date/date'), path.join(dir, 'sos_commands/date/date'));
  const bytes = statSync(messages).size;
  let best: RunStats = { sec: Infinity, rssKiB: 0, cpuSec: 0 };
  for (let i = 0; i < runs; i++) {
    const r = await analyzeRun(dir);
    if (r.sec < best.sec) best = { ...r, rssKiB: Math.max(best.rssKiB, r.rssKiB) };
    else best.rssKiB = Math.max(best.rssKiB, r.rssKiB);
  }
  Object.assign(results, { [`${ds.spec.name}.syslogOnlySec`]: best.sec, [`${ds.spec.name}.syslogOnlyPeakRssMiB`]: best.rssKiB / 1024 });
  rows.push({
    what: 'analyze a syslog alone: time, peak RSS',
    on: `${(bytes / MB).toFixed(0)} MB messages`,
    value: `${best.sec.toFixed(2)} s, ${(best.rssKiB / 1024).toFixed(0)} MiB`,
    target: '≤ 300 MiB',
    ok: best.rssKiB / 1024 <= 300,
  });
}

/** The ingest path for one source: bytes → LineSplitter → parser → store, no file walk. */
async function parseFiles(parserId: string, files: string[], wanted?: (metric: string) => boolean): Promise<number> {
  const parser = parserById(parserId);
  if (!parser) throw new Error(`no parser ${parserId}`);
  const store = new RecordStore(wanted);
  for (const file of files) {
    const sink = store.sinkFor(file, parserId);
    const feeder = feedTextLines(parser, { path: file }, sink);
    const splitter = new LineSplitter(DEFAULT_LINE_LIMITS, (e) => {
      if (e.kind === 'line') feeder.push(e.text, e.lineNo);
    });
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) splitter.push(chunk as Buffer);
    splitter.end();
    feeder.end();
  }
  let n = 0;
  for (const f of store.files) n += f.records;
  return n;
}

async function benchParsers(ds: Dataset): Promise<void> {
  const sources: [string, string[]][] = [
    ['sar', ds.files.sar.slice(0, quick ? 2 : 3)],
    ['syslog', [ds.files.syslog]],
    ['dmesg', [ds.files.dmesg]],
    ['ps', ds.files.ps],
    ['pmap', ds.files.pmap],
    ['sar-xml', [ensureSarXml(ds, log)]],
  ];
  // As analyze keeps them: only the metrics a rule or a standard chart reads (ps: RSS alone, not VSZ, %CPU and %MEM).
  const rules = (await loadRules([], true, { validateBuiltin: false })).rules;
  const needed = neededMetrics(rules);
  const perCpu = rulesNeedPerCpu(rules);
  const asAnalyze = (metric: string): boolean => (metric === 'cpu.percpu' ? perCpu : needed.has(metric));
  const variants = [
    ['everything', undefined],
    ['what the rules read', asAnalyze],
  ] as const;
  for (const [id, files] of sources) {
    const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
    // One untimed pass each, then the two variants in turn: neither is timed with a cold JIT the other warmed.
    for (const [, wanted] of variants) await parseFiles(id, files, wanted);
    const secs: number[][] = variants.map(() => []);
    const records: number[] = variants.map(() => 0);
    for (let i = 0; i < runs; i++) {
      for (const [k, [, wanted]] of variants.entries()) secs[k]?.push(await timed(async () => void (records[k] = await parseFiles(id, files, wanted))));
    }
    for (const [k, [kept, wanted]] of variants.entries()) {
      const mbps = bytes / MB / median(secs[k] ?? []);
      results[`parse.${id}.${wanted ? 'asAnalyze.' : ''}MBps`] = mbps;
      rows.push({ what: `parse ${id}, keeping ${kept}`, on: `${(bytes / MB).toFixed(1)} MB, ${records[k]} records`, value: `${mbps.toFixed(0)} MB/s` });
    }
  }
}

async function benchPdf(ds: Dataset): Promise<void> {
  const exe = findChromium();
  if (!exe) {
    rows.push({ what: 'PDF per report, warm browser', on: ds.spec.name, value: 'skipped: no Chromium found' });
    return;
  }
  const { model } = await analyze([ds.dir]);
  const launched = await launchBrowser(exe);
  try {
    const opts = { paper: 'A4' as const, headerLeft: 'db01', headerRight: '2026-11-20' };
    await renderPdf(await renderHtml(model), opts, launched.browser); // warm-up: first page, fonts
    const secs: number[] = [];
    let size = 0;
    for (let i = 0; i < Math.max(3, runs); i++)
      secs.push(await timed(async () => void (size = (await renderPdf(await renderHtml(model), opts, launched.browser)).length)));
    const s = median(secs);
    results['pdf.warmSec'] = s;
    rows.push({
      what: 'PDF per report (renderHtml + renderPdf), warm browser',
      on: `${ds.spec.name}, ${model.report.findings.length} findings, ${(size / 1024).toFixed(0)} KiB`,
      value: `${s.toFixed(2)} s`,
      target: '≤ 1.5 s',
      ok: s <= 1.5,
    });
  } finally {
    await launched.close();
  }
}

/**
 * What a user waits for: one `sosmortem analyze bundle.tar.xz` with the
 * default output (PDF + JSON), a browser started for it and closed after it.
 * Timed per installed kind of Chromium when there are several: the headless
 * shell is preferred because it starts and prints faster.
 */
function benchColdCli(ds: Dataset): void {
  const kinds = [...new Set([findChromium(), ...CHROMIUM_CANDIDATES.filter((p) => existsSync(p))].filter((p): p is string => p !== null))];
  for (const exe of kinds) {
    const out = mkdtempSync(path.join(tmpdir(), 'sosmortem-bench-'));
    try {
      const env = { ...process.env, PUPPETEER_EXECUTABLE_PATH: exe };
      const run = (): number => {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, ['bin/sosmortem.js', 'analyze', ds.archive, '-o', out, '--force'], { encoding: 'utf8', env });
        if (r.status !== 0) throw new Error(`analyze with ${exe} failed: ${r.stderr}`);
        return (performance.now() - t0) / 1000;
      };
      run();
      const secs: number[] = [];
      for (let i = 0; i < Math.max(3, runs); i++) secs.push(run());
      const s = median(secs);
      results[`cli.pdfJson.${path.basename(exe)}.sec`] = s;
      rows.push({
        what: 'analyze → PDF + JSON, cold browser (the CLI default)',
        on: `${ds.spec.name} .tar.xz, ${path.basename(exe)}`,
        value: `${s.toFixed(2)} s`,
      });
      if (exe === kinds[0]) {
        const r = spawnSync(process.execPath, ['bin/sosmortem.js', 'analyze', ds.archive, '-o', out, '--force'], {
          encoding: 'utf8',
          env: { ...env, SOSMORTEM_TIMINGS: '1' },
        });
        const from = r.stderr.split('\n').findIndex((l) => l.startsWith('sosmortem timings:'));
        const lines =
          from < 0
            ? []
            : r.stderr
                .split('\n')
                .slice(from + 1)
                .filter((l) => /^ {2}\S/.test(l));
        const end = lines.findIndex((l) => l.trim().startsWith('total'));
        phaseNotes.push(
          `${ds.spec.name} .tar.xz → PDF + JSON with ${path.basename(exe)}, one run: ${lines
            .slice(0, end + 1)
            .map((l) => l.trim().replace(/\s{2,}/g, ' '))
            .join('; ')}`,
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
}

function printTable(): void {
  const head = ['measure', 'on', 'value', 'floor', '× floor', 'target', ''];
  const body = rows.map((r) => [
    r.what,
    r.on,
    r.value,
    r.floor ?? '',
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '',
    r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const dataRoot = path.join(root, 'bench/data');
  const specs = (quick ? QUICK : FULL).filter((s) => !only || only.includes(s.name));
  const sets = specs.map((s) => ensureDataset(s, dataRoot, log));
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  console.log(`sosmortem bench${quick ? ' (quick)' : ''}: ${nproc} CPUs, ${cpu}, node ${process.version}, median of ${runs} run(s)`);
  for (const ds of sets) {
    log(`analyze ${ds.spec.name} …`);
    await benchBundle(ds, 1.5);
  }
  const big = sets[0];
  if (big) {
    log('syslog alone …');
    await benchSyslogOnly(big);
    log('parsers …');
    await benchParsers(big);
  }
  const small = sets[sets.length - 1];
  if (small && !process.env['BENCH_NO_PDF']) {
    log('pdf …');
    await benchPdf(small);
    if (findChromium()) {
      log('analyze → PDF, cold …');
      benchColdCli(small);
    }
  }
  printTable();
  if (phaseNotes.length) console.log(`\nwhere the time goes (SOSMORTEM_TIMINGS=1):\n${phaseNotes.map((n) => `- ${n}`).join('\n')}`);
  writeFileSync(
    path.join(dataRoot, `results-${quick ? 'quick' : 'full'}.json`),
    `${JSON.stringify({ nproc, cpu, node: process.version, runs, results }, null, 2)}\n`,
  );
  const batch = path.join(root, 'bench/batch.ts');
  if (existsSync(batch)) {
    log('bench/batch.ts …');
    const r = spawnSync('npx', ['tsx', batch, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(2);
});
