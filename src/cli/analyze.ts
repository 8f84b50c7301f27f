import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { AnalyzeOptions } from '../analyze.js';
import { startXzEarly } from '../bundle/archive.js';
import { SEVERITIES, type Severity } from '../model.js';
import type { BrowserSlot } from '../report/browser-slot.js';
import { jsonReport, OUTPUT_FORMATS, refuseExisting, writeReports, type OutputFormat } from '../report/write.js';
import { printTimings } from '../timings.js';
import { scratchDirOf } from './early.js';
import { UsageError } from './main.js';

export function parseFormats(text: string): OutputFormat[] {
  const list = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map((f) => (f === 'markdown' ? 'md' : f));
  for (const f of list)
    if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown format "${f}"`, `choose from ${OUTPUT_FORMATS.join(', ')}`);
  return list as OutputFormat[];
}

export function defaultOutDir(hostname: string | null, collectedAt: string | null): string {
  const host = (hostname ?? 'unknown').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  const date = (collectedAt ?? '').slice(0, 10) || 'undated';
  return `sosmortem-${host}-${date}`;
}

interface AnalyzeFlags {
  output?: string;
  format: string;
  rules?: string[];
  failOn?: string;
  tz?: string;
  paper: string;
  redact?: boolean;
  force?: boolean;
  maxFileSize?: string;
  maxTotalSize?: string;
}

/** "512M", "2G", "100MiB", "4096" → bytes (binary multiples, as the caps are documented). */
export function parseSize(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const n = m ? Number(m[1]) * 1024 ** 'bkmgt'.indexOf((m[2] || 'b').toLowerCase()) : NaN;
  if (!Number.isFinite(n) || n < 1) throw new UsageError(`${flag} "${text}" is not a size`, 'give bytes or a number with K, M, G or T, e.g. 512M');
  return Math.floor(n);
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse a bundle (directory or .tar.xz/.tar.gz/.tar, .tar.bz2/.tar.zst) plus loose attachments and write the report')
    .argument('<inputs...>', 'the bundle first, then attachments (vmstat -t, iostat -x -t, pmap -x, ps auxwww, top -b files or directories of them)')
    .option('-o, --output <dir>', 'output directory (default ./sosmortem-<host>-<date>/); "-" with --format json writes JSON to stdout')
    .option('--format <list>', 'comma-separated: pdf,html,md,json', 'pdf,json')
    .option('--rules <dir...>', 'extra rule directories (a rule with a built-in id replaces it)')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above: ${SEVERITIES.join('|')}`)
    .option('--tz <zone>', 'time zone of the bundle when it does not say (IANA name, +HH:MM or a POSIX TZ string)')
    .option('--paper <size>', 'A4 or Letter', 'A4')
    .option('--redact', 'replace hostnames, IPs, user and domain names with placeholders')
    .option('--force', 'replace report files that already exist')
    .option('--max-file-size <size>', 'read at most this much of any one file (default 2G); the rest is skipped with a diagnostic')
    .option('--max-total-size <size>', 'read at most this much of the bundle in all, decompressed (default 16G)')
    .addHelpText(
      'after',
      `
Examples:
  sosmortem analyze sosreport-web01-2026-11-23-abcdefg.tar.xz
  sosmortem analyze ./sosreport-web01/ vmstat-t.txt pmap/ -o out --format pdf,html,md,json
  sosmortem analyze bundle.tar.xz -o - --format json | jq '.findings[0]'
  sosmortem analyze bundle.tar.xz --fail-on high   # exit 1 when something high or critical is found`,
    )
    .action(async (inputs: string[], flags: AnalyzeFlags) => {
      const formats = parseFormats(flags.format);
      let failOn: Severity | undefined;
      if (flags.failOn) {
        if (!(SEVERITIES as readonly string[]).includes(flags.failOn))
          throw new UsageError(`unknown severity "${flags.failOn}"`, `choose from ${SEVERITIES.join(', ')}`);
        failOn = flags.failOn as Severity;
      }
      const paper = flags.paper.toLowerCase() === 'letter' ? 'Letter' : flags.paper.toUpperCase() === 'A4' ? 'A4' : null;
      if (!paper) throw new UsageError(`unknown paper size "${flags.paper}"`, 'choose A4 or Letter');
      if (flags.output === '-' && (formats.length !== 1 || formats[0] !== 'json'))
        throw new UsageError('-o - writes to stdout and needs --format json', 'add --format json');
      // A report that would not be written is refused before the analysis, not after it (and before a browser starts).
      if (flags.output !== undefined && flags.output !== '-' && !flags.force) await refuseExisting(path.resolve(flags.output), formats);
      // xz gets going while the analysis modules load (tens of ms on a typical bundle).
      if (inputs[0] !== undefined) await startXzEarly(inputs[0], { scratchDir: scratchDirOf(flags.output) });
      let browser: BrowserSlot | null = null;
      if (formats.includes('pdf') && flags.output !== '-') {
        const { BrowserSlot } = await import('../report/browser-slot.js');
        browser = new BrowserSlot();
        // Chromium starts while the bundle is read: its launch is its own processes, not this thread's work.
        if (await worthStartingEarly(inputs)) browser.start();
      }
      try {
        await analyzeAndWrite(inputs, flags, formats, paper, failOn, browser);
      } finally {
        await browser?.close();
      }
    });
}

/** An archive this large takes seconds to read: a browser started ahead would gain little and hold ~200–400 MiB meanwhile. */
const EARLY_BROWSER_MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;

/**
 * Whether the browser is worth starting before the analysis: not for inputs
 * that are not there (the analysis reports those at once, and a browser would
 * only delay it), nor for a large archive.
 */
export async function worthStartingEarly(inputs: string[]): Promise<boolean> {
  const stats = await Promise.all(inputs.map((p) => stat(p).catch(() => null)));
  if (stats.some((st) => st === null)) return false;
  const bundle = stats[0];
  return bundle === undefined || bundle === null || bundle.isDirectory() || bundle.size < EARLY_BROWSER_MAX_ARCHIVE_BYTES;
}

async function analyzeAndWrite(
  inputs: string[],
  flags: AnalyzeFlags,
  formats: OutputFormat[],
  paper: 'A4' | 'Letter',
  failOn: Severity | undefined,
  browser: BrowserSlot | null,
): Promise<void> {
  const { analyze } = await import('../analyze.js');
  const opts: AnalyzeOptions = { paper, redact: Boolean(flags.redact) };
  if (flags.rules) opts.rulesDirs = flags.rules;
  if (flags.tz) opts.tz = flags.tz;
  if (flags.maxFileSize) opts.maxFileBytes = parseSize(flags.maxFileSize, '--max-file-size');
  if (flags.maxTotalSize) opts.maxTotalBytes = parseSize(flags.maxTotalSize, '--max-total-size');
  const scratchDir = scratchDirOf(flags.output);
  if (scratchDir) opts.scratchDir = scratchDir;
  const { model: analysed } = await analyze(inputs, opts);
  let model = analysed;
  if (flags.redact) {
    const { redactModel } = await import('../report/redact.js');
    model = redactModel(model);
  }
  if (flags.output === '-') {
    process.stdout.write(jsonReport(model));
  } else {
    const b = model.report.bundle;
    const outDir = path.resolve(flags.output ?? defaultOutDir(b.hostname, b.collectedAt));
    const written = await writeReports(model, outDir, formats, {
      force: Boolean(flags.force),
      ...(browser ? { browser: () => browser.get(), page: () => browser.takePage() } : {}),
    });
    printTimings();
    const { terminalSummary } = await import('../report/terminal.js');
    process.stderr.write(terminalSummary(model).join('\n') + '\n');
    for (const f of written) process.stderr.write(`  wrote ${shownPath(f)}\n`);
  }
  if (failOn) {
    const limit = SEVERITIES.indexOf(failOn);
    if (model.report.findings.some((f) => SEVERITIES.indexOf(f.severity) <= limit)) process.exitCode = 1;
  }
}

/** A written file as the user would type it: relative below the working directory, absolute elsewhere ("../../tmp/out/report.json" read badly). */
export function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(file) : rel;
}
