import { linearRegression, rSquared } from 'simple-statistics';
import type { Timeline } from '../../timeline/timeline.js';
import type { Candidate } from '../candidate.js';
import { compile, truthy, type Env } from '../expr.js';
import type { TrendDetect } from '../types.js';
import { seriesBySubject, signalSpec } from './threshold.js';

/**
 * Least-squares fit of a signal against time, per subject. The slope is per
 * minute in the signal's own unit; R² says how steady the growth is, which is
 * what separates a leak from a busy process that grows and shrinks.
 */
export function detectTrend(d: TrendDetect, timeline: Timeline, baseEnv: Env, resolve: (v: string | number) => number): Candidate[] {
  const spec = signalSpec(d.signal);
  const when = compile(d.when);
  const minPoints = resolve(d.minPoints);
  const minSpanMs = resolve(d.minSpanSec) * 1000;
  const out: Candidate[] = [];
  for (const [, whole] of seriesBySubject(timeline, spec, d.groupBy)) {
    if (whole.t.length < minPoints) continue;
    // Fit from where the growth began, when the series was flat before it (a leak started mid-collection).
    const k = onset(whole.t, whole.v, minPoints, minSpanMs);
    const s = k === 0 ? whole : { ...whole, t: whole.t.subarray(k), v: whole.v.subarray(k), file: whole.file.subarray(k), line: whole.line.subarray(k) };
    const n = s.t.length;
    const t0 = s.t[0] as number;
    const spanMs = (s.t[n - 1] as number) - t0;
    if (spanMs < minSpanMs) continue;
    const pts: [number, number][] = [];
    for (let i = 0; i < n; i++) pts.push([((s.t[i] as number) - t0) / 60000, s.v[i] as number]);
    const fit = linearRegression(pts);
    const line = (x: number): number => fit.m * x + fit.b;
    const r2 = Number.isFinite(rSquared(pts, line)) ? rSquared(pts, line) : 0;
    const first = s.v[0] as number;
    const last = s.v[n - 1] as number;
    let peak = -Infinity;
    let peakIdx = 0;
    for (let i = 0; i < n; i++) {
      if ((s.v[i] as number) > peak) {
        peak = s.v[i] as number;
        peakIdx = i;
      }
    }
    const env: Env = {
      ...baseEnv,
      labels: s.labels as Record<string, string>,
      slopePerMin: fit.m,
      slopePerHour: fit.m * 60,
      r2,
      first,
      last,
      peak,
      points: n,
      spanSec: spanMs / 1000,
      growth: last - first,
      growthPct: first > 0 ? ((last - first) / first) * 100 : NaN,
      values: s.v,
      windowStart: t0,
      windowEnd: s.t[n - 1] as number,
    };
    if (!truthy(when(env))) continue;
    const ev = [0, peakIdx, n - 1].filter((v, i, a) => a.indexOf(v) === i).map((i) => ({ file: s.file[i] as number, line: s.line[i] as number }));
    out.push({
      labels: s.labels,
      start: t0,
      end: s.t[n - 1] as number,
      env,
      evidence: ev,
      signals: [{ name: 'value', metric: spec.metric, labels: s.labels, t: s.t, v: s.v }],
      fit: { slopePerMs: fit.m / 60000, intercept: fit.b - (fit.m / 60000) * t0, from: t0, to: s.t[n - 1] as number },
    });
  }
  return out;
}

/**
 * Where a growth began when the series held flat before it: the index k that
 * best splits it into a flat stretch [0, k) and a straight line [k, n), by
 * least squares (prefix sums: one pass). 0, the whole series, unless the split
 * fits better than one line, its flat stretch (a few points at least) fits them
 * twice as well as the line did, and the line keeps minPoints and minSpanMs. A real
 * capture's host-wide leak began 1 min 50 s after sar did; fitted from sar's
 * first sample, the finding said it had "begun" then.
 */
export function onset(t: ArrayLike<number>, v: ArrayLike<number>, minPoints: number, minSpanMs: number): number {
  const n = t.length;
  const MIN_FLAT = 3;
  if (n < MIN_FLAT + Math.max(3, minPoints)) return 0;
  // centred, so the sums of squares keep their precision
  const t0 = t[0] as number;
  let my = 0;
  for (let i = 0; i < n; i++) my += v[i] as number;
  my /= n;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const mx = ((t[n - 1] as number) - t0) / 120000;
  for (let i = 0; i < n; i++) {
    x[i] = ((t[i] as number) - t0) / 60000 - mx;
    y[i] = (v[i] as number) - my;
  }
  let Sx = 0;
  let Sy = 0;
  let Sxx = 0;
  let Sxy = 0;
  let Syy = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    Sx += xi;
    Sy += yi;
    Sxx += xi * xi;
    Sxy += xi * yi;
    Syy += yi * yi;
  }
  const lineSse = (m: number, sx: number, sy: number, sxx: number, sxy: number, syy: number): number => {
    const cxx = sxx - (sx * sx) / m;
    const cxy = sxy - (sx * sy) / m;
    const cyy = syy - (sy * sy) / m;
    return cxx > 0 ? Math.max(0, cyy - (cxy * cxy) / cxx) : Math.max(0, cyy);
  };
  const single = lineSse(n, Sx, Sy, Sxx, Sxy, Syy);
  const slope = (m: number, sx: number, sy: number, sxx: number, sxy: number): number => {
    const cxx = sxx - (sx * sx) / m;
    return cxx > 0 ? (sxy - (sx * sy) / m) / cxx : 0;
  };
  const overall = slope(n, Sx, Sy, Sxx, Sxy);
  // the one line's squared residuals, summed from the start: how badly it fits a would-be flat stretch
  const b0 = Sy / n - (overall * Sx) / n;
  const lineBefore = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const r = (y[i] as number) - (b0 + overall * (x[i] as number));
    lineBefore[i + 1] = (lineBefore[i] as number) + r * r;
  }
  let best = 0;
  let bestSse = single;
  let bestFlat = 0;
  let px = 0;
  let py = 0;
  let pxx = 0;
  let pxy = 0;
  let pyy = 0;
  for (let k = 1; k <= n - Math.max(3, minPoints); k++) {
    const xi = x[k - 1] as number;
    const yi = y[k - 1] as number;
    px += xi;
    py += yi;
    pxx += xi * xi;
    pxy += xi * yi;
    pyy += yi * yi;
    if (k < MIN_FLAT) continue;
    if ((t[n - 1] as number) - (t[k] as number) < minSpanMs) break;
    const flat = Math.max(0, pyy - (py * py) / k);
    const m = n - k;
    const rest = lineSse(m, Sx - px, Sy - py, Sxx - pxx, Sxy - pxy, Syy - pyy);
    // the line after the split grows the way the whole series does
    if (Math.sign(slope(m, Sx - px, Sy - py, Sxx - pxx, Sxy - pxy)) !== Math.sign(overall)) continue;
    if (flat + rest < bestSse) {
      bestSse = flat + rest;
      bestFlat = flat;
      best = k;
    }
  }
  // Taken when the flat stretch fits its points at least twice as well as the one line did: noise
  // elsewhere in the series (other users' spikes) then does not hide an onset, and a straight line
  // with noise, whose first points a flat stretch fits worse, keeps its start.
  return best > 0 && bestFlat <= 0.5 * (lineBefore[best] as number) ? best : 0;
}
