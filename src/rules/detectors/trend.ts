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
  for (const [, s] of seriesBySubject(timeline, spec, d.groupBy)) {
    const n = s.t.length;
    if (n < minPoints) continue;
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
