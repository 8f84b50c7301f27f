/** Loads either side of a diff: a report.json as written, or a bundle analysed on the spot. */
import { readFile, stat } from 'node:fs/promises';
import { analyze, type AnalyzeOptions } from '../analyze.js';
import { InputError } from '../bundle/ingest.js';
import type { Report } from '../report/model.js';
import { diffBundles, type BundleDiff, type DiffSide } from './diff.js';
import { digestFinding, noDataRules } from './row.js';

function isReport(v: unknown): v is Report {
  return typeof v === 'object' && v !== null && 'schemaVersion' in v && 'findings' in v && Array.isArray((v as { findings: unknown }).findings) && 'bundle' in v;
}

export async function loadSide(location: string, options: AnalyzeOptions = {}): Promise<DiffSide> {
  const st = await stat(location).catch(() => null);
  if (!st) throw new InputError(`cannot read ${location}: no such file or directory`, 'give a bundle (directory or archive) or a report.json');
  let report: Report;
  if (st.isFile() && location.toLowerCase().endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(location, 'utf8'));
    } catch (err) {
      throw new InputError(`${location} is not valid JSON: ${(err as Error).message}`, 'give a report.json written by sosmortem');
    }
    if (!isReport(parsed)) throw new InputError(`${location} is not a sosmortem report`, 'give a report.json written by sosmortem analyze or batch');
    report = parsed;
  } else report = (await analyze([location], options)).model.report;
  return { host: report.bundle.hostname, collectedAt: report.bundle.collectedAt, findings: report.findings.map((f) => digestFinding(f, report.findings)), noData: noDataRules(report) };
}

export async function compareBundles(a: string, b: string, options: AnalyzeOptions = {}): Promise<BundleDiff> {
  return diffBundles(await loadSide(a, options), await loadSide(b, options));
}
