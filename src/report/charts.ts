/**
 * Charts as static SVG strings, drawn by Vega-Lite in Node (no browser, no
 * canvas, no scripts in the output). vega and vega-lite load lazily: only the
 * HTML/PDF paths pay for them. Times are shifted into the bundle's zone and
 * drawn on a UTC scale, so axes read as the bundle's wall clock whatever the
 * zone of the machine that renders the report.
 */
import type { TopLevelSpec } from 'vega-lite';
import { SEVERITIES, type Finding } from '../model.js';
import { offsetAt, type Zone } from '../timeline/clock.js';
import { findingWindowMs, rankFindings } from './format.js';
import { packedVegaLib, type VegaLib } from './vega-cache.js';
import type { ChartSeries, FindingChart, ReportModel } from './model.js';
import { compareText } from '../compare-text.js';

export const CHART_WIDTH = 640;
const FONT = "'Noto Sans', 'DejaVu Sans', sans-serif";
export const PALETTE = ['#2f6db5', '#e07b1f', '#2a9d8f', '#c0392b', '#7b5ea7', '#8c6d1f', '#d45087', '#5c6b7a'];
export const SEVERITY_COLOURS: Record<Finding['severity'], string> = {
  critical: '#9b1c1c',
  high: '#c2410c',
  medium: '#b7791f',
  low: '#2b6cb0',
  info: '#64748b',
};

export interface ChartOut {
  title: string;
  caption: string;
  svg: string;
}

let vegaLib: Promise<VegaLib> | null = null;

function loadVega(): Promise<VegaLib> {
  vegaLib ??= (async () => packedVegaLib() ?? (await import('./vega-lib.js')))();
  return vegaLib;
}

/** Compiles and renders one Vega-Lite spec to an inline-ready SVG string. */
export async function renderSpec(spec: TopLevelSpec): Promise<string> {
  const { compile, toSvg } = await loadVega();
  const svg = await toSvg(compile(spec).spec);
  // ids (clip paths, gradients) share one namespace once many SVGs are inlined in one page
  const prefix = `c${fnv1a(svg)}-`;
  // inline SVG in HTML needs no namespaces; dropping them keeps the file free of URLs
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}${id})`)
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/<svg /, '<svg role="img" preserveAspectRatio="xMinYMin meet" ');
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

const baseConfig = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  axis: {
    labelFontSize: 10,
    titleFontSize: 10,
    titleFontWeight: 'normal' as const,
    titleColor: '#475569',
    labelColor: '#475569',
    gridColor: '#e5e7eb',
    domainColor: '#94a3b8',
    tickColor: '#94a3b8',
  },
  legend: { orient: 'top' as const, labelFontSize: 10, titleFontSize: 10, symbolSize: 60, labelLimit: 220 },
  range: { category: PALETTE },
};

/** Wall clock of the bundle's zone, encoded as UTC for Vega's utc scale. */
export function shift(zone: Zone, t: number): number {
  return t + offsetAt(zone, t) * 60000;
}

/** Keeps the min and max of each time bucket so spikes survive the reduction. */
export function downsample(points: readonly [number, number][], max = 360): [number, number][] {
  if (points.length <= max) return [...points];
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return [];
  const buckets = Math.floor(max / 2);
  const width = (last[0] - first[0]) / buckets || 1;
  const out: [number, number][] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < points.length; b++) {
    const end = first[0] + (b + 1) * width;
    let lo: [number, number] | null = null;
    let hi: [number, number] | null = null;
    while (i < points.length) {
      const p = points[i];
      if (!p || (p[0] > end && b < buckets - 1)) break;
      if (!lo || p[1] < lo[1]) lo = p;
      if (!hi || p[1] > hi[1]) hi = p;
      i++;
    }
    if (lo && hi) {
      if (lo === hi) out.push(lo);
      else if (lo[0] < hi[0]) out.push(lo, hi);
      else out.push(hi, lo);
    }
  }
  return out;
}

interface Scale {
  divisor: number;
  unit: string;
}

/** KiB series are drawn in MiB or GiB; other units as they come. */
function scaleFor(unit: string, maxValue: number): Scale {
  if (unit === 'KiB') {
    if (maxValue >= 4 * 1024 * 1024) return { divisor: 1024 * 1024, unit: 'GiB' };
    if (maxValue >= 4 * 1024) return { divisor: 1024, unit: 'MiB' };
  }
  return { divisor: 1, unit };
}

export function seriesName(s: ChartSeries): string {
  const short = s.metric.replace(/^[a-z]+\./, '').replace(/(Pct|KiB|PagesPerSec|PerSec|Ms)$/, '');
  const labels = Object.entries(s.labels)
    .filter(([k]) => k !== 'cpu' && k !== 'user')
    .map(([k, v]) => (k === 'device' || k === 'comm' ? v : `${k}=${v}`));
  return labels.length ? `${short} ${labels.join(' ')}` : short;
}

export interface Row {
  t: number;
  v: number;
  s: string;
}

function rowsOf(zone: Zone, series: readonly ChartSeries[], divisor: number, name = seriesName): Row[] {
  const rows: Row[] = [];
  for (const s of series) {
    const label = name(s);
    for (const [t, v] of downsample(s.points)) rows.push({ t: shift(zone, t), v: v / divisor, s: label });
  }
  return rows;
}

export interface Frame {
  zone: Zone;
  zoneName: string;
  domain: [number, number];
  format: string;
  /** collection gaps, shifted and clipped to the domain */
  gaps: { a: number; b: number }[];
}

export function frameOf(model: ReportModel, zone: Zone): Frame | null {
  let start = model.span?.start;
  let end = model.span?.end;
  if (start === undefined || end === undefined) {
    const ts = model.series.flatMap((s) => s.points.map((p) => p[0]));
    if (ts.length === 0) return null;
    start = Math.min(...ts);
    end = Math.max(...ts);
  }
  return frameSpanning(model, zone, start, end);
}

/** A frame over [start, end] (UTC ms): the time axis's format and the collection gaps inside it. */
function frameSpanning(model: ReportModel, zone: Zone, start: number, end: number): Frame {
  if (end <= start) end = start + 60000;
  const long = end - start > 36 * 3600000;
  const domain: [number, number] = [shift(zone, start), shift(zone, end)];
  const gaps = (model.gaps ?? [])
    .map((g) => ({ a: Math.max(domain[0], shift(zone, g.start)), b: Math.min(domain[1], shift(zone, g.end)) }))
    .filter((g) => g.b > g.a);
  // Under a quarter hour, 8 ticks fall less than a minute apart: minutes alone would repeat.
  const format = long ? '%m-%d %H:%M' : end - start < 15 * 60000 ? '%H:%M:%S' : '%H:%M';
  return { zone, zoneName: model.zone, domain, format, gaps };
}

/** Grey bands where nothing was sampled, so "no data" is not read as "all quiet". */
function gapLayer(frame: Frame): object[] {
  if (frame.gaps.length === 0) return [];
  return [
    {
      data: { values: frame.gaps },
      mark: { type: 'rect', color: '#9aa5b1', opacity: 0.3 },
      encoding: { x: xEnc(frame, 'a'), x2: { field: 'b' } },
    },
  ];
}

function xEnc(frame: Frame, field = 't', title = true): Record<string, unknown> {
  return {
    field,
    type: 'temporal',
    scale: { type: 'utc', domain: frame.domain },
    axis: { format: frame.format, title: title ? `time (${frame.zoneName})` : null, labelOverlap: true, tickCount: 8 },
  };
}

interface LineChartInput {
  rows: Row[];
  yTitle: string;
  height?: number;
  stacked?: boolean;
  threshold?: number;
  thresholdLabel?: string;
  window?: [number, number] | null;
  fit?: { a: number; b: number; va: number; vb: number } | null;
  order?: string[];
  yMin?: number;
  yMax?: number;
}

/**
 * A row without a value in the middle of each collection gap a series spans:
 * Vega-Lite breaks a line or area at it, where it would otherwise draw a
 * straight ramp across the hours nothing was sampled.
 */
export function withGapBreaks(frame: Frame, rows: Row[]): (Row | (Omit<Row, 'v'> & { v: null }))[] {
  if (frame.gaps.length === 0) return rows;
  const span = new Map<string, { first: number; last: number; row: Row }>();
  for (const r of rows) {
    const s = span.get(r.s);
    if (!s) span.set(r.s, { first: r.t, last: r.t, row: r });
    else {
      s.first = Math.min(s.first, r.t);
      s.last = Math.max(s.last, r.t);
    }
  }
  const breaks: (Omit<Row, 'v'> & { v: null })[] = [];
  for (const { first, last, row } of span.values()) {
    for (const g of frame.gaps) if (first < g.a && last > g.b) breaks.push({ ...row, t: (g.a + g.b) / 2, v: null });
  }
  return breaks.length === 0 ? rows : [...rows, ...breaks];
}

function lineSpec(frame: Frame, c: LineChartInput): TopLevelSpec {
  const layers: object[] = [...gapLayer(frame)];
  if (c.window) {
    layers.push({
      data: { values: [{ a: c.window[0], b: c.window[1] }] },
      mark: { type: 'rect', color: '#f59e0b', opacity: 0.13 },
      encoding: { x: xEnc(frame, 'a'), x2: { field: 'b' } },
    });
  }
  if (c.threshold !== undefined) {
    // the band above the threshold: where the signal counts against the rule
    layers.push({
      data: { values: [{ y: c.threshold }] },
      mark: { type: 'rect', color: '#dc2626', opacity: 0.06 },
      encoding: { y: { field: 'y', type: 'quantitative' }, y2: { value: 0 } },
    });
  }
  const colour = {
    field: 's',
    type: 'nominal',
    title: null,
    ...(c.order ? { sort: c.order, scale: { domain: c.order, range: PALETTE.slice(0, c.order.length) } } : {}),
  };
  layers.push({
    data: { values: withGapBreaks(frame, c.rows) },
    mark: c.stacked ? { type: 'area', opacity: 0.85, line: false } : { type: 'line', strokeWidth: 1.4, interpolate: 'linear' },
    encoding: {
      x: xEnc(frame),
      y: {
        field: 'v',
        type: 'quantitative',
        title: c.yTitle,
        ...(c.stacked ? { stack: 'zero' } : { stack: null }),
        scale: { zero: true, nice: true, ...(c.yMin !== undefined ? { domainMin: c.yMin } : {}), ...(c.yMax !== undefined ? { domainMax: c.yMax } : {}) },
      },
      color: colour,
      ...(c.stacked && c.order ? { order: { field: 'o', type: 'quantitative' } } : {}),
    },
  });
  if (c.fit) {
    layers.push({
      data: { values: [{ t: c.fit.a, v: c.fit.va }, { t: c.fit.b, v: c.fit.vb }] },
      mark: { type: 'line', strokeDash: [6, 4], color: '#334155', strokeWidth: 1.2, clip: true },
      encoding: { x: xEnc(frame), y: { field: 'v', type: 'quantitative' } },
    });
  }
  if (c.threshold !== undefined) {
    layers.push({
      data: { values: [{ y: c.threshold, label: c.thresholdLabel ?? `threshold ${c.threshold}` }] },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 3], color: '#b91c1c', strokeWidth: 1.2 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -2, dy: -2, fontSize: 9, color: '#b91c1c' },
          encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: CHART_WIDTH }, text: { field: 'label' } },
        },
      ],
    });
  }
  const spec = {
    width: CHART_WIDTH,
    height: c.height ?? 140,
    padding: 4,
    config: baseConfig,
    layer: layers,
  };
  return toSpec(spec);
}

/**
 * Our specs are built from plain objects (layers differ in shape); Vega-Lite
 * validates them at compile time, so a structural check here adds nothing.
 */
function toSpec(spec: object): TopLevelSpec {
  return spec as TopLevelSpec;
}

function pick(model: ReportModel, metric: string, pred: (s: ChartSeries) => boolean = () => true): ChartSeries[] {
  return model.series.filter((s) => s.metric === metric && pred(s));
}

function peak(s: ChartSeries): number {
  let m = -Infinity;
  for (const p of s.points) if (p[1] > m) m = p[1];
  return m;
}

/** The charts every report carries when the data is there. */
export async function standardCharts(model: ReportModel, zone: Zone): Promise<ChartOut[]> {
  const frame = frameOf(model, zone);
  if (!frame) return [];
  const out: ChartOut[] = [];
  const all = (s: ChartSeries): boolean => (s.labels['cpu'] ?? 'all') === 'all';

  const cpuParts: [string, string][] = [
    ['cpu.userPct', 'user'],
    ['cpu.systemPct', 'system'],
    ['cpu.iowaitPct', 'iowait'],
    ['cpu.stealPct', 'steal'],
  ];
  const cpuRows: (Row & { o: number })[] = [];
  cpuParts.forEach(([metric, name], o) => {
    for (const s of pick(model, metric, all)) for (const r of rowsOf(zone, [s], 1, () => name)) cpuRows.push({ ...r, o });
  });
  if (cpuRows.length) {
    out.push({
      title: 'CPU utilisation',
      caption: 'All CPUs, stacked: user, system, I/O wait, steal (percent of CPU time).',
      svg: await renderSpec(lineSpec(frame, { rows: cpuRows, yTitle: '% CPU', stacked: true, yMax: 100, order: cpuParts.map((p) => p[1]) })),
    });
  }

  const runq = pick(model, 'load.runQueue');
  if (runq.length) {
    const cpus = model.report.bundle.cpus;
    out.push({
      title: 'Run queue vs CPU count',
      caption: cpus
        ? `Runnable tasks (sar runq-sz / vmstat r); the dashed line is the CPU count (${cpus}): above it, tasks wait for a CPU.`
        : 'Runnable tasks (sar runq-sz / vmstat r). The CPU count is not known.',
      svg: await renderSpec(
        lineSpec(frame, {
          rows: rowsOf(zone, runq, 1, () => 'run queue'),
          yTitle: 'tasks',
          ...(cpus ? { threshold: cpus, thresholdLabel: `${cpus} CPUs` } : {}),
        }),
      ),
    });
  }

  const mem = [...pick(model, 'mem.availableKiB'), ...pick(model, 'mem.commitKiB')];
  if (mem.length) {
    const total = model.report.bundle.memTotalKiB;
    const max = Math.max(...mem.map(peak), total ?? 0);
    const sc = scaleFor('KiB', max);
    out.push({
      title: 'Memory available and committed',
      caption: total ? `The dashed line is installed RAM (${Math.round((total / sc.divisor) * 10) / 10} ${sc.unit}).` : 'Installed RAM is not known.',
      svg: await renderSpec(
        lineSpec(frame, {
          rows: rowsOf(zone, mem, sc.divisor),
          yTitle: sc.unit,
          ...(total ? { threshold: total / sc.divisor, thresholdLabel: 'RAM' } : {}),
        }),
      ),
    });
  }

  const paging = [...pick(model, 'swap.inPagesPerSec'), ...pick(model, 'swap.outPagesPerSec'), ...pick(model, 'paging.majfltPerSec')];
  if (paging.length) {
    const names: Record<string, string> = {
      'swap.inPagesPerSec': 'swap in (pages/s)',
      'swap.outPagesPerSec': 'swap out (pages/s)',
      'paging.majfltPerSec': 'major faults/s',
    };
    out.push({
      title: 'Swapping and major faults',
      caption: 'Any sustained swap-out means memory ran out (Netflix); pmie flags ≥ 5 pages/s.',
      svg: await renderSpec(lineSpec(frame, { rows: rowsOf(zone, paging, 1, (s) => names[s.metric] ?? s.metric), yTitle: 'per second' })),
    });
  }

  const psiNames: [string, string][] = [
    ['pressure.cpu.somePct', 'CPU'],
    ['pressure.io.somePct', 'I/O'],
    ['pressure.memory.somePct', 'memory'],
  ];
  const psi = psiNames.flatMap(([metric]) => pick(model, metric));
  if (psi.length) {
    const name = (s: ChartSeries): string => psiNames.find(([metric]) => metric === s.metric)?.[1] ?? s.metric;
    out.push({
      title: 'Pressure stalls (PSI)',
      caption: "Share of each interval in which at least one task waited for a CPU, for I/O or for memory (sar -q CPU, IO, MEM). The dashed line is the kernel's example trigger, 15%.",
      svg: await renderSpec(
        lineSpec(frame, {
          rows: rowsOf(zone, psi, 1, name),
          yTitle: '% of time',
          threshold: 15,
          thresholdLabel: '15%',
          order: psiNames.map(([, n]) => n).filter((n) => psi.some((s) => name(s) === n)),
        }),
      ),
    });
  }

  const util = pick(model, 'disk.utilPct');
  if (util.length > 50) {
    out.push({
      title: `Disk %util heatmap (${util.length} devices)`,
      caption: 'One row per device, sorted by peak; darker is busier. Top-N line charts would hide most devices at this count.',
      svg: await renderSpec(heatmapSpec(frame, zone, util)),
    });
  } else if (util.length) {
    const top = [...util].sort((a, b) => peak(b) - peak(a) || compareText(seriesName(a), seriesName(b))).slice(0, 5);
    const devices = top.map((s) => s.labels['device'] ?? seriesName(s));
    const dev = (s: ChartSeries): string => s.labels['device'] ?? seriesName(s);
    out.push({
      title: `Disk %util, top ${top.length} of ${util.length} by peak`,
      caption: '%util near 100 is saturation for a single disk, not for arrays or dm devices, which serve requests in parallel.',
      svg: await renderSpec(lineSpec(frame, { rows: rowsOf(zone, top, 1, dev), yTitle: '%util', order: devices })),
    });
    const awaitSeries = devices
      .map((d) => pick(model, 'disk.awaitMs', (s) => s.labels['device'] === d)[0])
      .filter((s): s is ChartSeries => s !== undefined);
    if (awaitSeries.length) {
      out.push({
        title: 'Disk await, same devices',
        caption: 'Average time a request spends queued and in service (ms).',
        svg: await renderSpec(lineSpec(frame, { rows: rowsOf(zone, awaitSeries, 1, dev), yTitle: 'ms', order: devices.filter((d) => awaitSeries.some((s) => s.labels['device'] === d)) })),
      });
    }
  }
  const numa = await numaLocalityChart(model);
  if (numa) out.push(numa);
  if (frame.gaps.length) for (const c of out) if (c !== numa) c.caption += ' Grey bands: collection gaps (no samples).';
  return out;
}

/** Locality per host node against the 90% (expected) and 60% (severe) lines of the numa-cross-node rule. */
export async function numaLocalityChart(model: ReportModel): Promise<ChartOut | null> {
  const numa = [...(model.numa ?? [])].sort((a, b) => Number(a.node) - Number(b.node) || compareText(a.node, b.node));
  if (numa.length === 0) return null;
  const th = (name: string, fallback: number): number => model.thresholds?.find((t) => t.rule === 'numa-cross-node' && t.name === name)?.value ?? fallback;
  const good = th('minLocalityPct', 90);
  const severe = th('severeLocalityPct', 60);
  const rows = numa.map((n) => ({
    node: `node ${n.node}`,
    v: Math.round(n.localityPct * 10) / 10,
    band: n.localityPct >= good ? `≥ ${good}%` : n.localityPct > severe ? `${severe}–${good}%` : `≤ ${severe}%`,
    label: `${trimPct(n.localityPct)}`,
  }));
  const bands = [`≥ ${good}%`, `${severe}–${good}%`, `≤ ${severe}%`];
  const x = { field: 'node', type: 'nominal', title: null, sort: rows.map((r) => r.node), axis: { labelAngle: 0 } };
  const width = Math.min(CHART_WIDTH, Math.max(260, numa.length * 70));
  const spec = toSpec({
    width,
    height: 140,
    padding: 4,
    config: baseConfig,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'bar', width: { band: 0.6 } },
        encoding: {
          x,
          // the reference values are ticks, so the dashed lines need no labels that could cover a bar
          y: { field: 'v', type: 'quantitative', title: '% local', scale: { domain: [0, 100] }, axis: { values: [0, 30, severe, good].filter((v, i, a) => a.indexOf(v) === i).sort((p, q) => p - q) } },
          color: { field: 'band', type: 'nominal', title: 'locality', scale: { domain: bands, range: ['#2a9d8f', '#e0a31f', '#c0392b'] } },
        },
      },
      {
        data: { values: rows },
        mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 9, color: '#334155' },
        encoding: { x, y: { field: 'v', type: 'quantitative' }, text: { field: 'label' } },
      },
      {
        data: { values: [{ y: good }, { y: severe }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#b91c1c', strokeWidth: 1 },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
    ],
  });
  const counts = numa.some((n) => n.hitCount !== undefined);
  return {
    title: 'NUMA locality per node',
    caption:
      `Share of each node's allocated pages that went to tasks running on that node's CPUs (local_node / (local_node + other_node), since boot; the kernel counts both on the node the page came from). ` +
      `Dashed: ${good}% expected and ${severe}% severe (VMware practice; no Linux threshold is published).` +
      (counts ? ` Pages since boot: ${numa.map((n) => `node ${n.node} ${pages(n.hitCount)} local / ${pages(n.missCount)} remote`).join(', ')}.` : ''),
    svg: await renderSpec(spec),
  };
}

function pages(n: number | undefined): string {
  return n === undefined ? '?' : String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

function trimPct(v: number): string {
  return `${Math.round(v * 10) / 10}%`;
}

/** Stacked bars: how much of each guest's qemu memory sits on each host node. */
export async function guestNodeMemoryChart(model: ReportModel): Promise<ChartOut | null> {
  const guests = (model.kvm?.guests ?? []).filter((g) => g.memoryByNodeMiB && Object.keys(g.memoryByNodeMiB).length);
  if (guests.length === 0) return null;
  const max = Math.max(...guests.map((g) => Object.values(g.memoryByNodeMiB ?? {}).reduce((s, v) => s + v, 0)));
  const gib = max >= 4096;
  const rows: { guest: string; node: string; v: number; o: number }[] = [];
  const nodes = [...new Set(guests.flatMap((g) => Object.keys(g.memoryByNodeMiB ?? {})))].sort((a, b) => Number(a) - Number(b));
  for (const g of guests) {
    for (const [node, v] of Object.entries(g.memoryByNodeMiB ?? {})) {
      rows.push({ guest: g.domain, node: `node ${node}`, v: Math.round((gib ? v / 1024 : v) * 10) / 10, o: nodes.indexOf(node) });
    }
  }
  const nodeNames = nodes.map((n) => `node ${n}`);
  const spec = toSpec({
    width: CHART_WIDTH - 120,
    height: Math.max(40, guests.length * 22),
    padding: 4,
    config: { ...baseConfig, axisY: { labelLimit: 160 } },
    data: { values: rows },
    mark: { type: 'bar', height: { band: 0.7 } },
    encoding: {
      y: { field: 'guest', type: 'nominal', title: null, sort: guests.map((g) => g.domain) },
      x: { field: 'v', type: 'quantitative', stack: 'zero', title: gib ? 'GiB' : 'MiB' },
      color: { field: 'node', type: 'nominal', title: 'host node', scale: { domain: nodeNames, range: PALETTE.slice(0, nodeNames.length) } },
      order: { field: 'o', type: 'quantitative' },
    },
  });
  return {
    title: 'Guest memory per host NUMA node',
    caption: 'Resident memory of each guest\'s qemu process per node (numastat -p). A guest whose memory is split across nodes pays remote latency on part of it.',
    svg: await renderSpec(spec),
  };
}

function heatmapSpec(frame: Frame, zone: Zone, util: readonly ChartSeries[]): TopLevelSpec {
  const buckets = 120;
  const [d0, d1] = frame.domain;
  const width = (d1 - d0) / buckets;
  const sorted = [...util].sort((a, b) => peak(b) - peak(a));
  const rows: { a: number; b: number; d: string; v: number }[] = [];
  for (const s of sorted) {
    const sums = new Array<number>(buckets).fill(0);
    const counts = new Array<number>(buckets).fill(0);
    for (const [t, v] of s.points) {
      const i = Math.min(buckets - 1, Math.max(0, Math.floor((shift(zone, t) - d0) / width)));
      sums[i] = (sums[i] ?? 0) + v;
      counts[i] = (counts[i] ?? 0) + 1;
    }
    const name = s.labels['device'] ?? seriesName(s);
    for (let i = 0; i < buckets; i++) {
      const n = counts[i] ?? 0;
      if (n > 0) rows.push({ a: d0 + i * width, b: d0 + (i + 1) * width, d: name, v: Math.round(((sums[i] ?? 0) / n) * 10) / 10 });
    }
  }
  const names = sorted.map((s) => s.labels['device'] ?? seriesName(s));
  return toSpec({
    width: CHART_WIDTH,
    height: Math.min(900, names.length * 7),
    padding: 4,
    config: { ...baseConfig, axisY: { labelFontSize: names.length > 80 ? 5 : 6 } },
    data: { values: rows },
    mark: { type: 'rect' },
    encoding: {
      x: xEnc(frame, 'a'),
      x2: { field: 'b' },
      y: { field: 'd', type: 'ordinal', sort: names, title: null },
      color: { field: 'v', type: 'quantitative', title: '%util', scale: { scheme: 'orangered', domain: [0, 100] } },
    },
  });
}

/** How far past the axis's end a finding read at collection may fall and still be drawn at it (sos runs after the last sample). */
const COLLECTION_SLACK_MS = 10 * 60_000;

/** One lane per finding class with its windows as bars; events as markers; the span on x. */
export async function swimlane(model: ReportModel, zone: Zone): Promise<ChartOut | null> {
  const frame = frameOf(model, zone);
  if (!frame) return null;
  const [d0, d1] = frame.domain;
  const minWidth = (d1 - d0) * 0.006;
  const ranked = rankFindings(model.report.findings);
  const lanes: string[] = [];
  const bars: { lane: string; a: number; b: number; sev: string; title: string }[] = [];
  for (const f of ranked) {
    if (!lanes.includes(f.class)) lanes.push(f.class);
    const w = findingWindowMs(f);
    if (!w) continue;
    // A state read at collection falls a few seconds after the last sample, past the axis: drawn at its end.
    const start = shift(zone, w.start);
    const late = start > d1 && start - d1 <= COLLECTION_SLACK_MS;
    const a = late ? d1 - minWidth : Math.max(d0, start);
    const b = late ? d1 : Math.min(d1, Math.max(shift(zone, w.end), a + minWidth));
    if (b < d0 || a > d1) continue;
    bars.push({ lane: f.class, a, b, sev: f.severity, title: f.title });
  }
  const markerTypes = (t: string): boolean => t === 'oom-kill' || t === 'hung-task' || t === 'boot' || t === 'segfault' || t.startsWith('vm-');
  const events = model.events
    .filter((e) => markerTypes(e.type))
    .map((e) => ({ lane: 'events', t: shift(zone, e.t), type: e.type }))
    .filter((e) => e.t >= d0 && e.t <= d1);
  if (events.length) lanes.push('events');
  // lanes with nothing to draw in them would be an empty frame under a title
  if (bars.length === 0 && events.length === 0) return null;
  const usedSev = SEVERITIES.filter((s) => bars.some((b) => b.sev === s));
  const eventTypes = [...new Set(events.map((e) => e.type))].sort();
  const layers: object[] = [...gapLayer(frame)];
  if (bars.length) {
    layers.push({
      data: { values: bars },
      mark: { type: 'bar', cornerRadius: 2, height: { band: 0.6 } },
      encoding: {
        x: xEnc(frame, 'a'),
        x2: { field: 'b' },
        y: { field: 'lane', type: 'nominal', sort: lanes, title: null, scale: { domain: lanes } },
        color: {
          field: 'sev',
          type: 'nominal',
          title: 'severity',
          scale: { domain: usedSev, range: usedSev.map((s) => SEVERITY_COLOURS[s]) },
        },
      },
    });
  }
  if (events.length) {
    layers.push({
      data: { values: events.filter((e) => e.type === 'oom-kill' || e.type === 'boot') },
      mark: { type: 'rule', strokeDash: [3, 3], color: '#475569', strokeWidth: 0.8 },
      encoding: { x: xEnc(frame) },
    });
    layers.push({
      data: { values: events },
      mark: { type: 'point', filled: true, size: 70, stroke: 'white', strokeWidth: 0.8 },
      encoding: {
        x: xEnc(frame),
        y: { field: 'lane', type: 'nominal', sort: lanes, title: null, scale: { domain: lanes } },
        shape: { field: 'type', type: 'nominal', title: 'event', scale: { domain: eventTypes, range: ['triangle-down', 'diamond', 'square', 'cross', 'circle', 'triangle-up'] } },
        fill: { value: '#1e293b' },
      },
    });
  }
  const spec = toSpec({
    width: CHART_WIDTH,
    height: Math.max(60, lanes.length * 26),
    padding: 4,
    config: { ...baseConfig, legend: { ...baseConfig.legend, orient: 'bottom' } },
    layer: layers,
    resolve: { legend: { color: 'independent', shape: 'independent' } },
  });
  return {
    title: 'Findings and events',
    caption:
      'One lane per finding class, bars are finding windows coloured by severity; markers are kernel and guest events (dashed lines: OOM kills and boots)' +
      (frame.gaps.length ? `; grey: collection gaps (${frame.gaps.length}), where no sample was taken.` : '.'),
    svg: await renderSpec(spec),
  };
}

/** The charts attached to one finding: its signals, threshold band, fitted line and window. */
export async function findingCharts(model: ReportModel, zone: Zone, findingId: string): Promise<ChartOut[]> {
  const whole = frameOf(model, zone);
  if (!whole) return [];
  const out: ChartOut[] = [];
  for (const fc of model.findingCharts.filter((c) => c.findingId === findingId)) {
    // A finding's series may hold only its context (analyze.ts, around): the axis spans what is drawn.
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of fc.series) {
      const first = s.points[0];
      const last = s.points[s.points.length - 1];
      if (first) lo = Math.min(lo, first[0]);
      if (last) hi = Math.max(hi, last[0]);
    }
    const span = model.span;
    const frame = span && hi > lo && (lo > span.start || hi < span.end) ? frameSpanning(model, zone, lo, hi) : whole;
    out.push({ title: fc.title, caption: findingCaption(fc), svg: await renderSpec(findingSpec(frame, zone, fc)) });
  }
  return out;
}

function findingCaption(fc: FindingChart): string {
  const parts: string[] = [];
  if (fc.threshold !== undefined) parts.push('dashed red: threshold');
  if (fc.fit) parts.push('dashed grey: fitted trend');
  if (fc.windowStart !== null) parts.push('shaded: finding window');
  return parts.length ? `${parts.join('; ')}.` : '';
}

function findingSpec(frame: Frame, zone: Zone, fc: FindingChart): TopLevelSpec {
  const max = Math.max(0, ...fc.series.map(peak), fc.threshold ?? 0);
  const sc = scaleFor(fc.unit, max);
  const win: [number, number] | null =
    fc.windowStart !== null ? [shift(zone, fc.windowStart), shift(zone, fc.windowEnd ?? fc.windowStart)] : null;
  if (win && win[1] - win[0] < (frame.domain[1] - frame.domain[0]) * 0.004) win[1] = win[0] + (frame.domain[1] - frame.domain[0]) * 0.004;
  const fit = fc.fit
    ? {
        a: shift(zone, fc.fit.from),
        b: shift(zone, fc.fit.to),
        va: (fc.fit.intercept + fc.fit.slopePerMs * fc.fit.from) / sc.divisor,
        vb: (fc.fit.intercept + fc.fit.slopePerMs * fc.fit.to) / sc.divisor,
      }
    : null;
  return lineSpec(frame, {
    rows: rowsOf(zone, fc.series, sc.divisor),
    yTitle: sc.unit,
    height: 120,
    window: win,
    fit,
    ...(fc.threshold !== undefined ? { threshold: fc.threshold / sc.divisor, thresholdLabel: `threshold ${Math.round((fc.threshold / sc.divisor) * 10) / 10} ${sc.unit}` } : {}),
  });
}
