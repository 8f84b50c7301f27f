/**
 * The report as one standalone HTML file: inline CSS, inline SVG charts, no
 * script, no external resource, system fonts only. The same file is what
 * Chromium prints to PDF, so print CSS lives here too.
 *
 * Escaping: Handlebars escapes every {{value}}; the only triple-stash values
 * are SVG from Vega (which escapes its text) and HTML from marked, whose
 * renderer below escapes raw HTML, drops images and keeps only http(s)/mailto
 * links, because rule text carries bundle values.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { Marked, type Tokens } from 'marked';
import type { Finding, Remediation } from '../model.js';
import { findingCharts, guestNodeMemoryChart, SEVERITY_COLOURS, standardCharts, swimlane, type ChartOut } from './charts.js';
import {
  actionItems,
  CHECK_STATUS_TEXT,
  checkTitle,
  confidenceWord,
  coverageTotals,
  checkDetail,
  corroboratorsOf,
  episodeFollowersOf,
  collectHints,
  dataGaps,
  describeLink,
  DUE_BY_PRIORITY,
  escapeHtml,
  formatConfidence,
  formatKiB,
  formatTime,
  formatWindow,
  gapRows,
  metricText,
  postmortem,
  rankFindings,
  resourceOf,
  thresholdGroups,
  verdict,
  zoneOf,
  settingsSummary,
} from './format.js';
import { GUIDANCE_SOURCE, kvmView } from './kvm.js';
import type { ReportModel } from './model.js';

const TEMPLATE_DIR = new URL('../../templates/', import.meta.url);
const PARTIALS = ['cover', 'summary', 'finding', 'remediation', 'chart', 'kvm', 'postmortem', 'appendix'] as const;

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
    image(token: Tokens.Image): string {
      // an image would be a network request; show its alt text instead
      return escapeHtml(token.text);
    },
    link(token: Tokens.Link): string {
      const inner = this.parser.parseInline(token.tokens);
      if (!SAFE_HREF.test(token.href)) return inner;
      return `<a href="${escapeHtml(token.href)}">${inner}</a>`;
    },
  },
});

/** Rule Markdown (block) → safe HTML. */
export function markdownToHtml(text: string): Handlebars.SafeString {
  return new Handlebars.SafeString(marked.parse(text, { async: false }));
}

/** Rule Markdown (one line) → safe inline HTML. */
export function markdownInline(text: string): Handlebars.SafeString {
  return new Handlebars.SafeString(marked.parseInline(text, { async: false }));
}

function svg(chart: ChartOut): { title: string; caption: string; svg: Handlebars.SafeString } {
  return { title: chart.title, caption: chart.caption, svg: new Handlebars.SafeString(chart.svg) };
}

let compiled: Handlebars.TemplateDelegate | null = null;
let css: string | null = null;

function template(): { render: Handlebars.TemplateDelegate; css: string } {
  if (!compiled || css === null) {
    const hb = Handlebars.create();
    for (const name of PARTIALS) {
      hb.registerPartial(name, readFileSync(new URL(`partials/${name}.hbs`, TEMPLATE_DIR), 'utf8'));
    }
    compiled = hb.compile(readFileSync(new URL('report.html.hbs', TEMPLATE_DIR), 'utf8'), { strict: false, preventIndent: true });
    css = readFileSync(new URL('report.css', TEMPLATE_DIR), 'utf8');
  }
  return { render: compiled, css };
}

function anchorOf(f: Finding, rank: number): string {
  return `finding-${rank}`;
}

function remediationView(r: Remediation) {
  return {
    action: r.action,
    detail: markdownToHtml(r.detail),
    expected: markdownInline(r.expectedImpact),
    risk: r.risk ? markdownInline(r.risk) : null,
    rollback: r.rollback ? markdownInline(r.rollback) : null,
    verify: r.verify ? markdownInline(r.verify) : null,
    reboot: r.reboot === undefined ? '' : r.reboot ? 'reboot needed' : 'no reboot',
    rebootClass: r.reboot ? 'tag-warn' : 'tag-ok',
  };
}

/** Builds the view the templates render: every string already formatted, nothing decided. */
export async function buildView(model: ReportModel): Promise<Record<string, unknown>> {
  const { report } = model;
  const zone = zoneOf(model);
  const b = report.bundle;
  const host = b.hostname ?? 'unknown host';
  const ranked = rankFindings(report.findings);
  const v = verdict(model);
  const items = actionItems(model);
  const gaps = dataGaps(model);
  const pm = postmortem(model);
  const totals = coverageTotals(model);
  const anchors = new Map(ranked.map((f, i) => [f.id, anchorOf(f, i + 1)]));

  const findings = [];
  for (const [i, f] of ranked.entries()) {
    const charts = (await findingCharts(model, zone, f.id)).map(svg);
    findings.push({
      anchor: anchors.get(f.id),
      rank: i + 1,
      title: f.title,
      severity: f.severity,
      cls: f.class,
      resource: resourceOf(f.class),
      confidence: formatConfidence(f.confidence),
      confidenceWord: confidenceWord(f.confidence),
      score: f.score,
      rule: f.rule,
      message: markdownToHtml(f.message),
      when: formatWindow(zone, f.window),
      subject: Object.entries(f.subject)
        .filter(([, val]) => val !== undefined && val !== '')
        .map(([k, val]) => ({ k, v: String(val) })),
      metrics: Object.entries(f.metrics).map(([k, val]) => ({ k, v: metricText(k, val) })),
      charts,
      evidence: f.evidence.map((e) => ({ loc: `${e.source}:${e.line}`, text: e.text, note: e.note ?? null })),
      reasoning: f.reasoning.map((r) => markdownInline(r)),
      causes: f.causes.map((c) => ({ text: describeLink(model, c), anchor: anchors.get(c) ?? null })),
      effects: f.effects.map((c) => ({ text: describeLink(model, c), anchor: anchors.get(c) ?? null })),
      sameEpisodeAs: (f.sameEpisodeAs ?? []).map((c) => ({ text: describeLink(model, c), anchor: anchors.get(c) ?? null })),
      corroboratedBy: corroboratorsOf(model, f).map((c) => ({ text: c.title, anchor: anchors.get(c.id) ?? null })),
      episode: episodeFollowersOf(model, f).map((c) => ({ text: c.title, anchor: anchors.get(c.id) ?? null })),
      remediation: f.remediation.map(remediationView),
      references: f.references.map((r) => ({ text: r, href: SAFE_HREF.test(r) ? r : null })),
    });
  }

  const timeline = await swimlane(model, zone);
  const standard = (await standardCharts(model, zone)).map(svg);
  const kvm = kvmView(model);
  const kvmMemoryChart = kvm ? await guestNodeMemoryChart(model) : null;
  const checks = report.analysis.checks;
  const count = (s: string): number => checks.filter((c) => c.status === s).length;
  const sevCounts = (['critical', 'high', 'medium', 'low', 'info'] as const)
    .map((s) => ({ severity: s, n: report.findings.filter((f) => f.severity === s).length }))
    .filter((x) => x.n > 0);

  return {
    lang: 'en',
    host,
    title: `sosmortem report: ${host}`,
    paper: model.options.paper,
    redacted: model.options.redact,
    cover: [
      { k: 'Host', v: host },
      { k: 'Bundle', v: b.path, mono: true },
      { k: 'Bundle hash', v: report.analysis.bundleHash ?? '—', mono: true },
      { k: 'Collected', v: formatTime(zone, b.collectedAt) },
      { k: 'Analysis window', v: formatWindow(zone, report.analysis.window) },
      { k: 'Time zone', v: model.zone },
      ...(b.os ? [{ k: 'OS', v: b.os }] : []),
      { k: 'Kernel', v: b.kernel ?? '—', mono: true },
      { k: 'CPUs / NUMA nodes', v: `${b.cpus ?? '—'} / ${b.numaNodes ?? '—'}` },
      { k: 'Memory', v: b.memTotalKiB === null ? '—' : formatKiB(b.memTotalKiB) },
      { k: 'Boot', v: formatTime(zone, b.bootTime) },
      { k: 'Ruleset', v: report.analysis.rulesetVersion },
      { k: 'Generated by', v: `${report.tool.name} ${report.tool.version}` },
    ],
    verdict: v.line,
    verdictSeverity: v.top?.severity ?? 'ok',
    sevCounts,
    findingCount: ranked.length,
    topRemediations: items.slice(0, 3).map((a) => ({
      ...remediationView(a.remediation),
      finding: a.finding.title,
      anchor: anchors.get(a.finding.id),
      priority: a.priority,
    })),
    gapChecks: gaps.checks.map((c) => ({ title: checkTitle(c), status: CHECK_STATUS_TEXT[c.status], detail: c.detail })),
    gapErrors: gaps.errors.map((d) => ({ loc: d.source + (d.line ? `:${d.line}` : ''), message: d.message })),
    hasGaps: gaps.checks.length + gaps.errors.length > 0,
    gapCollect: collectHints(gaps.checks).map((h) => ({ hint: h.hint, rules: h.rules.join(', ') })),
    table: ranked.map((f, i) => ({
      rank: i + 1,
      anchor: anchors.get(f.id),
      title: f.title,
      cls: f.class,
      resource: resourceOf(f.class),
      severity: f.severity,
      confidence: formatConfidence(f.confidence),
      score: f.score,
      firstDate: formatTime(zone, f.window?.start).slice(0, 10),
      firstTime: formatTime(zone, f.window?.start).slice(11),
      lastDate: formatTime(zone, f.window?.end).slice(0, 10),
      lastTime: formatTime(zone, f.window?.end).slice(11),
      evidence: f.evidence.length,
      sameAs: (f.sameEpisodeAs ?? []).flatMap((id) => {
        const at = ranked.findIndex((g) => g.id === id);
        return at < 0 ? [] : [{ rank: at + 1, anchor: anchors.get(id) }];
      }),
    })),
    timeline: timeline ? svg(timeline) : null,
    findings,
    standard,
    postmortem: pm
      ? {
          ...pm,
          actions: items.map((a) => ({ priority: a.priority, action: a.remediation.action, finding: a.finding.title, anchor: anchors.get(a.finding.id), due: DUE_BY_PRIORITY[a.priority] })),
        }
      : null,
    checks: checks.map((c) => ({ rule: c.rule, title: checkTitle(c), status: CHECK_STATUS_TEXT[c.status], statusClass: `st-${c.status}`, detail: checkDetail(c) })),
    checkSummary: `${checks.length} rule(s) ran: ${count('clear')} healthy, ${count('fired')} fired, ${count('no-data')} without data, ${count('error')} failed${count('not-applicable') > 0 ? `, ${count('not-applicable')} not applicable` : ''}.`,
    coverage: report.coverage.map((c) => ({
      source: c.source,
      files: c.files,
      missing: c.files.length === 0,
      records: c.records,
      from: formatTime(zone, c.from),
      to: formatTime(zone, c.to),
      format: c.format ?? '—',
      diagnostics: c.diagnostics,
    })),
    coverageSummary: `${totals.sources} source(s), ${totals.files} file(s), ${totals.records} record(s). Times are wall clock in ${model.zone}.`,
    kvm: kvm ? { ...kvm, source: GUIDANCE_SOURCE, memoryChart: kvmMemoryChart ? svg(kvmMemoryChart) : null } : null,
    settings: report.analysis.settings ? { summary: settingsSummary(report.analysis.settings), drift: report.analysis.settings.drift.map((d) => ({ ...d, where: `${d.source}:${d.line}` })) } : null,
    thresholds: thresholdGroups(model).map((g) => {
      const rows = g.rows.map((r) => ({ ...r, href: r.ref && SAFE_HREF.test(r.ref) ? r.ref : null }));
      return { rule: g.rule, span: rows.length, first: rows[0], rest: rows.slice(1) };
    }),
    thresholdCount: model.thresholds?.length ?? 0,
    collectionGaps: gapRows(model),
    diagnostics: report.diagnostics.map((d) => ({ severity: d.severity, loc: d.source + (d.line ? `:${d.line}` : ''), message: d.message })),
    severityColours: SEVERITY_COLOURS,
  };
}

export async function renderHtml(model: ReportModel): Promise<string> {
  const view = await buildView(model);
  const t = template();
  const pageCss = `@page { size: ${model.options.paper === 'Letter' ? 'Letter' : 'A4'}; margin: 16mm 14mm; }`;
  return t.render({ ...view, css: new Handlebars.SafeString(`${pageCss}\n${t.css}`) });
}
