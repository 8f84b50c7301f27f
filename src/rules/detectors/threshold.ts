import type { Labels } from '../../model.js';
import type { Series, Timeline } from '../../timeline/timeline.js';
import type { Candidate, EvidenceRef } from '../candidate.js';
import { compile, truthy, type Env } from '../expr.js';
import type { SignalSpec, ThresholdDetect } from '../types.js';
import { alignTo, medianInterval } from './align.js';

export function signalSpec(s: string | SignalSpec): SignalSpec {
  return typeof s === 'string' ? { metric: s } : s;
}

function matches(series: Series, spec: SignalSpec): boolean {
  if (!spec.labels) return true;
  for (const [k, v] of Object.entries(spec.labels)) if (series.labels[k] !== v) return false;
  return true;
}

/** Series of a signal per subject: keyed by the groupBy label's value ('' when host-wide). */
export function seriesBySubject(timeline: Timeline, spec: SignalSpec, groupBy: string | undefined): Map<string, Series> {
  const out = new Map<string, Series>();
  for (const s of timeline.seriesOf(spec.metric)) {
    if (!matches(s, spec)) continue;
    const key = groupBy ? s.labels[groupBy] : '';
    if (key === undefined) continue;
    const prev = out.get(key);
    // Several series for one subject (per-CPU rows when cpu=all was meant): keep the densest.
    if (!prev || s.t.length > prev.t.length) out.set(key, s);
  }
  return out;
}

/**
 * Episodes where the enter condition holds, closed by the exit condition
 * (hysteresis), split at collection gaps, merged when close, and kept when
 * they last at least the minimum duration. One candidate per subject and
 * incident sums its episodes; episodes more than an hour apart are separate
 * incidents.
 */
export function detectThreshold(d: ThresholdDetect, timeline: Timeline, baseEnv: Env, resolve: (v: string | number) => number): Candidate[] {
  const names = Object.keys(d.signals);
  const specs = names.map((n) => signalSpec(d.signals[n] as string | SignalSpec));
  const baseSpec = specs[0];
  if (!baseSpec) return [];
  const enter = compile(d.enter);
  const exit = d.exit ? compile(d.exit) : null;
  const minDurMs = resolve(d.minDurationSec) * 1000;
  const bySignal = specs.map((s) => seriesBySubject(timeline, s, d.groupBy));
  const out: Candidate[] = [];
  for (const [subject, base] of bySignal[0] ?? new Map<string, Series>()) {
    if (base.t.length === 0) continue;
    const interval = medianInterval(base.t);
    const tolerance = Math.max(interval / 2, 1500);
    const values: Float64Array[] = [base.v];
    const seriesUsed: (Series | undefined)[] = [base];
    for (let i = 1; i < specs.length; i++) {
      const s = bySignal[i]?.get(subject);
      seriesUsed.push(s);
      values.push(s ? alignTo(base.t, s, tolerance) : new Float64Array(base.t.length).fill(NaN));
    }
    // A rule's merge gap is a floor: on coarse data two intervals is the least that can bridge one quiet sample.
    const mergeGapMs = d.mergeGapSec === undefined ? interval * 2 : Math.max(interval * 2, resolve(d.mergeGapSec) * 1000);
    const gapBreakMs = Math.max(interval * 3, 5 * 60000);
    const env: Env = { ...baseEnv };
    const episodes: [number, number][] = [];
    let open = -1;
    for (let i = 0; i < base.t.length; i++) {
      for (let k = 0; k < names.length; k++) env[names[k] as string] = (values[k] as Float64Array)[i] as number;
      if (open >= 0 && i > 0 && (base.t[i] as number) - (base.t[i - 1] as number) > gapBreakMs) {
        episodes.push([open, i - 1]);
        open = -1;
      }
      if (open < 0) {
        if (truthy(enter(env))) open = i;
      } else {
        const closes = exit ? truthy(exit(env)) : !truthy(enter(env));
        if (closes) {
          episodes.push([open, i - 1]);
          open = -1;
        }
      }
    }
    if (open >= 0) episodes.push([open, base.t.length - 1]);
    // Merge episodes separated by a short dip, then keep the long ones.
    const merged: [number, number][] = [];
    for (const ep of episodes) {
      const last = merged[merged.length - 1];
      if (last && (base.t[ep[0]] as number) - (base.t[last[1]] as number) <= mergeGapMs) last[1] = ep[1];
      else merged.push([ep[0], ep[1]]);
    }
    const kept = merged.filter(([a, b]) => (base.t[b] as number) - (base.t[a] as number) + interval >= minDurMs);
    // Episodes more than INCIDENT_GAP_MS apart are separate incidents, each its own finding with its own window,
    // causes and effects: yesterday's test load and tonight's outage are not one problem.
    for (const incident of incidents(kept, base.t)) {
      const inWindow: number[][] = names.map(() => []);
      let durationMs = 0;
      let peakIdx = -1;
      for (const [a, b] of incident) {
        durationMs += (base.t[b] as number) - (base.t[a] as number) + interval;
        for (let i = a; i <= b; i++) {
          for (let k = 0; k < names.length; k++) inWindow[k]?.push((values[k] as Float64Array)[i] as number);
          if (peakIdx < 0 || (base.v[i] as number) > (base.v[peakIdx] as number)) peakIdx = i;
        }
      }
      const first = incident[0] as [number, number];
      const lastEp = incident[incident.length - 1] as [number, number];
      const spanMs = (base.t[base.t.length - 1] as number) - (base.t[0] as number) + interval;
      const cenv: Env = {
        ...baseEnv,
        durationSec: durationMs / 1000,
        episodes: incident.length,
        samples: inWindow[0]?.length ?? 0,
        intervalSec: interval / 1000,
        coveredSec: spanMs / 1000,
        shareOfTimePct: (100 * durationMs) / spanMs,
        windowStart: (base.t[first[0]] as number) - interval,
        windowEnd: base.t[lastEp[1]] as number,
      };
      names.forEach((n, k) => {
        cenv[n] = inWindow[k] ?? [];
        const s = seriesUsed[k];
        cenv[`${n}All`] = s ? s.v : [];
      });
      const evidence: EvidenceRef[] = [];
      const addRef = (s: Series | undefined, i: number): void => {
        if (!s || i < 0 || i >= s.t.length) return;
        const ref = { file: s.file[i] as number, line: s.line[i] as number };
        if (!evidence.some((e) => e.file === ref.file && e.line === ref.line)) evidence.push(ref);
      };
      addRef(base, first[0]);
      addRef(base, peakIdx);
      addRef(base, lastEp[1]);
      // The other signals' lines at the peak (iostat/sar -d rows carry them all; -q and -u do not).
      for (let k = 1; k < seriesUsed.length; k++) {
        const s = seriesUsed[k];
        if (!s) continue;
        const t = base.t[peakIdx] as number;
        let best = -1;
        let bestD = Infinity;
        for (let i = 0; i < s.t.length; i++) {
          const dd = Math.abs((s.t[i] as number) - t);
          if (dd < bestD) {
            bestD = dd;
            best = i;
          }
        }
        if (bestD <= tolerance) addRef(s, best);
      }
      const labels: Labels = { ...base.labels };
      out.push({
        labels,
        start: cenv.windowStart as number,
        end: cenv.windowEnd as number,
        env: cenv,
        evidence,
        signals: names.map((n, k) => {
          const s = seriesUsed[k];
          return { name: n, metric: specs[k]?.metric ?? n, labels: s?.labels ?? {}, t: s?.t ?? [], v: s?.v ?? [] };
        }),
      });
    }
  }
  return out;
}

/** Episodes within an hour of each other are one incident. */
const INCIDENT_GAP_MS = 3600_000;

function incidents(episodes: [number, number][], t: ArrayLike<number>): [number, number][][] {
  const out: [number, number][][] = [];
  for (const ep of episodes) {
    const cur = out[out.length - 1];
    const prev = cur?.[cur.length - 1];
    if (cur && prev && (t[ep[0]] as number) - (t[prev[1]] as number) <= INCIDENT_GAP_MS) cur.push(ep);
    else out.push([ep]);
  }
  return out;
}
