import type { Diagnostic, Evidence, Finding, Remediation, Severity, Subject } from '../model.js';
import { SEVERITIES } from '../model.js';
import type { RuleCheck } from '../report/model.js';
import { toIso } from '../timeline/clock.js';
import { firstAtOrAfter } from '../timeline/first-at-or-after.js';
import type { FactEntry } from '../timeline/store.js';
import type { Timeline, TimelineEvent } from '../timeline/timeline.js';
import { kvmInventory } from '../timeline/kvm.js';
import { hugepageNodePlan } from './hugepage-node-plan.js';
import { heaviest, type Candidate } from './candidate.js';
import { detectEvents } from './detectors/event.js';
import { detectState } from './detectors/state.js';
import { detectThreshold } from './detectors/threshold.js';
import { detectTrend } from './detectors/trend.js';
import { compile, truthy, type Env, type Value } from './expr.js';
import { formatFunctions, renderTemplate } from './format.js';
import type { RuleDef } from './types.js';

/** A finding before its evidence lines are quoted: references into the bundle's files. */
export interface DraftFinding {
  finding: Finding;
  /** mustContain: a setting read as text is quoted only when its line shows that text (an XML element, a virsh row) */
  refs: { file: number; line: number; text?: string; mustContain?: string }[];
  candidate: Candidate;
  rule: RuleDef;
  /** the rule's episode key for this finding (RuleDef.episode), when it has one */
  episodeKey?: string;
}

/**
 * Findings one rule may raise in one bundle. A real one raises a few, a storage host
 * with hundreds of saturated LUNs some hundreds; a hostile log of 200 000 events each
 * its own group (a distinct pid or command per line) would have raised 200 000, at
 * ~0.4 ms each and more to link them. Past it, the heaviest candidates are kept (the
 * most events, then the longest) and a diagnostic counts the rest.
 */
export const MAX_FINDINGS_PER_RULE = 1000;

export interface EngineResult {
  drafts: DraftFinding[];
  diagnostics: Diagnostic[];
  checks: RuleCheck[];
}

const SEVERITY_BASE: Record<Severity, number> = { critical: 85, high: 65, medium: 45, low: 25, info: 5 };

/** Does the bundle hold what the rule needs? Each entry may list alternatives with |. */
export function missingRequirements(rule: RuleDef, timeline: Timeline): string[] {
  const has = (req: string): boolean => {
    const [kind, name] = req.includes(':') ? (req.split(':', 2) as [string, string]) : ['metric', req];
    switch (kind) {
      case 'metric':
        return timeline.seriesOf(name).some((s) => s.t.length > 0);
      case 'event':
        return timeline.events.some((e) => e.type === name);
      case 'fact':
        return timeline.factsNamed(name).length > 0;
      case 'source':
        return timeline.files.some((f) => f.parser === name);
      default:
        return false;
    }
  };
  return rule.requires.filter((req) => !req.split('|').some((alt) => has(alt.trim())));
}

/** Where a scoped rule applies, and what its check says where it does not. */
const SCOPES: Record<NonNullable<RuleDef['scope']>, { applies: (timeline: Timeline) => boolean; outside: string }> = {
  'kvm-host': {
    applies: (timeline) => isKvmHost(timeline),
    outside: "the bundle shows no libvirt guest, libvirt log or QEMU process: not a KVM host (or sos's libvirt and virsh plugins did not run)",
  },
  'ext-filesystem': {
    // without a list of mounts nothing says there is no ext filesystem: the rule runs, and says what it lacks
    applies: (timeline) => {
      const types = timeline.factsNamed('mount.fsType');
      return types.length === 0 || types.some((f) => /^ext[234]$/.test(String(f.value)));
    },
    outside: 'no ext2, ext3 or ext4 filesystem is mounted (proc/mounts, mount -l): there are no ext superblock error counters to read',
  },
};

/** Sources that exist only where libvirt runs: domain XML, its logs, virsh's outputs. */
const LIBVIRT_SOURCES = new Set(['domain-xml', 'libvirt-qemu-log', 'libvirtd-log', 'virsh']);

/** Whether the bundle shows libvirt or QEMU at all: its files, a QEMU process of a guest, a guest's events. */
export function isKvmHost(timeline: Timeline): boolean {
  return (
    timeline.files.some((f) => LIBVIRT_SOURCES.has(f.parser)) ||
    timeline.factsNamed('proc.libvirtDomain').length > 0 ||
    timeline.events.some((e) => e.type.startsWith('vm-') || e.type === 'qemu-segfault')
  );
}

/** Each finite sample of a metric (every series of it) from `from` to `to`, ms, both included. */
function eachSampleBetween(timeline: Timeline, metric: string, from: number, to: number, visit: (t: number, v: number) => void): void {
  for (const s of timeline.seriesOf(metric)) {
    for (let i = 0; i < s.t.length; i++) {
      const at = s.t[i] as number;
      const v = s.v[i] as number;
      if (at >= from && at <= to && Number.isFinite(v)) visit(at, v);
    }
  }
}

function peakBetween(timeline: Timeline, metric: string, from: number, to: number): { value: number; t: number } {
  let value = NaN;
  let t = NaN;
  eachSampleBetween(timeline, metric, from, to, (at, v) => {
    if (!(v <= value) || (v === value && at < t)) {
      value = v;
      t = at;
    }
  });
  return { value, t };
}

/** Values and lookups every rule expression may use. */
function baseEnv(rule: RuleDef, timeline: Timeline, accessed: FactEntry[], quotedEvents: { file: number; line: number }[] = []): Env {
  const thresholds: Record<string, Value> = {};
  for (const [k, t] of Object.entries(rule.thresholds)) thresholds[k] = t.value;
  /** label pairs given as (key, value, key, value, …) after the fact name */
  const labelsOf = (pairs: Value[]): Record<string, string> | undefined => {
    if (pairs.length === 0 || pairs[0] === undefined) return undefined;
    const labels: Record<string, string> = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) labels[String(pairs[i])] = String(pairs[i + 1]);
    return labels;
  };
  const lookup = (name: Value, pairs: Value[]): FactEntry | undefined => {
    const labels = labelsOf(pairs);
    const f = labels ? timeline.factEntry(String(name), labels) : (timeline.facts.find((x) => x.name === String(name) && Object.keys(x.labels).length === 0) ?? timeline.factEntry(String(name)));
    if (f) accessed.push(f);
    return f;
  };
  const host = {
    cpus: numOrNull(timeline.fact('host.cpus')),
    numaNodes: numOrNull(timeline.fact('host.numaNodes')),
    memTotalKiB: numOrNull(timeline.facts.find((f) => f.name === 'meminfo.MemTotal' && Object.keys(f.labels).length === 0)?.value),
    collectedAt: timeline.clock.collectedMs,
    bootAt: timeline.clock.bootMs,
  };
  return {
    ...thresholds,
    thresholds,
    host,
    ...formatFunctions(timeline.clock.zone),
    fact: ((name: Value, ...pairs: Value[]) => lookup(name, pairs)?.value) as unknown as Value,
    factNum: ((name: Value, ...pairs: Value[]) => {
      const x = lookup(name, pairs)?.value;
      return typeof x === 'number' ? x : x === undefined ? NaN : Number(x);
    }) as unknown as Value,
    /** every fact of a name, as [{value, labels}] */
    factsNamed: ((name: Value) => timeline.factsNamed(String(name)).map((f) => ({ value: f.value, labels: { ...f.labels } }))) as unknown as Value,
    /** facts of a name whose labels include the given (key, value, …) pairs, as [{value, labels}]; they become evidence */
    factsWhere: ((name: Value, ...pairs: Value[]) => {
      const labels = labelsOf(pairs) ?? {};
      const hits = timeline.factsNamed(String(name)).filter((f) => Object.entries(labels).every(([k, v]) => f.labels[k] === v));
      accessed.push(...hits.slice(0, 4));
      return hits.map((f) => ({ value: f.value, labels: { ...f.labels } }));
    }) as unknown as Value,
    eventCount: ((type: Value) => timeline.events.filter((e) => e.type === String(type)).length) as unknown as Value,
    /** the time of the first event of a type after an instant, e.g. libvirtd starting again after a guest's log went silent */
    firstEventAfter: ((type: Value, t: Value) => {
      const after = Number(t);
      if (!Number.isFinite(after)) return undefined;
      // events are sorted by time
      return timeline.events.find((e) => e.type === String(type) && e.t !== null && e.t > after)?.t ?? undefined;
    }) as unknown as Value,
    /**
     * events of a type from one instant to another (ms, both included), each as its attrs with `t` and
     * `labels`: the guest whose crash libvirt logged just after the kernel logged a QEMU segfault
     */
    eventsBetween: ((type: Value, from: Value, to: Value, quote?: Value) => {
      const lo = Number(from);
      const hi = Number(to);
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
      const out: Value[] = [];
      const events = timeline.events;
      const quoteUpTo = Math.min(QUOTED_EVENTS_PER_FINDING, quotedEvents.length + QUOTED_EVENTS_PER_CALL);
      // Events are sorted by time, those without one last; a rule may ask once per finding.
      for (let i = firstAtOrAfter(events, lo, (e) => e.t); i < events.length; i++) {
        const e = events[i] as TimelineEvent;
        if (e.t === null || e.t > hi) break;
        if (e.type !== String(type)) continue;
        out.push({ ...e.attrs, t: e.t, labels: { ...e.labels } } as unknown as Value);
        if (quote === true && quotedEvents.length < quoteUpTo) quotedEvents.push({ file: e.file, line: e.line });
      }
      return out;
    }) as unknown as Value,
    /**
     * the events of a type from the host's current boot: at or after its boot time (a minute's slack: btime is
     * rounded to the second, uptime read a moment after it), and those the bundle cannot date (an undated dmesg
     * is this boot's ring buffer); every event of the type when the boot time is not known
     */
    eventsOfThisBoot: ((type: Value, quote?: Value) => {
      const boot = timeline.clock.bootMs;
      const out: Value[] = [];
      const quoteUpTo = Math.min(QUOTED_EVENTS_PER_FINDING, quotedEvents.length + QUOTED_EVENTS_PER_CALL);
      for (const e of timeline.events) {
        if (e.type !== String(type)) continue;
        if (boot !== null && e.t !== null && e.t < boot - BOOT_SLACK_MS) continue;
        out.push({ ...e.attrs, t: e.t, labels: { ...e.labels } } as unknown as Value);
        if (quote === true && quotedEvents.length < quoteUpTo) quotedEvents.push({ file: e.file, line: e.line });
      }
      return out;
    }) as unknown as Value,
    /**
     * the guests of the bundle, one per domain however many files describe it (domain XML, its live
     * copy, virsh dumpxml), with kvm.ts's fields: where(guests(), 'memoryHeld', false) are shut off
     */
    guests: (() => (kvmInventory(timeline)?.guests ?? []) as unknown as Value[]) as unknown as Value,
    /** a pool of one page size node by node, what each keeps and the command that sets it (rules/hugepage-node-plan.ts); [] without two nodes' counts */
    hugepageNodePlan: ((sizeKiB: Value, keepPages: Value) => {
      const size = Number(sizeKiB);
      const nodes = timeline
        .factsNamed('hugepages.node.total')
        .filter((f) => f.labels['sizeKiB'] === String(size) && f.labels['node'] !== undefined)
        .map((f) => ({ node: f.labels['node'] as string, total: Number(f.value), free: Number(timeline.factEntry('hugepages.node.free', { sizeKiB: String(size), node: f.labels['node'] as string })?.value ?? 0) }))
        .filter((n) => Number.isFinite(n.total) && Number.isFinite(n.free));
      return (hugepageNodePlan(nodes, kvmInventory(timeline)?.guests ?? [], size, Number(keepPages)) ?? []) as unknown as Value[];
    }) as unknown as Value,
    /** the largest sample of a metric over the whole record (NaN without one): the most hugepages sar saw in use */
    peakOf: ((metric: Value) => {
      let peak = NaN;
      for (const s of timeline.seriesOf(String(metric))) for (let i = 0; i < s.v.length; i++) if (!(s.v[i] as number <= peak)) peak = s.v[i] as number;
      return peak;
    }) as unknown as Value,
    /** the largest sample of a metric from `from` to `to` (ms, both included), NaN without one: swap's fill just after the swapping */
    peakBetween: ((metric: Value, from: Value, to: Value) => peakBetween(timeline, String(metric), Number(from), Number(to)).value) as unknown as Value,
    /** when that largest sample was taken (the first such), NaN without one */
    peakTimeBetween: ((metric: Value, from: Value, to: Value) => peakBetween(timeline, String(metric), Number(from), Number(to)).t) as unknown as Value,
    /** the mean of a metric's samples from `from` to `to` (ms, both included; every series of it), NaN without one */
    meanBetween: ((metric: Value, from: Value, to: Value) => {
      let sum = 0;
      let n = 0;
      eachSampleBetween(timeline, String(metric), Number(from), Number(to), (_t, v) => {
        sum += v;
        n++;
      });
      return n > 0 ? sum / n : NaN;
    }) as unknown as Value,
    /** the sample of a metric nearest to an instant (within 30 min), e.g. available memory when a leak was last seen */
    valueAt: ((metric: Value, t: Value) => {
      const at = Number(t);
      let best = NaN;
      let bestD = 30 * 60 * 1000;
      for (const s of timeline.seriesOf(String(metric))) {
        for (let i = 0; i < s.t.length; i++) {
          const d = Math.abs((s.t[i] as number) - at);
          if (d <= bestD) {
            bestD = d;
            best = s.v[i] as number;
          }
        }
      }
      return best;
    }) as unknown as Value,
  };
}

function numOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function resolver(rule: RuleDef): (v: string | number) => number {
  return (v) => (typeof v === 'number' ? v : (rule.thresholds[v]?.value ?? NaN));
}

/** At most MAX_FINDINGS_PER_RULE candidates, and how many there were in all. */
function candidatesOf(rule: RuleDef, timeline: Timeline, env: Env, accessed: FactEntry[]): { candidates: Candidate[]; total: number } {
  const d = rule.detect;
  const capped = (all: Candidate[]): { candidates: Candidate[]; total: number } => ({ candidates: heaviest(all, MAX_FINDINGS_PER_RULE, weightOf), total: all.length });
  switch (d.kind) {
    case 'threshold':
      return capped(detectThreshold(d, timeline, env, resolver(rule)));
    case 'trend':
      return capped(detectTrend(d, timeline, env, resolver(rule)));
    case 'event':
      // capped before the groups past the cap are given an env
      return detectEvents(d, timeline, env, MAX_FINDINGS_PER_RULE);
    case 'state':
      return capped(detectState(d, timeline, env, accessed));
  }
}

const SUBJECT_KEYS = ['pid', 'comm', 'device', 'node', 'domain', 'cgroup', 'pool', 'mount'] as const;

function subjectOf(rule: RuleDef, c: Candidate, env: Env): Subject {
  const s: Subject = {};
  const put = (k: (typeof SUBJECT_KEYS)[number], v: Value): void => {
    if (v === undefined || v === null || v === '') return;
    if (k === 'pid') {
      const n = Number(v);
      if (Number.isInteger(n)) s.pid = n;
    } else s[k] = String(v);
  };
  for (const k of SUBJECT_KEYS) put(k, c.labels[k]);
  for (const [k, expr] of Object.entries(rule.subject ?? {})) {
    if ((SUBJECT_KEYS as readonly string[]).includes(k)) put(k as (typeof SUBJECT_KEYS)[number], compile(expr)(env));
  }
  // in one order whatever set each field (pid, comm, … as reports always listed them)
  const ordered: Subject = {};
  for (const k of SUBJECT_KEYS) if (s[k] !== undefined) (ordered as Record<string, unknown>)[k] = s[k];
  return ordered;
}

/** How far before the boot time an event may be and still be this boot's (eventsOfThisBoot). */
const BOOT_SLACK_MS = 60_000;

/**
 * The most events one eventsBetween(…, true) or eventsOfThisBoot(…, true) quotes, and the most all of a finding's
 * calls quote together: per call, so that a text asked later (the capture kernel's failed probe) is not crowded
 * out by one asked before it (the reservation's boot lines).
 */
const QUOTED_EVENTS_PER_CALL = 3;
const QUOTED_EVENTS_PER_FINDING = 6;

/** The most pids a finding lists beside its subject's. */
const MAX_FINDING_PIDS = 1000;

/**
 * Every pid an event finding's events name, when it names a pid and they are more than one (a
 * cgroup's OOM kills, whose subject is the largest victim): a link matching on pid matches any of them.
 */
function eventPids(env: Env, subject: Subject): number[] | null {
  const events = env['events'];
  if (subject.pid === undefined || !Array.isArray(events)) return null;
  const pids = new Set<number>();
  for (const e of events as Record<string, Value>[]) {
    const pid = e['pid'];
    if (typeof pid === 'number' && Number.isInteger(pid)) pids.add(pid);
    if (pids.size > MAX_FINDING_PIDS) break;
  }
  if (pids.size < 2) return null;
  return [...pids].sort((a, b) => a - b).slice(0, MAX_FINDING_PIDS);
}

/**
 * A rule's row among the checks: its `check` name, else (a rule of the user's without one) its title
 * with the templates' places marked "…".
 */
export function checkName(rule: Pick<RuleDef, 'title' | 'check'>): string {
  return rule.check ?? rule.title.replace(/\{\{[^}]*\}\}/g, '…');
}

/** Runs every rule over the timeline; a rule that breaks becomes a check with status error. */
export function runRules(rules: RuleDef[], timeline: Timeline): EngineResult {
  const drafts: DraftFinding[] = [];
  const checks: RuleCheck[] = [];
  const diagnostics: Diagnostic[] = [];
  const inScope = new Map<NonNullable<RuleDef['scope']>, boolean>();
  for (const rule of rules) {
    if (rule.scope) {
      let applies = inScope.get(rule.scope);
      if (applies === undefined) inScope.set(rule.scope, (applies = SCOPES[rule.scope].applies(timeline)));
      if (!applies) {
        checks.push({ rule: rule.id, class: rule.class, title: checkName(rule), status: 'not-applicable', detail: SCOPES[rule.scope].outside });
        continue;
      }
    }
    const missing = missingRequirements(rule, timeline);
    if (missing.length > 0) {
      checks.push({ rule: rule.id, class: rule.class, title: checkName(rule), status: 'no-data', detail: `needs ${missing.join(', ')}`, ...(rule.collect ? { collect: rule.collect.trim().replace(/\s+/g, ' ') } : {}) });
      continue;
    }
    try {
      const accessed: FactEntry[] = [];
      const quotedEvents: { file: number; line: number }[] = [];
      const env = baseEnv(rule, timeline, accessed, quotedEvents);
      const { candidates, total } = candidatesOf(rule, timeline, env, accessed);
      const skipped = total - candidates.length;
      if (skipped > 0) {
        diagnostics.push({
          source: `rule ${rule.id}`,
          severity: 'warning',
          message: `${total} candidate findings, past the cap of ${MAX_FINDINGS_PER_RULE} per rule: the ${MAX_FINDINGS_PER_RULE} with the most events (or the longest) were evaluated, ${skipped} were not`,
        });
      }
      let n = 0;
      for (const c of candidates) {
        accessed.length = 0;
        quotedEvents.length = 0;
        const d = draftOf(rule, c, timeline, ++n);
        if (!d) continue;
        // Lines of other files an expression asked to quote (the libvirtd error at a guest's failed start)
        const asked = quotedEvents.filter((q, i) => !d.refs.some((r) => r.file === q.file && r.line === q.line) && quotedEvents.findIndex((p) => p.file === q.file && p.line === q.line) === i);
        if (asked.length > 0) d.refs = [...d.refs.slice(0, EVIDENCE_PER_FINDING - FACT_REFS_PER_FINDING - asked.length), ...asked];
        // The figures its words were drawn from (a guest's RAM in its domain XML) prove it too, numbers
        // first. A setting read as text (a guest's <on_crash>, its state in virsh list) is quoted only if
        // its line shows it: a flag or a summary may be located at an element or a first line that does not.
        // A zero (no pages promised, no errors) says what did not happen, and yields to both.
        const quoted = new Set(d.refs.map((r) => `${r.file}:${r.line}`));
        const distinct = accessed.filter((f, i) => f.line > 0 && !quoted.has(`${f.fileIdx}:${f.line}`) && accessed.findIndex((g) => g.fileIdx === f.fileIdx && g.line === f.line) === i);
        const facts = [
          ...distinct.filter((f) => typeof f.value === 'number' && f.value !== 0).map((f) => ({ file: f.fileIdx, line: f.line })),
          ...distinct.filter((f) => typeof f.value === 'string' && quotableText(f.value)).map((f) => ({ file: f.fileIdx, line: f.line, mustContain: String(f.value).trim() })),
          ...distinct.filter((f) => f.value === 0).map((f) => ({ file: f.fileIdx, line: f.line })),
        ].slice(0, FACT_REFS_PER_FINDING);
        if (facts.length > 0) d.refs = [...d.refs.slice(0, EVIDENCE_PER_FINDING - facts.length), ...facts];
        drafts.push(d);
      }
      if (rule.episode) groupEpisodes(drafts.filter((d) => d.rule.id === rule.id), rule.episode);
      const fired = drafts.filter((d) => d.rule.id === rule.id).length;
      checks.push({
        rule: rule.id,
        class: rule.class,
        title: checkName(rule),
        status: fired > 0 ? 'fired' : 'clear',
        detail: (fired > 0 ? `${fired} finding${fired > 1 ? 's' : ''}` : 'checked: nothing crossed the thresholds') + (skipped > 0 ? `; ${skipped} more candidates past the cap not evaluated` : ''),
      });
    } catch (err) {
      checks.push({ rule: rule.id, class: rule.class, title: checkName(rule), status: 'error', detail: `rule failed: ${(err as Error).message}` });
    }
  }
  return { drafts, checks, diagnostics };
}

/** A candidate's events (a folded storm counts its repeats; 1 for a threshold episode or a state) and span. */
function weightOf(c: Candidate): [number, number] {
  const count = c.env['count'];
  return [typeof count === 'number' ? count : 1, c.start !== null && c.end !== null ? c.end - c.start : 0];
}

function draftOf(rule: RuleDef, c: Candidate, timeline: Timeline, n: number): DraftFinding | null {
  const env: Env = { ...c.env };
  // Rule text names the series it fired on as labels.x (labels.device): every detector's candidate carries them.
  if (env['labels'] === undefined) env['labels'] = { ...c.labels };
  for (const [name, expr] of Object.entries(rule.texts ?? {})) {
    const v = compile(expr)(env);
    env[name] = v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v)) ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  const metrics: Record<string, number> = {};
  env['metrics'] = metrics;
  for (const [name, expr] of Object.entries(rule.metrics)) {
    const v = compile(expr)(env);
    const num = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : Number(v);
    if (Number.isFinite(num)) metrics[name] = Math.round(num * 1000) / 1000;
    env[name] = Number.isFinite(num) ? num : NaN;
  }
  const subject = subjectOf(rule, c, env);
  env['subject'] = { ...subject } as Record<string, Value>;
  let severity: Severity | null = null;
  for (const level of rule.severity) {
    if (truthy(compile(level.when)(env))) {
      severity = level.level;
      break;
    }
  }
  if (severity === null) return null;
  const confRaw = Number(compile(rule.confidence)(env));
  const confidence = Math.round(Math.min(1, Math.max(0, Number.isFinite(confRaw) ? confRaw : 0.5)) * 100) / 100;
  env['confidence'] = confidence;
  env['severity'] = severity;
  const zone = timeline.clock.zone;
  const window = c.start !== null && c.end !== null ? { start: toIso(zone, c.start), end: toIso(zone, c.end) } : null;
  const durationSec = typeof env['durationSec'] === 'number' ? env['durationSec'] : c.start !== null && c.end !== null ? (c.end - c.start) / 1000 : 0;
  const remediation: Remediation[] = [];
  for (const r of rule.remediation) {
    if (r.when && !truthy(compile(r.when)(env))) continue;
    const rem: Remediation = { action: renderTemplate(r.action, env, true), detail: renderTemplate(r.detail, env), expectedImpact: renderTemplate(r.expectedImpact, env) };
    if (r.risk) rem.risk = renderTemplate(r.risk, env);
    if (r.rollback) rem.rollback = renderTemplate(r.rollback, env);
    if (r.verify) rem.verify = renderTemplate(r.verify, env);
    if (r.reboot !== undefined) rem.reboot = r.reboot;
    remediation.push(rem);
  }
  const finding: Finding = {
    id: `${rule.id}:${n}`,
    rule: rule.id,
    class: rule.class,
    title: renderTemplate(rule.title, env, true),
    message: renderTemplate(rule.message, env),
    severity,
    score: scoreOf(severity, durationSec, confidence),
    confidence,
    window,
    subject,
    metrics,
    evidence: [],
    causes: [],
    effects: [],
    reasoning: [],
    remediation,
    references: rule.references,
  };
  const pids = eventPids(env, subject);
  if (pids) finding.pids = pids;
  let episodeKey: string | undefined;
  if (rule.episode) {
    const k = compile(rule.episode.key)(env);
    if (k !== undefined && k !== null && k !== '' && !(typeof k === 'number' && Number.isNaN(k))) episodeKey = String(k);
  }
  // States and snapshots are placed at the collection instant itself; an event logged seconds before it is not one.
  const collected = timeline.clock.collectedMs;
  if (collected !== null && c.start === collected && c.end === collected) finding.readAtCollection = true;
  return { finding, refs: c.evidence, candidate: c, rule, ...(episodeKey === undefined ? {} : { episodeKey }) };
}

/**
 * Findings of one rule that are one episode (RuleDef.episode): the same key, windows at most gapSec
 * apart, chained (a task hung at 10:00, another at 10:01 and a third at 10:02 are one). In each, the
 * best-ranked finding leads (the earliest on a tie) and the others follow it: listed as its episode,
 * ranked below it, not as problems of their own.
 */
export function groupEpisodes(drafts: DraftFinding[], episode: NonNullable<RuleDef['episode']>): void {
  const keyed = drafts.filter((d) => d.episodeKey !== undefined && d.finding.window !== null && !d.finding.sameEpisodeAs?.length);
  const span = (d: DraftFinding): [number, number] => [Date.parse(d.finding.window?.start ?? ''), Date.parse(d.finding.window?.end ?? '')];
  const gapMs = episode.gapSec * 1000;
  const byKey = new Map<string, DraftFinding[]>();
  for (const d of keyed) {
    const list = byKey.get(d.episodeKey as string);
    if (list) list.push(d);
    else byKey.set(d.episodeKey as string, [d]);
  }
  for (const list of byKey.values()) {
    list.sort((a, b) => span(a)[0] - span(b)[0]);
    let group: DraftFinding[] = [];
    let groupEnd = -Infinity;
    const close = (): void => {
      if (group.length > 1) lead(group, episode.reason);
      group = [];
      groupEnd = -Infinity;
    };
    for (const d of list) {
      const [start, end] = span(d);
      if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
      if (group.length > 0 && start - groupEnd > gapMs) close();
      group.push(d);
      groupEnd = Math.max(groupEnd, end);
    }
    close();
  }
}

function lead(group: DraftFinding[], reason: string): void {
  const first = [...group].sort((a, b) => b.finding.score - a.finding.score || Date.parse(a.finding.window?.start ?? '') - Date.parse(b.finding.window?.start ?? ''))[0] as DraftFinding;
  for (const d of group) {
    if (d === first) continue;
    d.finding.sameEpisodeAs = [first.finding.id];
    d.finding.reasoning.push(reason.replaceAll('{{lead}}', first.finding.title).replaceAll('{{finding}}', d.finding.title));
  }
}

/** Impact × duration × confidence on a 0–100 scale: severity sets the band, the rest orders within it. */
export function scoreOf(severity: Severity, durationSec: number, confidence: number): number {
  const base = SEVERITY_BASE[severity];
  const dur = Math.min(1, Math.log10(1 + Math.max(0, durationSec) / 60) / 3);
  return Math.max(0, Math.min(100, Math.round(base + 10 * dur * confidence + 5 * confidence)));
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** A text value worth looking for on its line: a word or a short phrase, not JSON or a long blob. */
function quotableText(value: string): boolean {
  const t = value.trim();
  return t.length >= 2 && t.length <= 200 && !t.startsWith('{') && !t.startsWith('[');
}

/** Lines quoted per finding. */
const EVIDENCE_PER_FINDING = 12;
/** Of them, at most this many settings read by the finding's words rather than by its detection. */
const FACT_REFS_PER_FINDING = 3;

/** Quotes the lines each finding points at, reading files once more only where needed. */
export async function attachEvidence(drafts: DraftFinding[], timeline: Timeline, readLines: (req: Map<string, Set<number>>) => Promise<Map<string, Map<number, string>>>, maxPerFinding = EVIDENCE_PER_FINDING): Promise<void> {
  const req = new Map<string, Set<number>>();
  for (const d of drafts) {
    for (const r of d.refs.slice(0, maxPerFinding)) {
      if (r.text !== undefined) continue;
      const path = timeline.filePath(r.file);
      let set = req.get(path);
      if (!set) req.set(path, (set = new Set()));
      set.add(r.line);
    }
  }
  const texts = req.size ? await readLines(req) : new Map<string, Map<number, string>>();
  for (const d of drafts) {
    const ev: Evidence[] = [];
    for (const r of d.refs.slice(0, maxPerFinding)) {
      const source = timeline.filePath(r.file);
      const note = timeline.lineNote(r.file, r.line);
      const text = r.text ?? texts.get(source)?.get(r.line) ?? '';
      if (r.mustContain !== undefined && !text.includes(r.mustContain)) continue;
      ev.push({ source, line: r.line, text, ...(note !== undefined ? { note } : {}) });
    }
    d.finding.evidence = ev;
  }
}
