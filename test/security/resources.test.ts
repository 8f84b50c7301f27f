import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ArchiveSource, xzPlan } from '../../src/bundle/archive.js';
import { DirectorySource } from '../../src/bundle/directory.js';
import { makeTar, ingest, snapshot, tempDir, TOP, HOSTNAME_FILE, xz, gz, about } from './helpers.js';

const run = promisify(execFile);
/** The memory cap SECURITY.md promises for one analysis. */
const MEMORY_CAP_KIB = 512 * 1024;
const MiB = 1024 * 1024;

function fixChecksum(tar: Buffer, offset: number): void {
  tar.fill(0x20, offset + 148, offset + 156);
  let sum = 0;
  for (let i = offset; i < offset + 512; i++) sum += tar[i] as number;
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, offset + 148, 'latin1');
}

/**
 * A few hundred KiB of xz that expands to `gib` GiB: a hostname file, then one
 * entry whose header claims the whole size, its zeros written as many
 * concatenated xz streams of the same 64 MiB block (xz -d decodes them all).
 */
async function bomb(gib: number, blocksPerStream = 1, padding?: Buffer): Promise<Buffer> {
  const head = await makeTar([
    { header: { name: `${TOP}/`, type: 'directory' } },
    { header: { name: HOSTNAME_FILE }, body: 'web01.example.com\n' },
    ...(padding ? [{ header: { name: `${TOP}/sos_commands/noise.bin` }, body: padding }] : []),
    { header: { name: `${TOP}/var/log/messages` }, body: 'x' },
  ]);
  const lastHeader = head.indexOf(Buffer.from(`${TOP}/var/log/messages`)) ;
  const header = Buffer.from(head.subarray(0, lastHeader + 512));
  header.write(`${(gib * 1024 * MiB).toString(8).padStart(11, '0')}\0`, lastHeader + 124, 'latin1');
  fixChecksum(header, lastHeader);
  // Several blocks per stream (threaded xz, as sos writes archives) make the walk read xz on the main thread (xz-pipe.ts).
  const block = blocksPerStream > 1 ? xzBlocks(Buffer.alloc(64 * MiB), blocksPerStream) : xz(Buffer.alloc(64 * MiB));
  const parts = [xz(header)];
  for (let i = 0; i < (gib * 1024) / 64; i++) parts.push(block);
  return Buffer.concat(parts);
}

function xzBlocks(data: Buffer, blocks: number): Buffer {
  const r = spawnSync('xz', ['-1', '-c', '-T2', `--block-size=${Math.ceil(data.length / blocks)}`], { input: data, maxBuffer: 1024 ** 3 });
  if (r.status !== 0) throw new Error(`xz failed: ${r.stderr.toString()}`);
  return r.stdout;
}

interface ChildFinding {
  rule: string;
  severity: string;
  subject: Record<string, string | number>;
  metrics: Record<string, number>;
  window: { start: string; end: string } | null;
  id: string;
  evidenceLines: number[];
}

async function analyzeInChild(input: string, out: string, maxTotal?: number, scratch = false): Promise<{ maxRssKiB: number; files: string[]; diagnostics: string[]; findings: ChildFinding[]; eventTypes: Record<string, number>; rates: Record<string, { title: string; total: number; max: number }> }> {
  const args = ['--import', 'tsx', path.join(import.meta.dirname, 'child-analyze.ts'), input, out, String(maxTotal ?? ''), scratch ? 'scratch' : ''];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 * MiB });
  return JSON.parse(stdout) as { maxRssKiB: number; files: string[]; diagnostics: string[]; findings: ChildFinding[]; eventTypes: Record<string, number>; rates: Record<string, { title: string; total: number; max: number }> };
}

describe('resource bounds', () => {
  it('stops a decompression bomb at the total cap, keeps what came before, in bounded memory', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'in', 'bomb.tar.xz');
    await mkdir(path.dirname(file));
    const data = await bomb(3);
    expect(data.length).toBeLessThan(4 * MiB);
    await writeFile(file, data);
    const before = await snapshot(dir);
    const r = await analyzeInChild(file, path.join(dir, 'out'), 256 * MiB);
    expect(r.files).toContain('sos_commands/host/hostname');
    expect(r.diagnostics.some((d) => d.startsWith('.: archive expands past the 256 MiB cap'))).toBe(true);
    expect(r.maxRssKiB).toBeLessThan(MEMORY_CAP_KIB);
    const after = await snapshot(dir);
    expect(after.filter((p) => !before.includes(p))).toEqual(['out/', expect.stringMatching(/^out\/report\.json /), expect.stringMatching(/^out\/report\.md /)]);
  });

  it.skipIf(availableParallelism() < 2)('stops the same bomb made of streams of several blocks, read on the main thread', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'in', 'bomb.tar.xz');
    await mkdir(path.dirname(file));
    // 17 MiB of random bytes first: from 16 MiB compressed, xz decodes with several threads.
    const data = await bomb(2, 4, randomBytes(17 * MiB));
    await writeFile(file, data);
    expect(await xzPlan(file, 0)).toMatchObject({ threads: 0, reader: 'pipe' });
    const r = await analyzeInChild(file, path.join(dir, 'out'), 256 * MiB);
    expect(r.files).toContain('sos_commands/host/hostname');
    expect(r.diagnostics.some((d) => d.startsWith('.: archive expands past the 256 MiB cap'))).toBe(true);
    expect(r.maxRssKiB).toBeLessThan(MEMORY_CAP_KIB);
  });

  it('stops a one-stream bomb decoded through scratch in the output directory at the total cap, and leaves only the reports', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'in', 'bomb.tar.xz');
    await mkdir(path.dirname(file));
    // One stream whose index declares 400 MiB: within what scratch takes (xzPlan), so xz writes into the output directory.
    const tar = await makeTar([
      { header: { name: `${TOP}/`, type: 'directory' } },
      { header: { name: HOSTNAME_FILE }, body: 'web01.example.com\n' },
      { header: { name: `${TOP}/var/log/messages` }, body: Buffer.alloc(400 * MiB) },
    ]);
    const packed = spawnSync('xz', ['-0', '-T1', '-c'], { input: tar, maxBuffer: 64 * MiB });
    await writeFile(file, packed.stdout);
    expect(await xzPlan(file, 0, true)).toMatchObject({ threads: 1, reader: 'file' });
    const before = await snapshot(dir);
    const r = await analyzeInChild(file, path.join(dir, 'out'), 256 * MiB, true);
    expect(r.files).toContain('sos_commands/host/hostname');
    expect(r.diagnostics.some((d) => d.startsWith('.: archive expands past the 256 MiB cap'))).toBe(true);
    expect(r.maxRssKiB).toBeLessThan(MEMORY_CAP_KIB);
    const after = await snapshot(dir);
    expect(after.filter((p) => !before.includes(p))).toEqual(['out/', expect.stringMatching(/^out\/report\.json /), expect.stringMatching(/^out\/report\.md /)]);
  });

  it('reads a 300 MB log with default caps under the memory cap', async () => {
    const dir = await tempDir();
    const bundle = path.join(dir, TOP);
    await mkdir(path.join(bundle, 'var/log'), { recursive: true });
    await mkdir(path.join(bundle, 'sos_commands/host'), { recursive: true });
    await writeFile(path.join(bundle, 'sos_commands/host/hostname'), 'web01\n');
    const fh = await open(path.join(bundle, 'var/log/messages'), 'w');
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) lines.push(`Nov 23 10:${String(Math.floor(i / 600) % 60).padStart(2, '0')}:${String(Math.floor(i / 10) % 60).padStart(2, '0')} web01 app[${1000 + (i % 50)}]: request ${i} served in ${i % 97} ms from 10.0.0.${i % 250}`);
    const chunk = Buffer.from(`${lines.join('\n')}\n`);
    for (let written = 0; written < 300 * MiB; written += chunk.length) await fh.write(chunk);
    await fh.close();
    const r = await analyzeInChild(bundle, path.join(dir, 'out'));
    expect(r.files).toContain('var/log/messages');
    expect(r.maxRssKiB).toBeLessThan(MEMORY_CAP_KIB);
  });

  it('reads a 300 MB log that is one storm of I/O errors under the memory cap, counts every error and keeps what follows it', async () => {
    // ~2.6 million kernel errors, four kinds on two devices, each logged many times over: a
    // failing SAN path in a month of syslog. Kept one by one, events held their read chunks (a
    // 1 GB log took 1.4 GB), and a cap on events per file dropped everything after it.
    const dir = await tempDir();
    const bundle = path.join(dir, TOP);
    await mkdir(path.join(bundle, 'var/log'), { recursive: true });
    await mkdir(path.join(bundle, 'sos_commands/host'), { recursive: true });
    await mkdir(path.join(bundle, 'sos_commands/date'), { recursive: true });
    await writeFile(path.join(bundle, 'sos_commands/host/hostname'), 'web01\n');
    await writeFile(path.join(bundle, 'sos_commands/date/date'), 'Mon Nov 23 23:59:00 UTC 2026\n');
    const fh = await open(path.join(bundle, 'var/log/messages'), 'w');
    const stamp = (sec: number): string => `Nov 23 ${[Math.floor(sec / 3600), Math.floor(sec / 60) % 60, sec % 60].map((n) => String(n).padStart(2, '0')).join(':')} web01 kernel: `;
    let errors = 0;
    let suppressed = 0;
    let lineCount = 0;
    for (let hour = 0; hour < 20; hour++) {
      const lines: string[] = [];
      for (let i = 0; i < 14400; i++) {
        const sec = hour * 3600 + Math.floor(i / 4);
        lines.push(`${stamp(sec)}blk_update_request: I/O error, dev sdc, sector ${1000 + i * 8} op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 0`);
        lines.push(`${stamp(sec)}XFS (sdc1): metadata I/O error in "xfs_buf_ioend+0x110/0x3c0" at daddr 0x${(i * 8).toString(16)} len 8 error 5`);
        lines.push(`${stamp(sec)}Buffer I/O error on dev sdd1, logical block ${i}, lost async page write`);
        errors += 3;
        if (i % 1000 === 999) {
          lines.push(`${stamp(sec)}blk_update_request: 7 callbacks suppressed`);
          suppressed += 7;
        }
      }
      const chunk = Buffer.from(`${lines.join('\n')}\n`);
      // each hour's lines logged three times over (a multipath retrying), ~285 MB in all
      for (let rep = 0; rep < 3; rep++) await fh.write(chunk);
      lineCount += 3 * lines.length;
    }
    await fh.write(`${stamp(20 * 3600 + 60)}XFS (sdc1): log I/O error -5\n${stamp(20 * 3600 + 61)}XFS (sdc1): Log I/O Error (0x2) detected at xlog_ioend_work+0x6e/0x70 [xfs] (fs/xfs/xfs_log.c:1378).  Shutting down filesystem.\n`);
    await fh.write(`${stamp(21 * 3600)}java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n${stamp(21 * 3600)}Out of memory: Killed process 4242 (java) total-vm:12345678kB, anon-rss:10211212kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:20480kB oom_score_adj:0\n`);
    await fh.close();
    errors *= 3;
    suppressed *= 3;
    const r = await analyzeInChild(bundle, path.join(dir, 'out'));
    expect(r.maxRssKiB).toBeLessThan(MEMORY_CAP_KIB);
    expect(r.findings.filter((f) => f.rule === 'oom-kill')).toHaveLength(1);
    // the report's event list (postmortem timeline, swimlane markers) is not crowded out by the storm
    expect(r.eventTypes['oom-kill']).toBe(1);
    const sdc = r.findings.find((f) => f.rule === 'disk-errors' && f.subject['device'] === 'sdc');
    const sdc1 = r.findings.find((f) => f.rule === 'disk-errors' && f.subject['device'] === 'sdc1');
    const sdd1 = r.findings.find((f) => f.rule === 'disk-errors' && f.subject['device'] === 'sdd1');
    expect(sdc?.metrics).toMatchObject({ errors: errors / 3, requests: errors / 3, suppressed });
    // the shutdown after the storm is read: the filesystem stopped taking writes
    expect(sdc1?.metrics).toMatchObject({ errors: errors / 3 + 2, fsErrors: errors / 3 + 2, fsStopped: 1 });
    expect(sdc1?.severity).toBe('critical');
    expect(sdd1?.metrics).toMatchObject({ errors: errors / 3, bufferErrors: errors / 3 });
    // the storm's window runs to its last line, not to where itemising stopped
    expect(sdd1?.window?.end).toMatch(/^2026-11-23T19:59:59/);
    // quoted: the first lines, and the storm's last (sdd1's is the last line of the storm)
    expect(sdd1?.evidenceLines.slice(0, 2)).toEqual([3, 6]);
    expect(sdd1?.evidenceLines.at(-1)).toBe(lineCount);
    // its rate over time counts every error, the folded ones by the minute they came in:
    // 4 a second logged three times over is 7 200 in each ten minutes of the 20 hours
    expect(r.rates[sdd1?.id ?? '']).toEqual({ title: 'I/O errors per 10 min', total: errors / 3, max: 7200 });
    expect(r.rates[sdc1?.id ?? '']).toMatchObject({ total: errors / 3 + 2 });
    expect(r.diagnostics.some((d) => /^var\/log\/messages: \d+ repeated events \(io-error .*\) were counted, not itemised/.test(d))).toBe(true);
  });

  it('evaluates at most MAX_FINDINGS_PER_RULE findings of a rule, the heaviest, and counts the rest (a log of OOM kills each of its own command)', async () => {
    const { analyze } = await import('../../src/analyze.js');
    const { MAX_FINDINGS_PER_RULE } = await import('../../src/rules/engine.js');
    const dir = await tempDir();
    const bundle = path.join(dir, TOP);
    await mkdir(path.join(bundle, 'sos_commands/kernel'), { recursive: true });
    const kill = (sec: number, pid: number, comm: string): string =>
      `[${sec}.000000] Out of memory: Killed process ${pid} (${comm}) total-vm:1440493kB, anon-rss:1021284kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:2341kB oom_score_adj:0`;
    const lines: string[] = [];
    const n = MAX_FINDINGS_PER_RULE + 500;
    for (let i = 0; i < n; i++) lines.push(kill(1000 + i, 10_000 + i, `w${i}`));
    // the last command, killed five times: the heaviest group, kept although it comes last
    for (let i = 0; i < 5; i++) lines.push(kill(1000 + n + i, 90_000 + i, 'respawner'));
    await writeFile(path.join(bundle, 'sos_commands/kernel/dmesg'), `${lines.join('\n')}\n`);
    const r = (await analyze([bundle])).model.report;
    const oom = r.findings.filter((f) => f.rule === 'oom-kill');
    expect(oom).toHaveLength(MAX_FINDINGS_PER_RULE);
    expect(oom.some((f) => f.subject.comm === 'respawner' && f.metrics['kills'] === 5)).toBe(true);
    expect(r.diagnostics.find((d) => d.source === 'rule oom-kill')?.message).toBe(
      `${n + 1} candidate findings, past the cap of ${MAX_FINDINGS_PER_RULE} per rule: the ${MAX_FINDINGS_PER_RULE} with the most events (or the longest) were evaluated, ${n + 1 - MAX_FINDINGS_PER_RULE} were not`,
    );
    expect(r.analysis.checks.find((c) => c.rule === 'oom-kill')?.detail).toBe(`${MAX_FINDINGS_PER_RULE} findings; ${n + 1 - MAX_FINDINGS_PER_RULE} more candidates past the cap not evaluated`);
  });

  it('keeps at most BUNDLE_EVENTS_CAP events of a whole bundle, however many files hold them, and says what was left out', async () => {
    const { BUNDLE_EVENTS_CAP } = await import('../../src/bundle/ingest.js');
    const dir = await tempDir();
    await mkdir(path.join(dir, 'sos_commands/kernel'), { recursive: true });
    await mkdir(path.join(dir, 'var/log'), { recursive: true });
    // two kernel logs of OOM kills each of its own command: no two alike, so none folds
    const perFile = BUNDLE_EVENTS_CAP / 2 + 5000;
    const kills = (from: number): string =>
      Array.from({ length: perFile }, (_, i) => `[${from + i}.000000] Out of memory: Killed process ${from + i} (w${from + i}) total-vm:1440kB, anon-rss:1021kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:23kB oom_score_adj:0`).join('\n');
    await writeFile(path.join(dir, 'sos_commands/kernel/dmesg'), `${kills(1000)}\n`);
    await writeFile(path.join(dir, 'var/log/dmesg'), `${kills(1000 + perFile)}\n`);
    const r = await ingest(new DirectorySource(dir));
    expect(r.store.events).toHaveLength(BUNDLE_EVENTS_CAP);
    const over = r.diagnostics.find((d) => /events of this file were not kept/.test(d.message));
    expect(over?.message).toBe(`10000 events of this file were not kept: the bundle already held ${BUNDLE_EVENTS_CAP}, the cap for a whole bundle`);
  });

  it('stops at the entry cap with a diagnostic (200 000 tiny files)', async () => {
    const entries = [{ header: { name: `${TOP}/`, type: 'directory' as const } }, { header: { name: HOSTNAME_FILE }, body: 'web01\n' }];
    for (let i = 0; i < 200_000; i++) entries.push({ header: { name: `${TOP}/many/f${i}` }, body: '' });
    const dir = await tempDir();
    const file = path.join(dir, 'many.tar.gz');
    await writeFile(file, gz(await makeTar(entries)));
    const r = await ingest(new ArchiveSource(file, 'gzip', { maxEntries: 50_000 }));
    expect(r.files).toEqual(['sos_commands/host/hostname']);
    expect(about(r.diagnostics, '.')).toEqual([expect.objectContaining({ severity: 'warning', message: 'more than 50000 entries in the archive: the rest were not read' })]);
  });

  it('cuts a 100 MB line at maxLineChars and a huge file at maxFileBytes, saying so', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'sos_commands/kernel'), { recursive: true });
    await mkdir(path.join(dir, 'var/log'), { recursive: true });
    const fh = await open(path.join(dir, 'sos_commands/kernel/dmesg'), 'w');
    await fh.write('[    0.000000] Linux version 5.14.0\n');
    const a = Buffer.alloc(MiB, 'a');
    for (let i = 0; i < 100; i++) await fh.write(a);
    await fh.write('\n[    1.000000] Out of memory: Killed process 4242 (java) total-vm:100kB, anon-rss:50kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n');
    await fh.close();
    await writeFile(path.join(dir, 'var/log/messages'), 'Nov 23 10:00:00 web01 kernel: hello\n'.repeat(100_000));
    const r = await ingest(new DirectorySource(dir), { maxFileBytes: 1 * MiB + 1000 });
    expect(about(r.diagnostics, 'sos_commands/kernel/dmesg').map((d) => [d.line, d.message])).toEqual(expect.arrayContaining([[2, 'line longer than 65536 characters: cut']]));
    expect(about(r.diagnostics, 'var/log/messages').map((d) => d.message)).toContain('file larger than the 1.0 MiB cap: only the first 1.0 MiB were read');
  });

  it('reads a truncated .tar.xz up to the cut and says the archive is damaged', async () => {
    const entries = [{ header: { name: `${TOP}/`, type: 'directory' as const } }, { header: { name: HOSTNAME_FILE }, body: 'web01.example.com\n' }];
    // Incompressible filler after the hostname, so cutting the xz in half cuts inside it.
    for (let i = 0; i < 40; i++) entries.push({ header: { name: `${TOP}/sos_commands/filler/f${i}` }, body: randomText(64 * 1024) });
    entries.push({ header: { name: `${TOP}/proc/meminfo` }, body: 'MemTotal:        8173028 kB\n' });
    const full = xz(await makeTar(entries), '-0');
    const dir = await tempDir();
    const file = path.join(dir, 'cut.tar.xz');
    await writeFile(file, full.subarray(0, Math.floor(full.length / 2)));
    const r = await ingest(new ArchiveSource(file, 'xz'));
    expect(r.files).toEqual(['sos_commands/host/hostname']);
    expect(about(r.diagnostics, '.')).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringMatching(/^archive is damaged or truncated .*what was readable before the damage was used$/) })]);
  });
});

function randomText(n: number): string {
  let s = '';
  let x = 12345;
  while (s.length < n) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    s += x.toString(36);
  }
  return s.slice(0, n);
}
