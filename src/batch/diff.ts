/**
 * What changed between two bundles of one host: findings matched by rule and
 * subject (not pid, which changes across restarts), then compared by
 * severity, score and metrics.
 */
import { SEVERITIES, type Severity } from '../model.js';
import { problems, type DigestFinding } from './row.js';
import { compareText } from '../compare-text.js';

/**
 * `unchecked`: in one bundle only, and the other lacked the data its rule needs
 * (sar not collected, say): not a problem that appeared or went away.
 */
export type ChangeKind = 'appeared' | 'vanished' | 'worsened' | 'improved' | 'unchanged' | 'unchecked';

export interface MetricDelta {
  metric: string;
  before: number | null;
  after: number | null;
  delta: number | null;
}

export interface FindingChange {
  kind: ChangeKind;
  key: string;
  rule: string;
  title: string;
  severityBefore: Severity | null;
  severityAfter: Severity | null;
  scoreBefore: number | null;
  scoreAfter: number | null;
  metrics: MetricDelta[];
}

export interface BundleDiff {
  before: { host: string | null; collectedAt: string | null };
  after: { host: string | null; collectedAt: string | null };
  sameHost: boolean;
  changes: FindingChange[];
  counts: Record<ChangeKind, number>;
}

const KIND_ORDER: readonly ChangeKind[] = ['appeared', 'worsened', 'improved', 'vanished', 'unchecked', 'unchanged'];

function metricDeltas(a: Record<string, number> | null, b: Record<string, number> | null): MetricDelta[] {
  const names = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].sort();
  return names.map((metric) => {
    const before = a?.[metric] ?? null;
    const after = b?.[metric] ?? null;
    return { metric, before, after, delta: before !== null && after !== null ? after - before : null };
  });
}

function ownOf(f: DigestFinding): { severity: DigestFinding['severity']; score: number } {
  return f.own ?? { severity: f.severity, score: f.score };
}

/** When one bundle has several findings with one key, the strongest stands for them. */
function byKey(list: readonly DigestFinding[]): Map<string, DigestFinding> {
  const m = new Map<string, DigestFinding>();
  for (const f of list) {
    const cur = m.get(f.key);
    if (!cur || f.score > cur.score) m.set(f.key, f);
  }
  return m;
}

/**
 * Compares the problems of two bundles; a finding that measures another again (corroborates) is no change of its own.
 * `noDataBefore`/`noDataAfter`: the rules each bundle lacked the data for (its checks of status no-data).
 */
export function diffFindings(before: readonly DigestFinding[], after: readonly DigestFinding[], noDataBefore: readonly string[] = [], noDataAfter: readonly string[] = []): FindingChange[] {
  const a = byKey(problems(before));
  const b = byKey(problems(after));
  const blindBefore = new Set(noDataBefore);
  const blindAfter = new Set(noDataAfter);
  const out: FindingChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])]) {
    const x = a.get(key) ?? null;
    const y = b.get(key) ?? null;
    let kind: ChangeKind;
    if (!x) kind = blindBefore.has((y as DigestFinding).rule) ? 'unchecked' : 'appeared';
    else if (!y) kind = blindAfter.has(x.rule) ? 'unchecked' : 'vanished';
    else {
      // Each side as its rule rated it: a finding ranked below a new cause, or raised for a new effect, has not itself changed.
      const sev = SEVERITIES.indexOf(ownOf(x).severity) - SEVERITIES.indexOf(ownOf(y).severity); // a lower index is worse
      const score = ownOf(y).score - ownOf(x).score;
      kind = sev > 0 || (sev === 0 && score > 0) ? 'worsened' : sev < 0 || (sev === 0 && score < 0) ? 'improved' : 'unchanged';
    }
    const f = (y ?? x) as DigestFinding;
    out.push({
      kind,
      key,
      rule: f.rule,
      title: f.title,
      severityBefore: x ? ownOf(x).severity : null,
      severityAfter: y ? ownOf(y).severity : null,
      scoreBefore: x ? ownOf(x).score : null,
      scoreAfter: y ? ownOf(y).score : null,
      metrics: metricDeltas(x?.metrics ?? null, y?.metrics ?? null),
    });
  }
  return out.sort((p, q) => KIND_ORDER.indexOf(p.kind) - KIND_ORDER.indexOf(q.kind) || (q.scoreAfter ?? q.scoreBefore ?? 0) - (p.scoreAfter ?? p.scoreBefore ?? 0) || compareText(p.key, q.key));
}

export interface DiffSide {
  host: string | null;
  collectedAt: string | null;
  findings: readonly DigestFinding[];
  /** rules the bundle lacked the data for; absent from rows written before it was recorded */
  noData?: readonly string[];
}

export function diffBundles(before: DiffSide, after: DiffSide): BundleDiff {
  const changes = diffFindings(before.findings, after.findings, before.noData, after.noData);
  const counts: Record<ChangeKind, number> = { appeared: 0, vanished: 0, worsened: 0, improved: 0, unchanged: 0, unchecked: 0 };
  for (const c of changes) counts[c.kind]++;
  return {
    before: { host: before.host, collectedAt: before.collectedAt },
    after: { host: after.host, collectedAt: after.collectedAt },
    sameHost: before.host !== null && before.host === after.host,
    changes,
    counts,
  };
}

function num(v: number | null): string {
  if (v === null) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function signed(v: number | null): string {
  if (v === null) return '';
  return `${v > 0 ? '+' : ''}${num(v)}`;
}

function metricSummary(c: FindingChange, limit = 4): string {
  return c.metrics
    .filter((m) => m.delta === null || m.delta !== 0)
    .slice(0, limit)
    .map((m) => (m.delta === null ? `${m.metric} ${num(m.before ?? m.after)}` : `${m.metric} ${num(m.before)}→${num(m.after)} (${signed(m.delta)})`))
    .join('; ');
}

function severityText(c: FindingChange): string {
  if (c.severityBefore === c.severityAfter) return c.severityAfter ?? '';
  return `${c.severityBefore ?? '–'}→${c.severityAfter ?? '–'}`;
}

function header(d: BundleDiff): string {
  const side = (s: BundleDiff['before']): string => `${s.host ?? 'unknown host'} @ ${s.collectedAt ?? 'unknown time'}`;
  return `${side(d.before)}  →  ${side(d.after)}${d.sameHost ? '' : '  (different hosts)'}`;
}

/** A plain-text table for a terminal. */
export function diffTable(d: BundleDiff): string {
  const rows = d.changes.map((c) => [c.kind, severityText(c), `${num(c.scoreBefore)}→${num(c.scoreAfter)}`, c.title, metricSummary(c)]);
  const head = ['change', 'severity', 'score', 'finding', 'metrics'];
  const widths = head.map((h, i) => Math.min(i === 3 ? 60 : i === 4 ? 80 : 20, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const fmt = (r: string[]): string => r.map((c, i) => (c.length > (widths[i] ?? 0) ? `${c.slice(0, (widths[i] ?? 1) - 1)}…` : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const lines = [header(d), '', fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
  if (rows.length === 0) lines.push('(no findings in either bundle)');
  lines.push('', KIND_ORDER.map((k) => `${d.counts[k]} ${k}`).join(', '));
  if (d.counts.unchecked > 0) lines.push(UNCHECKED_NOTE);
  return `${lines.join('\n')}\n`;
}

const UNCHECKED_NOTE = 'unchecked: found in one bundle only, and the other lacked the data its rule needs (sar not collected, say): whether it changed is unknown.';

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function diffMarkdown(d: BundleDiff): string {
  const lines = [`# Changes: ${mdCell(header(d))}`, '', KIND_ORDER.map((k) => `${d.counts[k]} ${k}`).join(', '), '', '| change | severity | score | finding | metrics |', '|---|---|---|---|---|'];
  for (const c of d.changes) lines.push(`| ${c.kind} | ${severityText(c)} | ${num(c.scoreBefore)}→${num(c.scoreAfter)} | ${mdCell(c.title)} | ${mdCell(metricSummary(c, 8))} |`);
  if (d.counts.unchecked > 0) lines.push('', UNCHECKED_NOTE);
  return `${lines.join('\n')}\n`;
}
