/**
 * Presentation helpers shared by the Markdown, HTML and PDF renderers: units,
 * times in the bundle's zone, and the derived views (verdict, postmortem,
 * action items) that every renderer shows the same way. Nothing here decides
 * severity; it only arranges what the rules already said.
 */
import type { Finding, Remediation, Severity } from '../model.js';
import { parseZone, toIso, toLocalText, UTC_ZONE, type Zone } from '../timeline/clock.js';
import type { ReportModel, RuleCheck } from './model.js';
import { compareText } from '../compare-text.js';

export function zoneOf(model: ReportModel): Zone {
  return model.timeZone ?? parseZone(model.zone) ?? parseZone(model.report.bundle.timezone ?? '') ?? UTC_ZONE;
}

/** 1536 KiB → "1.5 MiB"; binary units because the kernel counts in KiB. */
export function formatKiB(kib: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = kib;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${trimNumber(v, v >= 100 || i === 0 ? 0 : 1)} ${units[i] ?? 'KiB'}`;
}

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) < 1024) return `${Math.round(bytes)} B`;
  return formatKiB(bytes / 1024);
}

/** 5400000 → "1 h 30 min"; the two largest units are enough for a reader. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const neg = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts: string[] = [];
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s || parts.length === 0) parts.push(`${s} s`);
  return (neg ? '-' : '') + parts.slice(0, 2).join(' ');
}

export function trimNumber(v: number, digits = 1): string {
  if (!Number.isFinite(v)) return '—';
  const fixed = v.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

export function formatPct(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function confidenceWord(confidence: number): 'high' | 'medium' | 'low' {
  if (confidence >= 0.8) return 'high';
  if (confidence >= 0.5) return 'medium';
  return 'low';
}

export function formatConfidence(confidence: number): string {
  return `${confidenceWord(confidence)} (${formatPct(confidence)})`;
}

/** An ISO time from the report shown as wall clock in the bundle's zone. */
export function formatTime(zone: Zone, iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return toLocalText(zone, ms);
}

export function formatTimeMs(zone: Zone, ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return toLocalText(zone, ms);
}

export function isoAt(zone: Zone, ms: number): string {
  return toIso(zone, ms);
}

/** "2019-06-30 10:20:01 → 11:40:00 (1 h 19 min)"; the date is repeated only when it changes. */
export function formatWindow(zone: Zone, window: { start: string; end: string } | null): string {
  if (!window) return '—';
  const a = formatTime(zone, window.start);
  const b = formatTime(zone, window.end);
  if (a === b) return a;
  const sameDay = a.slice(0, 10) === b.slice(0, 10);
  const dur = Date.parse(window.end) - Date.parse(window.start);
  const durText = Number.isFinite(dur) ? ` (${formatDuration(dur)})` : '';
  return `${a} → ${sameDay ? b.slice(11) : b}${durText}`;
}

export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Ranked as the report shows them: score first, then severity, then id for a stable order. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => b.score - a.score || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compareText(a.id, b.id),
  );
}

export function findingWindowMs(f: Finding): { start: number; end: number } | null {
  if (!f.window) return null;
  const start = Date.parse(f.window.start);
  const end = Date.parse(f.window.end);
  return Number.isFinite(start) && Number.isFinite(end) ? { start, end } : null;
}

/** Causes/effects name other findings by id or rule; show their titles where they match. */
export function describeLink(model: ReportModel, ref: string): string {
  const hit = model.report.findings.find((f) => f.id === ref || f.rule === ref);
  return hit ? hit.title : ref;
}

/** The findings that corroborate `f`: the same episode measured by another rule (correlations.yaml `same`). */
export function corroboratorsOf(model: ReportModel, f: Finding): Finding[] {
  return model.report.findings.filter((g) => g.sameEpisodeAs?.includes(f.id) && g.rule !== f.rule);
}

/** The findings of f's own rule that follow it as one episode (a rule's `episode`: other tasks hung on one frozen filesystem). */
export function episodeFollowersOf(model: ReportModel, f: Finding): Finding[] {
  return model.report.findings.filter((g) => g.sameEpisodeAs?.includes(f.id) && g.rule === f.rule);
}

export interface Verdict {
  /** one line: bottleneck, confidence, impact window */
  line: string;
  top: Finding | null;
  impactWindow: { start: string; end: string } | null;
}

const CLASS_RESOURCE: Record<Finding['class'], string> = {
  'memory-leak': 'memory',
  'swap-thrash': 'memory',
  'oom-kill': 'memory',
  'numa-cross-node': 'memory locality (NUMA)',
  'io-saturation': 'disk I/O',
  'cpu-saturation': 'CPU',
  'cpu-steal': 'CPU (steal)',
  'hung-task': 'blocked tasks',
  'hugepages-unused': 'memory (hugepages)',
  'thp-compaction-stall': 'memory (THP compaction)',
  'memory-fragmentation': 'memory (fragmentation)',
  'disk-errors': 'disk errors',
  'hardware-errors': 'hardware (ECC, machine checks)',
  'kernel-oops': 'kernel (oops, BUG, WARNING, panic)',
  'vm-crash': 'virtual machines',
};

export function resourceOf(cls: Finding['class']): string {
  return CLASS_RESOURCE[cls];
}

/**
 * The impact window spans the findings at or above medium severity, except the
 * root cause when there are effects: a leak growing quietly for hours is the
 * cause, the swapping and the kill are the impact.
 */
export function impactWindow(findings: readonly Finding[], root?: Finding | null, collectedAt?: string | null): { start: string; end: string } | null {
  // The impact is what the root cause led to (its effects, transitively); a
  // root with no effects is its own impact. Unrelated findings (a setting read
  // at collection time) say nothing about when users were hurt.
  const byId = new Map(findings.map((f) => [f.id, f]));
  const effects: Finding[] = [];
  if (root) {
    const queue = [...root.effects];
    const seen = new Set<string>([root.id]);
    while (queue.length) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const f = byId.get(id);
      if (!f) continue;
      // A state read at collection (a superblock's error count) says nothing of when users were hurt.
      if (!atCollection(f, collectedAt)) effects.push(f);
      queue.push(...f.effects);
    }
  }
  const timed = (list: readonly Finding[]): boolean => list.some((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK.medium && f.window);
  const within = timed(effects) ? effects : root && timed([root]) ? [root] : findings;
  let start: { iso: string; ms: number } | null = null;
  let end: { iso: string; ms: number } | null = null;
  for (const f of within) {
    if (SEVERITY_RANK[f.severity] > SEVERITY_RANK.medium) continue;
    const w = findingWindowMs(f);
    if (!w || !f.window) continue;
    if (!start || w.start < start.ms) start = { iso: f.window.start, ms: w.start };
    if (!end || w.end > end.ms) end = { iso: f.window.end, ms: w.end };
  }
  return start && end ? { start: start.iso, end: end.iso } : null;
}

/**
 * A finding read once, when the bundle was collected (counters since boot, /proc/pressure's
 * averages, settings): its window is that instant, which is not when it began. Saying "first seen"
 * or "begins" at the collection time dated a NUMA habit of days to the minute sos ran.
 */
export function readAtCollection(model: ReportModel, f: Finding): boolean {
  return atCollection(f, model.report.bundle.collectedAt);
}

function atCollection(f: Finding, collectedAt: string | null | undefined): boolean {
  // Set by the engine (its window is the collection instant itself): an event logged seconds before
  // collection is not a reading, as a guess from the window's distance to collection took it.
  if (f.readAtCollection === true) return true;
  // A report written before the engine set it (merge and diff read old reports): the engine's own test, on the report's times.
  const w = findingWindowMs(f);
  const collected = Date.parse(collectedAt ?? '');
  return w !== null && w.start === w.end && w.start === collected;
}

export function verdict(model: ReportModel): Verdict {
  const zone = zoneOf(model);
  const ranked = rankFindings(model.report.findings);
  const top = ranked[0] ?? null;
  const [main, ...rest] = incidents(model);
  const win = impactWindow(ranked, main?.root, model.report.bundle.collectedAt);
  if (!top) {
    const noData = model.report.analysis.checks.filter((c) => c.status === 'no-data').length;
    const line =
      noData > 0
        ? `No bottleneck found in the signals that were present; ${noData} check(s) had no data.`
        : 'No bottleneck found: every check came back clear.';
    return { line, top: null, impactWindow: null };
  }
  const root = main?.root ?? top;
  const resource = resourceOf(root.class);
  const chainText = (f: Finding): string => {
    const chain = causalChain(model, f);
    return chain.length > 1 ? ` (${chain.map((g) => g.rule).join(' → ')})` : '';
  };
  const pointAtCollection = win !== null && win.start === win.end && (main?.findings ?? []).every((f) => !f.window || readAtCollection(model, f));
  const when = win ? (pointAtCollection ? `, read at collection (${formatTime(zone, win.start)})` : `, impact ${formatWindow(zone, win)}`) : '';
  // Other problems that share no cause with the main one, worth a reader's time (medium or worse).
  const separate = rest.filter((i) => SEVERITY_RANK[i.severity] <= SEVERITY_RANK.medium);
  const next = separate[0];
  const also = next
    ? ` Separately: ${resourceOf(next.root.class)} — ${next.root.title}${chainText(next.root)}` +
      (separate.length > 1 ? `, and ${separate.length - 1} more unrelated problem${separate.length > 2 ? 's' : ''}.` : '.')
    : '';
  return {
    line: `Main bottleneck: ${resource} — ${root.title}${chainText(root)}; confidence ${formatConfidence(root.confidence)}${when}.${also}`,
    top,
    impactWindow: win,
  };
}

/**
 * Findings linked by cause, effect or "same episode", as separate incidents: a
 * cgroup's OOM storm at 01:57 and a saturated disk at 02:49 with no link
 * between them are two problems, each with its own root and chain. Incidents
 * come in the order of their best-ranked finding, members in rank order.
 */
export interface Incident {
  findings: Finding[];
  /** the member that others in it point to as their cause and that has no cause of its own; else its top-ranked member */
  root: Finding;
  /** the worst severity among its members */
  severity: Severity;
}

export function incidents(model: ReportModel): Incident[] {
  const ranked = rankFindings(model.report.findings);
  const byRef = new Map<string, Finding>();
  for (const f of ranked) {
    byRef.set(f.id, f);
    if (!byRef.has(f.rule)) byRef.set(f.rule, f);
  }
  const parent = new Map(ranked.map((f) => [f.id, f.id]));
  const find = (id: string): string => {
    let r = id;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(id, r);
    return r;
  };
  for (const f of ranked) {
    for (const ref of [...f.causes, ...f.effects, ...(f.sameEpisodeAs ?? [])]) {
      const g = byRef.get(ref);
      if (g) parent.set(find(g.id), find(f.id));
    }
  }
  const groups = new Map<string, Finding[]>();
  for (const f of ranked) groups.set(find(f.id), [...(groups.get(find(f.id)) ?? []), f]);
  return [...groups.values()].map((members) => {
    const ids = new Set(members.flatMap((f) => [f.id, f.rule]));
    const referenced = new Set(members.flatMap((f) => f.causes));
    const heads = members.filter((f) => f.causes.every((c) => !ids.has(c)) && (referenced.has(f.id) || f.effects.some((e) => ids.has(e))));
    const severity = members.map((f) => f.severity).sort((a, b) => SEVERITY_RANK[a] - SEVERITY_RANK[b])[0] as Severity;
    return { findings: members, root: heads[0] ?? (members[0] as Finding), severity };
  });
}

/**
 * The root of the incident holding the top-ranked finding: the verdict, the
 * postmortem and the ranked table then lead with the same problem. (Taking
 * the root of the longest causal chain anywhere named a disk saturation while
 * the table led with an unrelated, worse OOM storm an hour earlier.)
 */
export function rootCause(model: ReportModel): Finding | null {
  return incidents(model)[0]?.root ?? null;
}

/**
 * root → … → impact: the longest path along effects (and effects implied by
 * causes), so the verdict shows the whole mechanism; ties go to rank order.
 */
export function causalChain(model: ReportModel, root: Finding): Finding[] {
  const ranked = rankFindings(model.report.findings);
  const byRef = new Map<string, Finding>();
  for (const f of ranked) {
    byRef.set(f.id, f);
    if (!byRef.has(f.rule)) byRef.set(f.rule, f);
  }
  const next = (f: Finding): Finding[] => {
    const out = new Set<Finding>();
    for (const e of f.effects) {
      const hit = byRef.get(e);
      if (hit) out.add(hit);
    }
    for (const g of ranked) if (g.causes.includes(f.id) || g.causes.includes(f.rule)) out.add(g);
    return ranked.filter((g) => out.has(g) && g.id !== f.id);
  };
  const paths: Finding[][] = [];
  const walk = (path: Finding[]): void => {
    const last = path[path.length - 1];
    if (!last || path.length > 12) return;
    const more = next(last).filter((g) => !path.includes(g));
    if (more.length === 0) paths.push(path);
    for (const g of more) walk([...path, g]);
  };
  walk([root]);
  const rankOf = new Map(ranked.map((f, i) => [f.id, i]));
  const end = (p: Finding[]): Finding | undefined => p[p.length - 1];
  const endSeverity = (p: Finding[]): number => SEVERITY_RANK[end(p)?.severity ?? 'info'];
  const endRank = (p: Finding[]): number => rankOf.get(end(p)?.id ?? '') ?? Infinity;
  // The path that ends at the worst impact, and among those the fullest story: swapping that stalled
  // tasks, which then waited on I/O, tells more than swapping that also kept the CPUs busy.
  paths.sort((a, b) => endSeverity(a) - endSeverity(b) || b.length - a.length || endRank(a) - endRank(b));
  return paths[0] ?? [root];
}

export interface RankedRemediation {
  finding: Finding;
  remediation: Remediation;
  priority: 'P1' | 'P2' | 'P3';
}

export function priorityOf(severity: Severity): 'P1' | 'P2' | 'P3' {
  if (severity === 'critical' || severity === 'high') return 'P1';
  if (severity === 'medium') return 'P2';
  return 'P3';
}

/** Every remediation in finding rank order, duplicates (same action) kept once. */
export function actionItems(model: ReportModel): RankedRemediation[] {
  const out: RankedRemediation[] = [];
  const seen = new Set<string>();
  const root = rootCause(model);
  const ranked = rankFindings(model.report.findings);
  // the root cause's fixes go first: fixing the cause removes its effects
  const byCause = root ? [root, ...ranked.filter((f) => f.id !== root.id)] : ranked;
  // then each problem's own. A finding of an episode listed under another adds its lead's fixes in other words: a
  // second task hung on the same frozen filesystem put "Fix the resource writew waits on" beside "Fix the resource
  // systemd-journal waits on" among the first three, and the same swapping counted on the way out only "Give the
  // cgroup that swaps out the memory its working set needs" beside "… that swaps the memory …". Its own section keeps them.
  const ordered = byCause.filter((f) => f.id === root?.id || !f.sameEpisodeAs?.length);
  for (const f of ordered) {
    for (const r of f.remediation) {
      if (seen.has(r.action)) continue;
      seen.add(r.action);
      out.push({ finding: f, remediation: r, priority: priorityOf(f.severity) });
    }
  }
  return out;
}

/** How to collect what the checks without data needed: each hint once, with the rules it serves. */
export function collectHints(checks: RuleCheck[]): { hint: string; rules: string[] }[] {
  const out = new Map<string, string[]>();
  for (const c of checks) if (c.status === 'no-data' && c.collect) out.set(c.collect, [...(out.get(c.collect) ?? []), c.rule]);
  return [...out].map(([hint, rules]) => ({ hint, rules }));
}

/** A check's detail with, for a check without data, how to collect it. */
export function checkDetail(c: RuleCheck): string {
  return c.collect ? `${c.detail}; to collect it: ${c.collect}` : c.detail;
}

/** What the data could not show: checks without data or that broke, and error diagnostics. */
export function dataGaps(model: ReportModel): { checks: RuleCheck[]; errors: ReportModel['report']['diagnostics'] } {
  return {
    checks: model.report.analysis.checks.filter((c) => c.status === 'no-data' || c.status === 'error'),
    errors: model.report.diagnostics.filter((d) => d.severity === 'error'),
  };
}

export interface Postmortem {
  summary: string;
  impact: string[];
  trigger: string;
  rootCause: string;
  detection: string;
  resolution: string[];
  timeline: { time: string; what: string }[];
}

/** A boot as sysstat records it (its restart record, when its service starts): the postmortem tells it only when the kernel's log does not. */
export const SYSSTAT_BOOT = 'host booted (sysstat restart record)';

/** How long after the kernel's boot sysstat's restart record may come and still be that boot. */
const SYSSTAT_BOOT_LAG_MS = 5 * 60_000;

function byIdIn(findings: readonly Finding[], id: string | undefined): Finding | undefined {
  return id === undefined ? undefined : findings.find((f) => f.id === id);
}

/**
 * A blameless draft: it names systems and mechanisms, never people, and keeps
 * what happened (summary … detection) apart from how to fix it (resolution,
 * action items).
 */
export function postmortem(model: ReportModel): Postmortem | null {
  const zone = zoneOf(model);
  const ranked = rankFindings(model.report.findings);
  if (ranked.length === 0) return null;
  const root = rootCause(model) ?? ranked[0];
  if (!root) return null;
  const chain = causalChain(model, root);
  const host = model.report.bundle.hostname ?? 'the host';
  const win = impactWindow(ranked, root, model.report.bundle.collectedAt);
  // A finding that corroborates another (the same episode measured twice) is not another problem.
  const problems = ranked.filter((f) => !f.sameEpisodeAs?.length || chain.includes(f));
  const others = problems.length - chain.length;
  const followers = ranked.filter((f) => !problems.includes(f));
  // another rule's reading of the same episode, or another victim of it (a second task hung on one frozen filesystem)
  const corroborating = followers.filter((f) => f.rule !== byIdIn(ranked, f.sameEpisodeAs?.[0])?.rule).length;
  const sameEpisode = followers.length - corroborating;
  const unrelated = incidents(model).filter((i) => !i.findings.includes(root)).length;
  const summary =
    `${chain.every((f) => !f.window || readAtCollection(model, f)) ? `When the bundle was collected (${formatTime(zone, model.report.bundle.collectedAt)})` : `During ${win ? formatWindow(zone, win) : 'a window the data does not bound'}`}, ${host} showed ` +
    `${chain.map((f) => midSentence(f.title)).join(', then ')}.` +
    (others > 0 ? ` ${others} other finding(s) were raised${unrelated > 0 ? `, in ${unrelated} incident${unrelated === 1 ? '' : 's'} unrelated to this one` : ''}.` : '') +
    (corroborating > 0 ? ` ${corroborating} more measure${corroborating === 1 ? 's' : ''} the same episode${corroborating === 1 ? '' : 's'} by other means.` : '') +
    (sameEpisode > 0 ? ` ${sameEpisode} more ${sameEpisode === 1 ? 'is' : 'are'} part of an episode listed above, not ${sameEpisode === 1 ? 'a problem' : 'problems'} of ${sameEpisode === 1 ? 'its' : 'their'} own.` : '');
  const impact = problems
    .filter((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK.high)
    .map((f) => `${f.title} (${f.severity}, ${formatWindow(zone, f.window)})`);
  if (impact.length === 0) impact.push('No finding reached high severity.');
  const byStart = [...chain].sort((a, b) => (findingWindowMs(a)?.start ?? Infinity) - (findingWindowMs(b)?.start ?? Infinity));
  const first = byStart[0] ?? root;
  // counters since boot (NUMA, hugepages) have no time window: saying "first seen —" would look like a bug
  const trigger =
    first.window && !readAtCollection(model, first)
      ? `${first.title}, first seen ${formatTime(zone, first.window.start)}.`
      : `${first.title} (a state or counter read at collection: the data gives no start time).`;
  // The title alone repeats the trigger: the reasoning says why, or else the finding's own first sentence says what was seen.
  const rootText = `${root.title}. ${root.reasoning[0] ?? firstSentence(root.message)}`.trim();
  const collected = formatTime(zone, model.report.bundle.collectedAt);
  const earliest = ranked.map(findingWindowMs).filter((w) => w !== null).sort((a, b) => a.start - b.start)[0];
  const detection =
    `Found after the fact by sosmortem (ruleset ${model.report.analysis.rulesetVersion}) in the bundle collected at ${collected}; ` +
    `the earliest signal is at ${earliest ? formatTimeMs(zone, earliest.start) : 'an unknown time'}.`;
  const resolution = actionItems(model)
    .filter((a) => a.finding.id === root.id)
    .map((a) => a.remediation.action);
  if (resolution.length === 0) resolution.push('No remediation is attached to the root-cause finding; see the action items.');
  const timeline: { time: string; what: string }[] = [];
  for (const f of byStart) {
    if (f.window) timeline.push({ time: formatTime(zone, f.window.start), what: readAtCollection(model, f) ? `${f.title} (read at collection)` : f.window.start === f.window.end ? f.title : `${f.title} begins` });
  }
  // An event a finding of the chain already stands for (its crash, its kill, at the same second) is not listed twice,
  // nor a guest's stop beside its crash at the same instant (libvirt's "shutting down, reason=crashed" is both).
  const told = new Set(byStart.filter((f) => f.window).map((f) => `${formatTime(zone, f.window?.start ?? null)}|${f.class}`));
  const crashAt = new Set(model.events.filter((e) => e.type === 'vm-crash').map((e) => `${e.t}|${e.labels['domain'] ?? ''}`));
  // ext4's superblock dates its first and last error (dumpe2fs): told when a finding is about that filesystem
  const fsErrorDevices = new Set(model.report.findings.filter((f) => f.rule === 'fs-errors').map((f) => f.subject.device));
  // a process the kernel killed for a fault: the finding of a QEMU's is told as the finding, another program's as an event
  const faultTold = new Set(byStart.filter((f) => f.window && f.subject.comm !== undefined).map((f) => `${formatTime(zone, f.window?.start ?? null)}|${f.subject.comm}`));
  // sysstat records a boot when its service starts, seconds to minutes after the kernel logged it: one boot, told once
  const kernelBoots = model.events.filter((e) => e.type === 'boot' && e.label !== SYSSTAT_BOOT).map((e) => e.t);
  for (const e of model.events) {
    if (e.type === 'boot' && e.label === SYSSTAT_BOOT && kernelBoots.some((t) => e.t >= t && e.t - t <= SYSSTAT_BOOT_LAG_MS)) continue;
    const recorded = e.type === 'fs-error-recorded' && fsErrorDevices.has(e.labels['device']);
    if (!(recorded || e.type === 'oom-kill' || e.type === 'hung-task' || e.type === 'boot' || e.type === 'segfault' || e.type.startsWith('vm-'))) continue;
    const time = formatTimeMs(zone, e.t);
    if (told.has(`${time}|${e.type}`)) continue;
    if (e.type === 'segfault' && faultTold.has(`${time}|${e.labels['comm'] ?? ''}`)) continue;
    if (e.type === 'vm-shutdown' && crashAt.has(`${e.t}|${e.labels['domain'] ?? ''}`)) continue;
    timeline.push({ time, what: e.count !== undefined && e.count > 1 ? `${e.label} (${e.count} times)` : e.label });
  }
  timeline.sort((a, b) => compareText(a.time, b.time));
  return { summary, impact, trigger, rootCause: rootText, detection, resolution, timeline };
}

/** Records, span and format per source, ready to print. */
export function coverageTotals(model: ReportModel): { files: number; records: number; sources: number } {
  let files = 0;
  let records = 0;
  for (const c of model.report.coverage) {
    files += c.files.length;
    records += c.records;
  }
  return { files, records, sources: model.report.coverage.length };
}

export const CHECK_STATUS_TEXT: Record<RuleCheck['status'], string> = {
  fired: 'fired',
  clear: 'healthy',
  'no-data': 'no data',
  'not-applicable': 'not applicable',
  error: 'error',
};

/** A finding metric shown with its unit, read from the name's suffix (units are in the names). */
export function metricText(name: string, value: number): string {
  if (/KiB$/.test(name) && !/PerHour$|PerSec$/.test(name)) return formatKiB(value);
  if (/KiBPerHour$/.test(name)) return `${formatKiB(value)}/h`;
  if (/Ms$/.test(name)) return `${nonZeroNumber(value, 1)} ms`;
  if (/Sec$/.test(name) && !/PerSec$/.test(name)) return formatDuration(value * 1000);
  if (/Pct$/.test(name)) return `${nonZeroNumber(value, 1)}%`;
  if (/PerSec$/.test(name)) return `${nonZeroNumber(value, 1)}/s`;
  if (/^fraction/.test(name)) return formatPct(value);
  return nonZeroNumber(value, 2);
}

/**
 * trimNumber, except that a value too small for the digits keeps two
 * significant ones: 0.014 % idle is not "0%", and the finding's prose (fmtNum)
 * says 0.014 beside it.
 */
function nonZeroNumber(v: number, digits: number): string {
  if (v !== 0 && Number.isFinite(v) && Math.abs(v) < 0.5 * 10 ** -digits) return String(Number(v.toPrecision(2)));
  return trimNumber(v, digits);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };

/** Escapes text for HTML element content and quoted attributes (the same set Handlebars escapes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Due dates relative to the report, so the text does not depend on when it is rendered. */
export const DUE_BY_PRIORITY: Record<RankedRemediation['priority'], string> = {
  P1: 'within 1 day of this report',
  P2: 'within 1 week',
  P3: 'within 1 month',
};

/** Rule thresholds grouped by rule (rules in id order, thresholds in the rule's order), values with their units. */
export function thresholdGroups(model: ReportModel): { rule: string; rows: { name: string; value: string; reason: string; ref: string | null }[] }[] {
  const groups = new Map<string, { name: string; value: string; reason: string; ref: string | null }[]>();
  for (const t of model.thresholds ?? []) {
    const rows = groups.get(t.rule) ?? [];
    const unit = t.unit ? (/^[%]/.test(t.unit) ? t.unit : ` ${t.unit}`) : '';
    rows.push({ name: t.name, value: `${trimNumber(t.value, 3)}${unit}`, reason: t.reason, ref: t.ref });
    groups.set(t.rule, rows);
  }
  return [...groups.entries()].sort((a, b) => compareText(a[0], b[0])).map(([rule, rows]) => ({ rule, rows }));
}

/** Collection gaps as the appendix lists them: from, to, how long. */
export function gapRows(model: ReportModel): { from: string; to: string; duration: string }[] {
  const zone = zoneOf(model);
  return (model.gaps ?? []).map((g) => ({ from: formatTimeMs(zone, g.start), to: formatTimeMs(zone, g.end), duration: formatDuration(g.end - g.start) }));
}

/**
 * A check's title for display. Titles are templates filled from a finding's
 * labels; a check that did not fire has none, and its title comes out with
 * "…" holes ("Node … … zone fragmented"), which reads as a glitch: the rule
 * id says more.
 */
export function checkTitle(c: RuleCheck): string {
  return c.title.includes('…') ? c.rule : c.title;
}

/** The first sentence of a finding's message (Markdown emphasis dropped), for a one-line summary. */
export function firstSentence(message: string): string {
  const text = message.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim();
  const end = text.search(/[.!?](\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}

/** The sentence above the table of kernel settings the next boot changes, shared by every renderer. */
export function settingsSummary(settings: { compared: number; drift: unknown[]; tunedProfile?: string; tunedOverFiles?: boolean }): string {
  const n = settings.drift.length;
  const order = settings.tunedOverFiles
    ? "the profile wins: reapply_sysctl = 0 keeps TuneD from applying the files again after its own"
    : "the sysctl files win: TuneD's reapply_sysctl applies them again after its own";
  const where = settings.tunedProfile ? `sysctl.conf, sysctl.d and the TuneD profile ${settings.tunedProfile} (with the profiles it includes; where both name a key, ${order})` : 'sysctl.conf and sysctl.d';
  const head = `${settings.compared} kernel setting(s) named in ${where} were compared with their running values (sysctl -a): `;
  if (n === 0) return `${head}all match, so a reboot changes none of them.`;
  return (
    `${head}${n} differ${n === 1 ? 's' : ''}. A value set at run time (sysctl -w) and never written down is undone by the next reboot; ` +
    `one written down but never applied (no systemd-sysctl or sysctl --system${settings.tunedProfile ? ', and no TuneD restart,' : ''} since) takes effect only then. Either way the host that comes back is not the one that was analysed.`
  );
}

/**
 * A title inside a sentence ("vm showed the 2 MiB hugepage pool …"): a capital that only starts the
 * title goes, a word in capitals (CPU, QEMU, I/O) stays.
 */
export function midSentence(title: string): string {
  return /^[A-Z][a-z]/.test(title) ? title.charAt(0).toLowerCase() + title.slice(1) : title;
}
