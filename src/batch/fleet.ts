/**
 * The fleet view, computed from rows alone (pure): which findings recur, on
 * which hosts, how each host changed between its bundles, and which fixes
 * would address the most incidents.
 */
import { FINDING_CLASSES, SEVERITIES, type FindingClass, type Severity } from '../model.js';
import { VERSION } from '../version.js';
import { diffBundles, type ChangeKind, type FindingChange } from './diff.js';
import { problems, sortRows, type BundleRow } from './row.js';
import { compareText } from '../compare-text.js';

export interface RuleFrequency {
  rule: string;
  class: FindingClass;
  title: string;
  worst: Severity;
  bundles: number;
  hosts: number;
}

export interface HeatCell {
  host: string;
  class: FindingClass;
  bundles: number;
}

export interface HistoryStep {
  from: string;
  to: string;
  fromAt: string | null;
  toAt: string | null;
  counts: Record<ChangeKind, number>;
  /** everything but 'unchanged' */
  changes: FindingChange[];
}

export interface HostHistory {
  host: string;
  bundles: { id: string; collectedAt: string | null }[];
  steps: HistoryStep[];
}

export interface FixGroup {
  action: string;
  rules: string[];
  /** incidents (bundles) this action addresses */
  bundles: number;
  hosts: number;
  bundleIds: string[];
}

export interface FleetSummary {
  schemaVersion: 1;
  tool: { name: 'sosmortem'; version: string };
  /** timing, not content */
  generatedAt: string;
  elapsedMs: number | null;
  /**
   * findings: problems; corroborating: findings that measure one of them again or belong to its episode (not counted anywhere else);
   * copies: bundles that are another's collection again (the same host at the same second)
   */
  totals: { bundles: number; ok: number; error: number; hosts: number; findings: number; corroborating: number; copies: number };
  bundles: BundleRow[];
  /**
   * Bundles of one collection read more than once (the same archive recompressed, or kept as an archive
   * and as its extracted directory): counted once, as the first of them, everywhere above and below.
   */
  copies: { id: string; sameAs: string }[];
  frequency: RuleFrequency[];
  heatmap: { hosts: string[]; classes: FindingClass[]; cells: HeatCell[] };
  histories: HostHistory[];
  fixes: FixGroup[];
  /**
   * Kernel settings whose next boot value differs from the running one, by how many hosts (each host's
   * latest bundle): a fleet where one setting drifts on many hosts has a configuration tool or a runbook
   * that sets it at run time only. `compared`: hosts whose latest bundle had both sides to compare.
   */
  settings: { compared: number; drift: SettingDriftGroup[]; tunedProfiles?: { profile: string; hosts: number }[] };
}

export interface SettingDriftGroup {
  key: string;
  hosts: number;
  /** a few hosts with their values, the first by name */
  examples: { host: string; running: string; atBoot: string }[];
}

function worse(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b;
}

/** Actions are rule text with values filled in; the same advice differs only in numbers and names. */
export function actionKey(action: string): string {
  return action.trim().replace(/\s+/g, ' ').replace(/\.$/, '');
}

export function fleetSummary(input: readonly BundleRow[], timing: { generatedAt: string; elapsedMs: number | null }): FleetSummary {
  const rows = sortRows([...input]);
  const hostOf = (r: BundleRow): string => r.host ?? 'unknown host';
  // one host cannot be collected twice in the same second: two bundles saying so are one collection
  const firstOf = new Map<string, BundleRow>();
  const copies: { id: string; sameAs: string }[] = [];
  const ok = rows.filter((r) => {
    if (r.status !== 'ok') return false;
    if (r.host === null || r.collectedAt === null) return true;
    const key = `${r.host}\0${r.collectedAt}`;
    const first = firstOf.get(key);
    if (!first) {
      firstOf.set(key, r);
      return true;
    }
    copies.push({ id: r.id ?? r.path, sameAs: first.id ?? first.path });
    return false;
  });

  const freq = new Map<string, RuleFrequency & { hostSet: Set<string> }>();
  const heat = new Map<string, HeatCell>();
  const fixes = new Map<string, { action: string; rules: Set<string>; ids: Set<string>; hosts: Set<string> }>();
  for (const r of ok) {
    const seenRules = new Set<string>();
    const seenClasses = new Set<FindingClass>();
    for (const f of problems(r.findings)) {
      let e = freq.get(f.rule);
      if (!e) {
        e = { rule: f.rule, class: f.class, title: f.title, worst: f.severity, bundles: 0, hosts: 0, hostSet: new Set() };
        freq.set(f.rule, e);
      }
      e.worst = worse(e.worst, f.severity);
      if (!seenRules.has(f.rule)) e.bundles++;
      seenRules.add(f.rule);
      e.hostSet.add(hostOf(r));
      if (!seenClasses.has(f.class)) {
        seenClasses.add(f.class);
        const k = `${hostOf(r)}\0${f.class}`;
        const cell = heat.get(k) ?? { host: hostOf(r), class: f.class, bundles: 0 };
        cell.bundles++;
        heat.set(k, cell);
      }
      for (const action of f.actions) {
        const key = actionKey(action);
        let g = fixes.get(key);
        if (!g) {
          g = { action: key, rules: new Set(), ids: new Set(), hosts: new Set() };
          fixes.set(key, g);
        }
        g.rules.add(f.rule);
        g.ids.add(r.id ?? r.path);
        g.hosts.add(hostOf(r));
      }
    }
  }

  const byHost = new Map<string, BundleRow[]>();
  for (const r of ok) byHost.set(hostOf(r), [...(byHost.get(hostOf(r)) ?? []), r]);
  const histories: HostHistory[] = [];
  for (const [host, list] of [...byHost].sort((a, b) => compareText(a[0], b[0]))) {
    if (list.length < 2) continue;
    const steps: HistoryStep[] = [];
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1] as BundleRow;
      const b = list[i] as BundleRow;
      const d = diffBundles(a, b);
      steps.push({ from: a.id ?? a.path, to: b.id ?? b.path, fromAt: a.collectedAt, toAt: b.collectedAt, counts: d.counts, changes: d.changes.filter((c) => c.kind !== 'unchanged') });
    }
    histories.push({ host, bundles: list.map((r) => ({ id: r.id ?? r.path, collectedAt: r.collectedAt })), steps });
  }

  const settings = settingsDrift([...byHost.values()].map((list) => list[list.length - 1] as BundleRow), hostOf);
  const hosts = [...new Set(ok.map(hostOf))].sort();
  return {
    schemaVersion: 1,
    tool: { name: 'sosmortem', version: VERSION },
    generatedAt: timing.generatedAt,
    elapsedMs: timing.elapsedMs,
    totals: {
      bundles: rows.length,
      ok: ok.length + copies.length,
      error: rows.length - ok.length - copies.length,
      hosts: hosts.length,
      findings: ok.reduce((n, r) => n + problems(r.findings).length, 0),
      corroborating: ok.reduce((n, r) => n + r.findings.length - problems(r.findings).length, 0),
      copies: copies.length,
    },
    bundles: rows,
    copies,
    frequency: [...freq.values()].map(({ hostSet, ...e }) => ({ ...e, hosts: hostSet.size })).sort((a, b) => b.bundles - a.bundles || compareText(a.rule, b.rule)),
    heatmap: {
      hosts,
      classes: FINDING_CLASSES.filter((c) => [...heat.values()].some((h) => h.class === c)),
      cells: [...heat.values()].sort((a, b) => compareText(a.host, b.host) || compareText(a.class, b.class)),
    },
    histories,
    fixes: [...fixes.values()]
      .map((g) => ({ action: g.action, rules: [...g.rules].sort(), bundles: g.ids.size, hosts: g.hosts.size, bundleIds: [...g.ids].sort() }))
      .sort((a, b) => b.bundles - a.bundles || b.hosts - a.hosts || compareText(a.action, b.action)),
    settings,
  };
}

const DRIFT_EXAMPLES = 3;

function settingsDrift(latest: readonly BundleRow[], hostOf: (r: BundleRow) => string): FleetSummary['settings'] {
  const groups = new Map<string, SettingDriftGroup>();
  let compared = 0;
  for (const r of [...latest].sort((a, b) => compareText(hostOf(a), hostOf(b)))) {
    if (!r.settingsDrift) continue;
    compared++;
    for (const d of r.settingsDrift) {
      const g = groups.get(d.key) ?? { key: d.key, hosts: 0, examples: [] };
      g.hosts++;
      if (g.examples.length < DRIFT_EXAMPLES) g.examples.push({ host: hostOf(r), running: d.running, atBoot: d.atBoot });
      groups.set(d.key, g);
    }
  }
  // which TuneD profile each host runs: the drift of a profile's settings reads with it
  const profiles = new Map<string, number>();
  for (const r of latest) if (r.tunedProfile) profiles.set(r.tunedProfile, (profiles.get(r.tunedProfile) ?? 0) + 1);
  return {
    compared,
    drift: [...groups.values()].sort((a, b) => b.hosts - a.hosts || compareText(a.key, b.key)),
    ...(profiles.size > 0 ? { tunedProfiles: [...profiles].map(([profile, hosts]) => ({ profile, hosts })).sort((a, b) => b.hosts - a.hosts || compareText(a.profile, b.profile)) } : {}),
  };
}
