import type { Series } from '../../timeline/timeline.js';

/**
 * Values of `other` at the instants of `base`: the nearest sample within the
 * tolerance, else NaN. Sources sample at slightly different instants (sar at
 * :01, iostat at :00), so exact matching would lose them.
 */
export function alignTo(base: Float64Array, other: Series, toleranceMs: number): Float64Array {
  const ot = other.t;
  // Columns of one sar file share their instants: then the values are the answer.
  if (sameInstants(base, ot)) return Float64Array.from(other.v);
  const out = new Float64Array(base.length).fill(NaN);
  let j = 0;
  for (let i = 0; i < base.length; i++) {
    const t = base[i] as number;
    while (j + 1 < ot.length && (ot[j + 1] as number) <= t) j++;
    // The nearest of the last sample at or before t and the first after it.
    let best = -1;
    let bestD = Infinity;
    if (j < ot.length) {
      bestD = Math.abs((ot[j] as number) - t);
      best = j;
    }
    if (j + 1 < ot.length) {
      const d = Math.abs((ot[j + 1] as number) - t);
      if (d < bestD) {
        bestD = d;
        best = j + 1;
      }
    }
    if (best >= 0 && bestD <= toleranceMs) out[i] = other.v[best] as number;
  }
  return out;
}

function sameInstants(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length || a[0] !== b[0] || a[a.length - 1] !== b[b.length - 1]) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The typical spacing of samples (median of gaps), in ms. */
export function medianInterval(t: Float64Array): number {
  if (t.length < 2) return 60000;
  const step = Math.max(1, Math.floor(t.length / 2000));
  const gaps = new Float64Array(Math.floor((t.length - 1) / step));
  for (let i = step, k = 0; i < t.length; i += step) gaps[k++] = (t[i] as number) - (t[i - step] as number);
  // A typed array sorts numerically without a comparator call per pair.
  gaps.sort();
  const g = (gaps[Math.floor(gaps.length / 2)] ?? 60000) / step;
  return g > 0 ? g : 60000;
}
