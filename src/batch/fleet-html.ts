/**
 * fleet.html: one standalone page (inline CSS and SVG, no script, no URL),
 * also printed to fleet.pdf. Handlebars escapes every value; the only
 * triple-stash values are SVG from Vega.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { TopLevelSpec } from 'vega-lite';
import { renderSpec, SEVERITY_COLOURS } from '../report/charts.js';
import type { FleetSummary } from './fleet.js';
import { compareText } from '../compare-text.js';

const TEMPLATE_DIR = new URL('../../templates/', import.meta.url);
/** beyond this many hosts a heatmap is unreadable on paper; the most affected are drawn */
const HEATMAP_MAX_HOSTS = 60;
const FREQUENCY_MAX_RULES = 25;
const FIXES_MAX = 30;

function frequencySpec(s: FleetSummary): TopLevelSpec {
  const values = s.frequency.slice(0, FREQUENCY_MAX_RULES).map((f) => ({ rule: f.title.length > 60 ? `${f.title.slice(0, 59)}…` : f.title, bundles: f.bundles, severity: f.worst }));
  return {
    width: 420,
    height: { step: 16 },
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'rule', type: 'nominal', sort: '-x', title: null },
      x: { field: 'bundles', type: 'quantitative', title: 'bundles with this finding' },
      color: { field: 'severity', type: 'nominal', scale: { domain: Object.keys(SEVERITY_COLOURS), range: Object.values(SEVERITY_COLOURS) }, legend: { orient: 'bottom' } },
    },
  };
}

function heatmapSpec(s: FleetSummary): { spec: TopLevelSpec; shown: number } {
  const load = new Map<string, number>();
  for (const c of s.heatmap.cells) load.set(c.host, (load.get(c.host) ?? 0) + c.bundles);
  const hosts = [...load].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).slice(0, HEATMAP_MAX_HOSTS).map(([h]) => h).sort();
  const keep = new Set(hosts);
  const values = s.heatmap.cells.filter((c) => keep.has(c.host));
  return {
    shown: hosts.length,
    spec: {
      width: { step: 22 },
      height: { step: 14 },
      data: { values },
      mark: { type: 'rect', tooltip: false },
      encoding: {
        x: { field: 'class', type: 'nominal', title: null, axis: { labelAngle: -40 }, scale: { domain: s.heatmap.classes } },
        y: { field: 'host', type: 'nominal', title: null, scale: { domain: hosts } },
        color: { field: 'bundles', type: 'quantitative', title: 'bundles', scale: { scheme: 'oranges' } },
      },
    },
  };
}

let compiled: Handlebars.TemplateDelegate | null = null;

function template(): Handlebars.TemplateDelegate {
  if (compiled) return compiled;
  const hb = Handlebars.create();
  hb.registerHelper('join', (list: unknown) => (Array.isArray(list) ? list.join(', ') : ''));
  hb.registerHelper('day', (iso: unknown) => (typeof iso === 'string' ? iso.slice(0, 16).replace('T', ' ') : '–'));
  compiled = hb.compile(readFileSync(new URL('fleet.html.hbs', TEMPLATE_DIR), 'utf8'), { strict: false, preventIndent: true });
  return compiled;
}

/** Rows of the settings table: past these, the summary's JSON has the rest. */
const SETTINGS_MAX = 40;

export async function renderFleetHtml(s: FleetSummary): Promise<string> {
  const css = readFileSync(new URL('report.css', TEMPLATE_DIR), 'utf8');
  const frequencySvg = s.frequency.length ? await renderSpec(frequencySpec(s)) : null;
  const heat = s.heatmap.cells.length ? heatmapSpec(s) : null;
  const heatmapSvg = heat ? await renderSpec(heat.spec) : null;
  return template()({
    css,
    s,
    frequencySvg,
    heatmapSvg,
    heatmapNote: heat && heat.shown < s.heatmap.hosts.length ? `the ${heat.shown} most affected of ${s.heatmap.hosts.length} hosts` : null,
    errors: s.bundles.filter((b) => b.status === 'error'),
    fixes: s.fixes.slice(0, FIXES_MAX),
    settingsDrift: (s.settings?.drift ?? []).slice(0, SETTINGS_MAX),
    histories: s.histories.map((h) => ({ ...h, steps: h.steps.map((st) => ({ ...st, quiet: st.changes.length === 0 })) })),
  });
}
