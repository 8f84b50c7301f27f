/**
 * One summary row per bundle: the few facts of its report that a fleet view
 * needs. Rows are built from report.json alone, so a resumed batch, a fresh
 * one and a merge of shards all produce the same row for the same bundle.
 */
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { FINDING_CLASSES, SEVERITIES, type Finding, type FindingClass, type Severity, type Subject } from '../model.js';
import type { Report } from '../report/model.js';
import { compareText } from '../compare-text.js';

export interface DigestFinding {
  /** the same problem in two bundles of one host has the same key */
  key: string;
  rule: string;
  class: FindingClass;
  severity: Severity;
  title: string;
  score: number;
  subject: Subject;
  metrics: Record<string, number>;
  /** remediation actions, in the rule's order */
  actions: string[];
  /** the rule's own severity and score when correlation changed them (Finding.own) */
  own?: { severity: Severity; score: number };
  /**
   * The key of the finding this one measures again (Finding.sameEpisodeAs):
   * not another problem, so counts, the fleet's tables and diffs leave it out.
   */
  corroborates?: string;
}

/** Findings that are problems of their own, not another measure of one (DigestFinding.corroborates). */
export function problems(findings: readonly DigestFinding[]): DigestFinding[] {
  return findings.filter((f) => f.corroborates === undefined);
}

export type RowStatus = 'ok' | 'error';

export interface BundleRow {
  /** directory name under the output: host-date-hash; null when the bundle could not be read */
  id: string | null;
  /** path relative to the root it was found under (what shards hash) */
  path: string;
  host: string | null;
  collectedAt: string | null;
  status: RowStatus;
  error: string | null;
  /** sha256 of the archive bytes, or of the directory's sorted paths, sizes and mtimes */
  hash: string | null;
  findings: DigestFinding[];
  /** rules the bundle lacked the data for: a finding of theirs absent here is unknown, not gone */
  noData?: string[];
  /** kernel settings the next boot changes (report.analysis.settings), when the bundle had both sides to compare */
  settingsDrift?: { key: string; running: string; atBoot: string }[];
  /** the active TuneD profile, when the bundle says */
  tunedProfile?: string;
  diagnostics: { errors: number; warnings: number };
  /** timing, not content: ignored when comparing runs */
  durationMs: number | null;
}

/** Subject fields that name the same thing across reboots and collections (a pid does not). */
function subjectKey(s: Subject): string {
  // pool and mount join only when set, so the keys of every other finding stay those of earlier runs
  return [s.comm, s.device, s.node, s.domain, s.cgroup, ...(s.pool !== undefined ? [s.pool] : []), ...(s.mount !== undefined ? [s.mount] : [])].map((v) => v ?? '').join('|');
}

const keyOf = (f: Finding): string => `${f.rule}|${subjectKey(f.subject)}`;

/** `all`: the report's findings, to name the lead of a finding that corroborates one. */
export function digestFinding(f: Finding, all: readonly Finding[] = []): DigestFinding {
  const lead = f.sameEpisodeAs?.length ? all.find((g) => f.sameEpisodeAs?.includes(g.id)) : undefined;
  return {
    key: keyOf(f),
    rule: f.rule,
    class: f.class,
    severity: f.severity,
    title: f.title,
    score: f.score,
    subject: f.subject,
    metrics: f.metrics,
    actions: f.remediation.map((r) => r.action),
    ...(f.own ? { own: { ...f.own } } : {}),
    ...(lead ? { corroborates: keyOf(lead) } : {}),
  };
}

/** A host with hundreds of settings changed at run time is told by its own report; the fleet needs the first ones. */
const MAX_DRIFT_PER_ROW = 100;

export function rowFromReport(report: Report, where: { id: string; path: string; hash: string | null; durationMs: number | null }): BundleRow {
  return {
    id: where.id,
    path: where.path,
    host: report.bundle.hostname,
    collectedAt: report.bundle.collectedAt,
    status: 'ok',
    error: null,
    hash: where.hash,
    findings: report.findings.map((f) => digestFinding(f, report.findings)),
    noData: noDataRules(report),
    ...(report.analysis?.settings?.tunedProfile ? { tunedProfile: report.analysis.settings.tunedProfile } : {}),
    ...(report.analysis?.settings ? { settingsDrift: report.analysis.settings.drift.slice(0, MAX_DRIFT_PER_ROW).map((d) => ({ key: d.key, running: d.running, atBoot: d.atBoot })) } : {}),
    diagnostics: {
      errors: report.diagnostics.filter((d) => d.severity === 'error').length,
      warnings: report.diagnostics.filter((d) => d.severity === 'warning').length,
    },
    durationMs: where.durationMs,
  };
}

/** The rules a report could not check for lack of data (a guest check on a bundle without libvirt among them). */
export function noDataRules(report: Report): string[] {
  return (report.analysis?.checks ?? []).filter((c) => c.status === 'no-data' || c.status === 'not-applicable').map((c) => c.rule);
}

export function errorRow(rel: string, reason: string, hash: string | null = null, durationMs: number | null = null): BundleRow {
  return { id: null, path: rel, host: null, collectedAt: null, status: 'error', error: reason, hash, findings: [], diagnostics: { errors: 0, warnings: 0 }, durationMs };
}

export function slug(text: string, max = 64): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, max) || 'unknown';
}

/** host-date-hash: readable in a listing, unique by content. */
export function bundleId(host: string | null, collectedAt: string | null, hash: string): string {
  return `${slug(host ?? 'unknown')}-${(collectedAt ?? '').slice(0, 10) || 'undated'}-${hash.slice(0, 12)}`;
}

export function hashOfId(id: string): string | null {
  return /-([0-9a-f]{12})$/.exec(id)?.[1] ?? null;
}

/**
 * Content hash of a bundle. A directory is hashed by its listing (paths,
 * sizes, mtimes), not its bytes: re-reading every file of thousands of
 * bundles would double the I/O, and a changed file changes its size or mtime.
 */
export async function contentHash(location: string, kind: 'directory' | 'archive'): Promise<string> {
  const h = createHash('sha256');
  if (kind === 'archive') {
    for await (const chunk of createReadStream(location, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
    return h.digest('hex');
  }
  // Synchronous: this runs in a batch worker, one bundle at a time, where each awaited
  // lstat was a round trip through libuv's pool shared by every worker (~2 ms a bundle).
  const lines: string[] = [];
  const stack: [string, string, number][] = [[location, '', 0]];
  while (stack.length) {
    const [dir, rel, depth] = stack.pop() as [string, string, number];
    if (depth > 64 || lines.length > 1_000_000) break;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        stack.push([abs, r, depth + 1]);
        continue;
      }
      let st: Stats | undefined;
      try {
        st = lstatSync(abs);
      } catch {
        continue;
      }
      if (st.isDirectory()) stack.push([abs, r, depth + 1]);
      else lines.push(`${r}\0${st.size}\0${Math.floor(st.mtimeMs)}`);
    }
  }
  lines.sort();
  for (const l of lines) h.update(`${l}\n`);
  return h.digest('hex');
}

export const CSV_CLASSES = FINDING_CLASSES;
export const CSV_SEVERITIES = SEVERITIES;

/** The CSV columns, flat: one count per class and per severity. */
export function csvRecord(row: BundleRow): Record<string, string | number> {
  const own = problems(row.findings);
  const top = own[0];
  const rec: Record<string, string | number> = {
    id: row.id ?? '',
    path: row.path,
    host: row.host ?? '',
    collected_at: row.collectedAt ?? '',
    status: row.status,
    error: row.error ?? '',
    top_finding: top ? top.title : '',
    top_severity: top ? top.severity : '',
    findings: own.length,
    corroborating: row.findings.length - own.length,
  };
  for (const s of SEVERITIES) rec[`severity_${s}`] = own.filter((f) => f.severity === s).length;
  for (const c of FINDING_CLASSES) rec[`class_${c}`] = own.filter((f) => f.class === c).length;
  rec['diagnostic_errors'] = row.diagnostics.errors;
  return rec;
}

/** Rows in a stable order: by host, then time, then path. */
export function sortRows(rows: BundleRow[]): BundleRow[] {
  return [...rows].sort((a, b) => compareText(a.host ?? '\uffff', b.host ?? '\uffff') || compareText(a.collectedAt ?? '', b.collectedAt ?? '') || compareText(a.path, b.path));
}
