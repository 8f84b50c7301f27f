import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { damagedArchiveError, EvidenceText, ingestAttachments, ingestBundle, InputError, isArchiveOrDirectory, openBundle, SAR_TEXT_DAY, SAR_XML_DAY } from './bundle/ingest.js';
import type { BundleSource } from './bundle/walk.js';
import type { Diagnostic } from './model.js';
import type { EventSpread } from './parsers/types.js';
import type { ChartSeries, FindingChart, Report, ReportModel, TimelineEventView } from './report/model.js';
import { SYSSTAT_BOOT } from './report/format.js';
import { correlate, loadCorrelations } from './rules/correlate.js';
import { attachEvidence, runRules, type DraftFinding } from './rules/engine.js';
import { repeatsOf } from './rules/expr.js';
import { loadRules } from './rules/loader.js';
import type { RuleDef } from './rules/types.js';
import { toIso, zoneLabel } from './timeline/clock.js';
import { orderFacts } from './timeline/fact-order.js';
import { resolveBootSettings, settingsDrift } from './timeline/boot-settings.js';
import { bundleFacts, deriveClock } from './timeline/facts.js';
import { kvmInventory } from './timeline/kvm.js';
import { RecordStore } from './timeline/store.js';
import { buildTimeline, type Series, type Timeline, type TimelineEvent } from './timeline/timeline.js';
import { mark } from './timings.js';
import { VERSION } from './version.js';
import { compareText } from './compare-text.js';

export interface AnalyzeOptions {
  /** extra rule directories (--rules) */
  rulesDirs?: string[];
  /** only these rules (ids); default all */
  onlyRules?: string[];
  /** IANA zone or offset overriding the bundle's */
  tz?: string;
  paper?: 'A4' | 'Letter';
  redact?: boolean;
  /** keep every metric the parsers read, not only those the rules and charts use (library users who read the timeline) */
  allMetrics?: boolean;
  /** per-file read cap in bytes */
  maxFileBytes?: number;
  /** cap on the bytes read from the bundle in all (an archive's decompressed size) */
  maxTotalBytes?: number;
  /** cap on the entries of the bundle looked at */
  maxEntries?: number;
  /** threads xz may decode a .tar.xz with; default 0, one per core (batch gives each bundle its share) */
  xzThreads?: number;
  /** the output directory, where a .tar.xz may be decoded to an unnamed scratch file (less CPU than a pipe); default none */
  scratchDir?: string;
}

export interface Analysis {
  model: ReportModel;
  timeline: Timeline;
  rules: RuleDef[];
}

/**
 * The library entry point: inputs (a bundle, then loose attachments) in, the
 * report model out. Never throws for bad content, only for unusable input
 * (InputError): everything else becomes a diagnostic in the report.
 */
export async function analyze(inputs: string[], options: AnalyzeOptions = {}): Promise<Analysis> {
  mark('node start-up and modules');
  if (inputs.length === 0) throw new InputError('no input given', 'sosmortem analyze <bundle> [attachments...]');
  const diagnostics: Diagnostic[] = [];
  const [first, ...rest] = inputs as [string, ...string[]];
  let source: BundleSource | null = null;
  let attachments = rest;
  if (await isArchiveOrDirectory(first)) {
    const caps = { ...(options.maxTotalBytes ? { maxTotalBytes: options.maxTotalBytes } : {}), ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}), ...(options.xzThreads === undefined ? {} : { xzThreads: options.xzThreads }), ...(options.scratchDir ? { scratchDir: options.scratchDir } : {}) };
    source = await openBundle(first, caps);
  }
  else {
    const st = await stat(first).catch(() => null);
    if (!st) throw new InputError(`cannot read ${first}: no such file or directory`, 'give the path of a sosreport directory or a .tar.xz/.tar.gz/.tar archive');
    const damaged = await damagedArchiveError(first);
    if (damaged) throw damaged;
    attachments = inputs;
  }
  const loaded = await loadRules(options.rulesDirs ?? [], true, { validateBuiltin: false });
  for (const e of loaded.errors) diagnostics.push({ source: e.file, severity: 'error', message: `rule not loaded: ${e.where ? `${e.where}: ` : ''}${e.reason}` });
  mark('load rules');
  const rules = options.onlyRules ? loaded.rules.filter((r) => options.onlyRules?.includes(r.id)) : loaded.rules;

  const perCpu = rulesNeedPerCpu(rules);
  // Only the metrics a rule or a standard chart reads are kept: a month of sar
  // holds dozens of columns per row that nothing looks at (network, paging detail).
  const needed = options.allMetrics ? null : neededMetrics(rules);
  const store = new RecordStore((metric) => (metric === 'cpu.percpu' ? perCpu : needed === null || needed.has(metric)));
  const attachmentMap = new Map<string, string>();
  const evidence = new EvidenceText(source, attachmentMap);
  const limits = options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {};
  // An archive's hash is read while xz (a child process) decompresses it, not after.
  const archiveHash = source?.kind === 'archive' ? sha256File(first).catch(() => null) : null;
  if (source) await ingestBundle(source, store, evidence, { limits });
  if (attachments.length) await ingestAttachments(attachments, store, evidence, attachmentMap, { limits });
  mark('read and parse the bundle');
  if (store.files.length === 0) {
    if (source && store.diagnostics.some((d) => d.severity === 'error')) {
      const d = store.diagnostics.find((x) => x.severity === 'error');
      throw new InputError(`nothing usable in ${first}: ${d?.message ?? 'unreadable'}`, 'check that the archive is complete (compare its .sha256) or extract what you can and pass the directory');
    }
    diagnostics.push({ source: first, severity: 'warning', message: 'no file of a known sosreport source was found: is this a sosreport?' });
  }

  preferSarXml(store, diagnostics);
  orderFacts(store, diagnostics);
  resolveBootSettings(store);
  const clock = deriveClock(store, options.tz, diagnostics);
  const timeline = buildTimeline(store, clock, diagnostics);
  mark('clock and timeline');
  const facts = bundleFacts(store, clock, first);
  const { drafts, checks, diagnostics: ruleDiagnostics } = runRules(rules, timeline);
  diagnostics.push(...ruleDiagnostics);
  mark('run rules');
  await attachEvidence(drafts, timeline, (req) => evidence.lines(req));
  const findings = drafts.map((d) => d.finding);
  correlate(findings, await loadCorrelations());
  const order = findings.map((f, i) => i).sort((a, b) => (findings[b]?.score ?? 0) - (findings[a]?.score ?? 0) || a - b);
  const sortedDrafts = order.map((i) => drafts[i] as DraftFinding);

  mark('evidence and correlation');
  const span = timeline.span();
  const settings = settingsDrift(store);
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'sosmortem', version: VERSION },
    bundle: facts,
    coverage: coverageOf(timeline, store),
    findings: sortedDrafts.map((d) => d.finding),
    diagnostics: [...store.diagnostics, ...diagnostics],
    analysis: {
      generatedAt: clock.collectedMs === null ? toIso(clock.zone, 0) : toIso(clock.zone, clock.collectedMs),
      rulesetVersion: rulesetVersion(rules),
      window: span ? { start: toIso(clock.zone, span.start), end: toIso(clock.zone, span.end) } : null,
      checks,
      bundleHash: archiveHash ? await archiveHash : source ? directoryHash(store) : null,
      ...(settings.compared > 0 ? { settings } : {}),
    },
  };
  const model: ReportModel = {
    report,
    span,
    zone: zoneLabel(clock.zone),
    timeZone: clock.zone,
    series: standardSeries(timeline),
    events: eventViews(timeline),
    findingCharts: sortedDrafts.flatMap((d) => findingChart(d)),
    kvm: kvmInventory(timeline),
    thresholds: rules.flatMap((r) => Object.entries(r.thresholds).map(([name, t]) => ({ rule: r.id, name, value: t.value, unit: t.unit ?? null, reason: t.reason, ref: t.ref ?? null }))),
    gaps: collectionGaps(timeline),
    // numastat and sysfs may both report a node; the first source wins
    numa: [...new Map(timeline.factsNamed('numa.localityPct').filter((f) => typeof f.value === 'number' && f.labels['node'] !== undefined).map((f) => [f.labels['node'] ?? '', f] as const).reverse()).values()]
      .map((f) => ({ node: f.labels['node'] ?? '', localityPct: Number(f.value), ...numaCounts(timeline, f.labels['node'] ?? '') })),
    hostCores: Number(timeline.fact('host.sockets')) * Number(timeline.fact('host.coresPerSocket')) || null,
    options: { paper: options.paper ?? 'A4', redact: options.redact ?? false },
  };
  mark('report model');
  return { model, timeline, rules };
}

/**
 * Per-CPU rows are most of a many-core sar file (65 rows of 10 columns per
 * interval on 64 CPUs) and the report draws only `cpu=all`: they are parsed
 * only when an active rule reads a cpu.* signal of any CPU other than `all`.
 */
export function rulesNeedPerCpu(rules: RuleDef[]): boolean {
  const visit = (node: unknown, groupByCpu: boolean): boolean => {
    if (typeof node === 'string') return groupByCpu && node.startsWith('cpu.');
    if (Array.isArray(node)) return node.some((x) => visit(x, groupByCpu));
    if (node === null || typeof node !== 'object') return false;
    const rec = node as Record<string, unknown>;
    const byCpu = groupByCpu || rec['groupBy'] === 'cpu';
    const metric = rec['metric'];
    if (typeof metric === 'string' && metric.startsWith('cpu.')) {
      const labels = rec['labels'];
      const cpu = labels !== null && typeof labels === 'object' ? (labels as Record<string, unknown>)['cpu'] : undefined;
      if (cpu !== 'all') return true;
    }
    for (const [k, v] of Object.entries(rec)) {
      // A bare 'cpu.x' signal name means every series of that metric, per-CPU ones included.
      if ((k === 'signal' || k === 'signals') && (typeof v === 'string' ? v.startsWith('cpu.') : v !== null && typeof v === 'object' && Object.values(v).some((x) => typeof x === 'string' && x.startsWith('cpu.')))) return true;
      if (visit(v, byCpu)) return true;
    }
    return false;
  };
  return rules.some((r) => visit(r.detect, false));
}

/** sha256 of an archive's bytes: the same as the .sha256 sos writes beside it. */
async function sha256File(location: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(location)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * A directory: sha256 of the list of files read, so the same tree hashes the
 * same wherever it is unpacked (the batch mode's bundle id also weighs sizes and times).
 */
function directoryHash(store: RecordStore): string {
  return createHash('sha256').update(JSON.stringify(store.files.map((f) => f.path))).digest('hex');
}

function coverageOf(timeline: Timeline, store: RecordStore): Report['coverage'] {
  const bySource = new Map<string, Report['coverage'][number]>();
  // Each file's own span: sampling the merged series missed a file whose samples were interleaved with
  // another's (every 64th point of a sar + vmstat series was sar's) or set aside for a finer one.
  const spans = new Map<number, [number, number]>([...timeline.fileSpans].map(([f, [a, b]]) => [f, [a, b]]));
  for (const e of timeline.events) {
    if (e.t === null) continue;
    const cur = spans.get(e.file);
    spans.set(e.file, cur ? [Math.min(cur[0], e.t), Math.max(cur[1], e.t)] : [e.t, e.t]);
  }
  const zone = timeline.clock.zone;
  // In path order, not the walk's: a directory and its tar then list the same files alike.
  const byPath = store.files.map((_, i) => i).sort((a, b) => {
    const pa = store.files[a]?.path ?? '';
    const pb = store.files[b]?.path ?? '';
    return pa < pb ? -1 : pa > pb ? 1 : a - b;
  });
  for (const idx of byPath) {
    const f = store.files[idx] as (typeof store.files)[number];
    let c = bySource.get(f.parser);
    if (!c) {
      c = { source: f.parser, files: [], records: 0, from: null, to: null, format: null, diagnostics: 0 };
      bySource.set(f.parser, c);
    }
    c.files.push(f.path);
    c.records += f.records;
    c.diagnostics += f.diagnostics;
    if (f.formats.length) c.format = [...new Set([...(c.format ? c.format.split('; ') : []), ...f.formats])].join('; ');
    const sp = spans.get(idx);
    if (sp) {
      const from = toIso(zone, sp[0]);
      const to = toIso(zone, sp[1]);
      if (!c.from || Date.parse(from) < Date.parse(c.from)) c.from = from;
      if (!c.to || Date.parse(to) > Date.parse(c.to)) c.to = to;
    }
  }
  return [...bySource.values()].sort((a, b) => compareText(a.source, b.source));
}

/** Reduces a series to at most `max` points for drawing, keeping each bucket's extreme. */
export function downsample(t: ArrayLike<number>, v: ArrayLike<number>, max = 600): [number, number][] {
  const n = t.length;
  if (n <= max) {
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) out.push([t[i] as number, v[i] as number]);
    return out;
  }
  const out: [number, number][] = [];
  const bucket = n / max;
  for (let b = 0; b < max; b++) {
    const a = Math.floor(b * bucket);
    const z = Math.min(n, Math.floor((b + 1) * bucket));
    let best = a;
    for (let i = a; i < z; i++) if ((v[i] as number) > (v[best] as number)) best = i;
    out.push([t[best] as number, v[best] as number]);
  }
  return out;
}

const STANDARD_METRICS = [
  'cpu.userPct', 'cpu.systemPct', 'cpu.iowaitPct', 'cpu.stealPct', 'cpu.idlePct',
  'load.runQueue', 'load.blocked', 'mem.availableKiB', 'mem.usedPct', 'mem.commitPct', 'mem.commitKiB',
  'swap.usedKiB', 'swap.usedPct', 'swap.inPagesPerSec', 'swap.outPagesPerSec', 'paging.majfltPerSec',
  'disk.utilPct', 'disk.awaitMs', 'disk.queueDepth', 'proc.rssKiB',
  'pressure.cpu.somePct', 'pressure.io.somePct', 'pressure.memory.somePct',
];

function standardSeries(timeline: Timeline): ChartSeries[] {
  const out: ChartSeries[] = [];
  for (const m of STANDARD_METRICS) {
    let list: Series[] = timeline.seriesOf(m);
    if (m.startsWith('cpu.')) list = list.filter((s) => s.labels['cpu'] === 'all' || s.labels['cpu'] === undefined);
    if (m.startsWith('disk.')) list = topByPeak(list, 60);
    if (m === 'proc.rssKiB') list = topByPeak(list, 8);
    for (const s of list) out.push({ metric: s.metric, labels: s.labels, points: downsample(s.t, s.v) });
  }
  return out;
}

function topByPeak(list: Series[], n: number): Series[] {
  const peak = (s: Series): number => {
    let m = -Infinity;
    for (let i = 0; i < s.v.length; i++) if ((s.v[i] as number) > m) m = s.v[i] as number;
    return m;
  };
  if (list.length <= n) return list;
  // Each peak once: a comparator computing it scanned every disk's samples n·log n times.
  const peaks = new Map(list.map((s) => [s, peak(s)] as const));
  return [...list].sort((a, b) => (peaks.get(b) as number) - (peaks.get(a) as number)).slice(0, n);
}

function probeWords(attrs: TimelineEvent['attrs']): string {
  // -12 is ENOMEM: the driver could not get memory; the rest are the driver's own reasons
  const why = attrs['errno'] === -12 ? 'out of memory' : `error ${String(attrs['errno'])}`;
  return `driver ${String(attrs['driver'])} failed to probe ${String(attrs['device'])} (${why})`;
}

/** What an event is, in words, for the postmortem's timeline ("vm-log-ends-running app01" read like an error code). */
const EVENT_WORDS: Record<string, (who: string, attrs: TimelineEvent['attrs']) => string> = {
  'oom-kill': (who) => `OOM killer killed ${who || 'a process'}`,
  'hung-task': (who) => `${who || 'a task'} reported hung`,
  boot: (_who, attrs) =>
    attrs['capture'] === true
      ? "kdump's capture kernel booted"
      : attrs['source'] === 'sysstat'
        ? SYSSTAT_BOOT
        : attrs['atLatest'] === true
          ? 'host booted (at the latest: its first kernel lines were written down later)'
          : 'host booted',
  'soft-lockup': (who) => `soft lockup${who ? ` (${who})` : ''}`,
  'hard-lockup': () => 'hard lockup',
  'io-error': (who) => `I/O error${who ? ` on ${who}` : ''}`,
  'alloc-failure': (who) => `page allocation failure${who ? ` (${who})` : ''}`,
  'kvm-error': () => 'KVM error',
  'probe-failed': (_who, attrs) => probeWords(attrs),
  'capture-kernel': (who, attrs) =>
    `kdump's capture kernel: ${
      attrs['kind'] === 'oom-kill'
        ? `OOM killer killed ${who || 'a process'}`
        : attrs['kind'] === 'probe-failed'
          ? probeWords(attrs)
          : attrs['kind'] === 'alloc-failure'
            ? `page allocation failure${attrs['order'] === undefined ? '' : ` of order ${String(attrs['order'])}`}${who ? ` (${who})` : ''}`
            : String(attrs['kind'] ?? 'event')
    }`,
  'crash-reserve': (_who, attrs) => (attrs['failed'] ? `no memory reserved for a crash kernel (${String(attrs['failed'])})` : `${String(attrs['reservedMiB'])} MiB reserved for a crash kernel`),
  segfault: (who, attrs) => `${who || 'a process'} killed by a ${String(attrs['fault'] ?? 'segfault')}`,
  'hw-error': (who, attrs) => `${attrs['kind'] === 'page-retired' ? 'memory page retired' : `${String(attrs['kind'] ?? '')} hardware error`}${who ? ` (${who})` : ''}`,
  'vm-start': (who) => `guest ${who} started`,
  'vm-shutdown': (who, attrs) => `guest ${who} stopped${attrs['reason'] ? ` (reason=${String(attrs['reason'])})` : ''}`,
  'vm-crash': (who, attrs) => (attrs['paused'] === true ? `KVM could not run guest ${who} (${String(attrs['what'] ?? 'internal error')}): QEMU paused it` : `guest ${who} crashed`),
  'vm-migrate': (who) => `guest ${who} migrated`,
  'vm-log-ends-running': (who) => `guest ${who}'s log ends, the guest still running`,
  'libvirtd-error': () => 'libvirtd error',
  'fs-error-recorded': (who, attrs) => `ext4 on ${who} recorded its ${String(attrs['which'])} error${attrs['function'] ? ` (in ${String(attrs['function'])}${attrs['err'] ? `, ${String(attrs['err'])}` : ''})` : ''}`,
};

/** Events the report lists: this many of one kind for one subject, this many in all. */
const EVENT_VIEWS_PER_KIND = 25;
const EVENT_VIEWS_TOTAL = 500;

function eventViews(timeline: Timeline): TimelineEventView[] {
  const out: TimelineEventView[] = [];
  // Per kind and subject first: a storm of one device's I/O errors took all 500 places, and
  // the OOM kills after it were missing from the postmortem timeline and the swimlane.
  const perKind = new Map<string, number>();
  // and events of one kind and subject in the same second are one view, counted: 99 kills of a respawning
  // worker in four seconds took all 25 places of its kind, and the postmortem listed the same line 25 times
  const lastOfKind = new Map<string, TimelineEventView>();
  for (const e of timeline.events) {
    if (e.t === null) continue;
    const who = String(e.attrs['comm'] ?? e.attrs['domain'] ?? e.labels['domain'] ?? e.attrs['device'] ?? '');
    const kind = `${e.type}\u0000${who}`;
    const previous = lastOfKind.get(kind);
    if (previous && Math.floor(previous.t / 1000) === Math.floor(e.t / 1000)) {
      previous.count = (previous.count ?? 1) + repeatsOf(e.attrs['repeats']);
      continue;
    }
    const n = perKind.get(kind) ?? 0;
    if (n >= EVENT_VIEWS_PER_KIND) continue;
    perKind.set(kind, n + 1);
    const words = EVENT_WORDS[e.type];
    const view: TimelineEventView = { type: e.type, t: e.t, label: words ? words(who, e.attrs) : `${e.type}${who !== '' ? ` ${who}` : ''}`, labels: e.labels, source: timeline.filePath(e.file), line: e.line };
    const repeats = repeatsOf(e.attrs['repeats']);
    if (repeats > 1) view.count = repeats;
    lastOfKind.set(kind, view);
    out.push(view);
    if (out.length >= EVENT_VIEWS_TOTAL) break;
  }
  return out;
}

const UNITS: Record<string, string> = { Pct: '%', KiB: 'KiB', Ms: 'ms', PerSec: '/s' };

function unitOf(metric: string): string {
  for (const [suffix, unit] of Object.entries(UNITS)) if (metric.endsWith(suffix)) return unit;
  return '';
}

/** Widths an event finding's rate is counted in: the finest that keeps the chart under RATE_MAX_BUCKETS. */
const RATE_BUCKETS_MS = [60_000, 5 * 60_000, 10 * 60_000, 30 * 60_000, 3_600_000, 6 * 3_600_000, 86_400_000];
const RATE_MAX_BUCKETS = 150;
/** Fewer events than this tell their story in the evidence lines; a chart adds nothing. */
const RATE_MIN_EVENTS = 20;

/**
 * How often an event finding's events came, per bucket of time: when they
 * began, peaked and ended. A storm folded at ingest (bundle/event-storm.ts)
 * is counted from its events per minute; a folded event without them (one
 * with no time, say) could only be dated by its last one, so none is drawn.
 */
function eventRateChart(d: DraftFinding): FindingChart | null {
  const c = d.candidate;
  if (d.rule.detect.kind !== 'event' || c.start === null || c.end === null) return null;
  const events = (Array.isArray(c.env['events']) ? c.env['events'] : []) as { t?: unknown; repeats?: unknown; spread?: EventSpread; suppressedBefore?: unknown }[];
  if (events.some((e) => typeof e.repeats === 'number' && !e.spread)) return null;
  const total = events.reduce((n, e) => n + (e.spread ? e.spread.n.reduce((a, b) => a + b, 0) : 1), 0);
  if (total < RATE_MIN_EVENTS) return null;
  const span = c.end - c.start;
  const width = RATE_BUCKETS_MS.find((w) => span / w <= RATE_MAX_BUCKETS) ?? (RATE_BUCKETS_MS.at(-1) as number);
  const first = Math.floor(c.start / width);
  const n = Math.floor(c.end / width) - first + 1;
  if (n < 3) return null;
  const counts = new Float64Array(n);
  // what the kernel's rate limit dropped ("… callbacks suppressed"), stated on the line after: drawn beside
  // what was logged, or the chart shows a few dozen errors where thousands happened
  const dropped = new Float64Array(n);
  const add = (into: Float64Array, t: number, k: number): void => {
    const i = Math.floor(t / width) - first;
    if (i >= 0 && i < n) into[i] = (into[i] as number) + k;
  };
  for (const e of events) {
    const suppressed = typeof e.suppressedBefore === 'number' ? e.suppressedBefore : 0;
    if (e.spread) {
      // a fold's sum of suppressed messages, spread as its events were
      const all = e.spread.n.reduce((a, b) => a + b, 0);
      for (let r = 0; r < e.spread.t.length; r++) {
        add(counts, e.spread.t[r] as number, e.spread.n[r] as number);
        if (suppressed > 0 && all > 0) add(dropped, e.spread.t[r] as number, (suppressed * (e.spread.n[r] as number)) / all);
      }
    } else if (typeof e.t === 'number') {
      add(counts, e.t, 1);
      if (suppressed > 0) add(dropped, e.t, suppressed);
    }
  }
  const points: [number, number][] = [];
  const droppedPoints: [number, number][] = [];
  let anyDropped = false;
  for (let i = 0; i < n; i++) {
    points.push([(first + i) * width, counts[i] as number]);
    droppedPoints.push([(first + i) * width, Math.round(dropped[i] as number)]);
    if ((dropped[i] as number) > 0) anyDropped = true;
  }
  const per = fmtWidth(width);
  const type = d.rule.detect.event;
  const labels = rateLabels(d, events.length);
  return {
    findingId: d.finding.id,
    title: `${RATE_WORDS[type] ?? `${type} events`} per ${per}`,
    unit: `per ${per}`,
    series: [
      { metric: d.rule.detect.event, labels, points },
      ...(anyDropped ? [{ metric: `${d.rule.detect.event} (rate-limited)`, labels, points: droppedPoints }] : []),
    ],
    windowStart: c.start,
    windowEnd: c.end,
  };
}

/**
 * The rate's legend: the finding's subject, which names what the events share (a device, a cgroup and
 * the commands it killed). The first event's labels named its pid and command only, which a cgroup's
 * kills of four commands do not share.
 */
function rateLabels(d: DraftFinding, events: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.finding.subject)) {
    if (v === undefined || v === '' || (k === 'pid' && events > 1)) continue;
    out[k] = String(v);
  }
  return out;
}

const RATE_WORDS: Record<string, string> = {
  'io-error': 'I/O errors',
  'oom-kill': 'OOM kills',
  'hung-task': 'hung-task reports',
  'soft-lockup': 'soft lockup reports',
  'hard-lockup': 'hard lockup reports',
  'alloc-failure': 'page allocation failures',
  segfault: 'faults',
  'hw-error': 'hardware error reports',
};

function fmtWidth(ms: number): string {
  return ms >= 86_400_000 ? 'day' : ms >= 3_600_000 ? (ms === 3_600_000 ? 'hour' : `${ms / 3_600_000} h`) : `${ms / 60_000} min`;
}

function findingChart(d: DraftFinding): FindingChart[] {
  const c = d.candidate;
  if (c.signals.length === 0) {
    const rate = eventRateChart(d);
    return rate ? [rate] : [];
  }
  const first = c.signals[0];
  if (!first) return [];
  const detect = d.rule.detect;
  let threshold: number | undefined;
  if (detect.kind === 'threshold') {
    // The first threshold named in the enter condition next to the first signal is the one drawn.
    const m = new RegExp(`\\b${first.name}\\s*>=?\\s*([A-Za-z_][A-Za-z0-9_]*)`).exec(detect.enter);
    const name = m?.[1];
    if (name && d.rule.thresholds[name]) threshold = d.rule.thresholds[name]?.value;
  }
  // A short finding in a long collection is drawn with its context, not as a sliver of the whole span.
  const points = (s: { t: ArrayLike<number>; v: ArrayLike<number> }): ReturnType<typeof downsample> => {
    const [t, v] = c.start === null || c.end === null ? [s.t, s.v] : around(s.t, s.v, c.start, c.end);
    return downsample(t, v, 400);
  };
  const chart: FindingChart = {
    findingId: d.finding.id,
    title: d.finding.title,
    unit: unitOf(first.metric),
    series: c.signals.filter((s) => s.metric === first.metric || unitOf(s.metric) === unitOf(first.metric)).map((s) => ({ metric: s.metric, labels: s.labels, points: points(s) })),
    windowStart: c.start,
    windowEnd: c.end,
  };
  if (threshold !== undefined) chart.threshold = threshold;
  if (c.fit) chart.fit = c.fit;
  const charts = [chart];
  for (const s of c.signals.slice(1)) {
    if (unitOf(s.metric) === unitOf(first.metric)) continue;
    charts.push({ findingId: d.finding.id, title: s.metric, unit: unitOf(s.metric), series: [{ metric: s.metric, labels: s.labels, points: points(s) }], windowStart: c.start, windowEnd: c.end });
  }
  return charts;
}

/** Context drawn on each side of a finding: as long as the finding itself, and at least this. */
const CHART_CONTEXT_MIN_MS = 30 * 60_000;

/** The samples of a series from a context before a finding's window to one after it (all of them when the window covers most of the series). */
export function around(t: ArrayLike<number>, v: ArrayLike<number>, start: number, end: number): [ArrayLike<number>, ArrayLike<number>] {
  const context = Math.max(end - start, CHART_CONTEXT_MIN_MS);
  const lo = start - context;
  const hi = end + context;
  let a = 0;
  while (a < t.length && (t[a] as number) < lo) a++;
  let b = t.length;
  while (b > a && (t[b - 1] as number) > hi) b--;
  if (b - a < 2 || (a === 0 && b === t.length)) return [t, v];
  return [Array.prototype.slice.call(t, a, b) as number[], Array.prototype.slice.call(v, a, b) as number[]];
}

function numaCounts(timeline: Timeline, node: string): { hitCount?: number; missCount?: number } {
  // the same counters localityPct is computed from
  const hit = timeline.fact('numa.local_node', { node });
  const miss = timeline.fact('numa.other_node', { node });
  return { ...(typeof hit === 'number' ? { hitCount: hit } : {}), ...(typeof miss === 'number' ? { missCount: miss } : {}) };
}

/**
 * Stretches where no source sampled anything: a gap longer than five
 * intervals of the densest series, so a reader does not take "no data" for
 * "all quiet".
 */
function collectionGaps(timeline: Timeline): { start: number; end: number }[] {
  const sampled = timeline.series.filter((s) => s.metric.startsWith('cpu.') || s.metric.startsWith('load.') || s.metric.startsWith('mem.'));
  // Typed arrays sort numerically in native code, without a JS comparator called for every
  // sample time of every CPU and memory series (most repeated column after column).
  const times = new Float64Array(sampled.reduce((n, s) => n + s.t.length, 0));
  let at = 0;
  for (const s of sampled) {
    times.set(s.t, at);
    at += s.t.length;
  }
  if (times.length < 3) return [];
  times.sort();
  const deltas = new Float64Array(times.length);
  let nDeltas = 0;
  for (let i = 1; i < times.length; i++) {
    const d = (times[i] as number) - (times[i - 1] as number);
    if (d > 0) deltas[nDeltas++] = d;
  }
  const positive = deltas.subarray(0, nDeltas).sort();
  const typical = positive[Math.floor(nDeltas / 2)] ?? 0;
  if (typical <= 0) return [];
  const gaps: { start: number; end: number }[] = [];
  for (let i = 1; i < times.length && gaps.length < 100; i++) {
    const d = (times[i] as number) - (times[i - 1] as number);
    if (d > typical * 5 && d > 5 * 60000) gaps.push({ start: times[i - 1] as number, end: times[i] as number });
  }
  return gaps;
}

/**
 * sos may hold the same day twice: `sarDD` text and `saDD.xml` from sadf -x.
 * The XML states its dates and zone explicitly, so it wins and the text's
 * samples for that day are dropped (with a note) instead of being doubled.
 */
function preferSarXml(store: RecordStore, diagnostics: Diagnostic[]): void {
  const xmlByDay = new Map<string, number[]>();
  store.files.forEach((f, idx) => {
    const day = SAR_XML_DAY.exec(f.path)?.[1];
    if (f.parser === 'sar-xml' && day && f.records > 0) xmlByDay.set(day, [...(xmlByDay.get(day) ?? []), idx]);
  });
  if (xmlByDay.size === 0) return;
  const texts = new Map<number, number[]>();
  store.files.forEach((f, idx) => {
    const day = SAR_TEXT_DAY.exec(f.path)?.[1];
    const xml = day === undefined ? undefined : xmlByDay.get(day);
    if (f.parser === 'sar' && xml) texts.set(idx, xml);
  });
  if (texts.size === 0) return;
  // sos renders the XML into sos_commands/sar/ while sysstat's own text of the day
  // may sit in var/log/sa/: the same day, unless the text is a month stale. Spans
  // are compared before the clock places them (text in local time, XML in UTC),
  // hence the slack of the widest zone offset.
  const span = store.timeSpans(new Set([...texts.keys(), ...[...texts.values()].flat()]));
  const SLACK_MS = 15 * 3600_000;
  const overlaps = (a: [number, number], b: [number, number] | undefined): boolean => b !== undefined && a[0] <= b[1] + SLACK_MS && b[0] <= a[1] + SLACK_MS;
  const dropped = new Set<number>();
  for (const [idx, xml] of texts) {
    const a = span.get(idx);
    if (a && xml.some((x) => overlaps(a, span.get(x)))) dropped.add(idx);
  }
  if (dropped.size === 0) return;
  for (const [key, raw] of store.raw) if (dropped.has(raw.fileIdx)) store.raw.delete(key);
  for (let i = store.events.length - 1; i >= 0; i--) if (dropped.has((store.events[i] as { fileIdx: number }).fileIdx)) store.events.splice(i, 1);
  for (const idx of dropped) diagnostics.push({ source: store.files[idx]?.path ?? '?', severity: 'info', message: 'the same day is in sadf -x XML, which states its dates explicitly; the XML was used instead of this text' });
}

/** The tool version plus a digest of the rules that ran: two reports with the same value used the same thresholds. */
function rulesetVersion(rules: RuleDef[]): string {
  const h = createHash('sha256');
  for (const r of [...rules].sort((a, b) => compareText(a.id, b.id))) h.update(ruleText(r));
  return `${VERSION}+${rules.length}.${h.digest('hex').slice(0, 8)}`;
}

// Per rule object (built-in rules are the same objects on every load, loader.ts): serialising
// every rule twice per analysis was ~2.5 ms of a batch worker's ~9 ms per small bundle.
const ruleTexts = new WeakMap<RuleDef, string>();
const ruleMetrics = new WeakMap<RuleDef, string[]>();

function ruleText(r: RuleDef): string {
  let text = ruleTexts.get(r);
  if (text === undefined) ruleTexts.set(r, (text = JSON.stringify({ ...r, file: path.basename(r.file) })));
  return text;
}

/**
 * The sample metrics anything downstream reads: rule signals and
 * requirements, metrics named in rule expressions (valueAt, peakOf, peakBetween, meanBetween), and the standard
 * charts. Everything else is dropped as it is parsed.
 */
export function neededMetrics(rules: RuleDef[]): Set<string> {
  const out = new Set<string>(STANDARD_METRICS);
  for (const r of rules) for (const m of metricsOf(r)) out.add(m);
  return out;
}

function metricsOf(r: RuleDef): string[] {
  const cached = ruleMetrics.get(r);
  if (cached) return cached;
  const out = new Set<string>();
  const addSignal = (sig: unknown): void => {
    if (typeof sig === 'string') out.add(sig);
    else if (sig !== null && typeof sig === 'object' && typeof (sig as { metric?: unknown }).metric === 'string') out.add((sig as { metric: string }).metric);
  };
  const d = r.detect;
  if (d.kind === 'threshold') Object.values(d.signals).forEach(addSignal);
  if (d.kind === 'trend') addSignal(d.signal);
  for (const req of r.requires) for (const alt of req.split('|')) if (!alt.includes(':') || alt.startsWith('metric:')) out.add(alt.replace(/^metric:/, '').trim());
  for (const m of JSON.stringify(r).matchAll(/(?:valueAt|peakOf|peakBetween|peakTimeBetween|meanBetween)\((?:\\"|')([\w.]+)(?:\\"|')/g)) if (m[1]) out.add(m[1]);
  const list = [...out];
  ruleMetrics.set(r, list);
  return list;
}
