import type { Series } from '../../timeline/timeline.js';

/**
 * Values of `other` at the instants of `base`: the nearest sample within the
 * tolerance, else NaN. Sources sample at slightly different instants (sar at
 * :01, iostat at :00), so exact matching would lose them.
 */
export function alignTo(base: Float64Array, other: Series, toleranceMs: number): Float64Array {
  const out = new Float64Array(base.length).fill(NaN);
  const ot = other.t;
  let j = 0;
  for (let i = 0; i < base.length; i++) {
    const t = base[i] as number;
    while (j + 1 < ot.length && (ot[j + 1] as number) <= t) j++;
    let best = -1;
    let bestD = Infinity;
    for (const k of [j, j + 1]) {
      if (k < 0 || k >= ot.length) continue;
      const d = Math.abs((ot[k] as number) - t);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    if (best >= 0 && bestD <= toleranceMs) out[i] = other.v[best] as number;
  }
  return out;
}

/** The typical spacing of samples (median of gaps), in ms. */
export function medianInterval(t: Float64Array): number {
  if (t.length < 2) return 60000;
  const gaps: number[] = [];
  const step = Math.max(1, Math.floor(t.length / 2000));
  for (let i = step; i < t.length; i += step) gaps.push((t[i] as number) - (t[i - step] as number));
  gaps.sort((a, b) => a - b);
  const g = (gaps[Math.floor(gaps.length / 2)] ?? 60000) / step;
  return g > 0 ? g : 60000;
}
