import { describe, expect, it } from 'vitest';
import { alignTo, medianInterval } from '../../src/rules/detectors/align.js';
import type { Series } from '../../src/timeline/timeline.js';

function series(t: number[], v: number[]): Series {
  return { metric: 'm', labels: {}, key: 'm|', t: Float64Array.from(t), v: Float64Array.from(v), line: new Int32Array(t.length), file: new Int32Array(t.length) };
}

describe('alignTo', () => {
  it('takes the nearest sample within the tolerance, NaN where none is near', () => {
    const base = Float64Array.from([0, 60_000, 120_000, 180_000, 240_000]);
    // iostat-like instants a second off sar's, one missing, one far off
    const other = series([1_000, 59_000, 185_000, 600_000], [1, 2, 4, 9]);
    expect([...alignTo(base, other, 5_000)]).toEqual([1, 2, NaN, 4, NaN]);
  });

  it('returns a copy of the values when both share their instants (columns of one file)', () => {
    const t = [0, 60_000, 120_000];
    const other = series(t, [5, 6, 7]);
    const out = alignTo(Float64Array.from(t), other, 0);
    expect([...out]).toEqual([5, 6, 7]);
    out[0] = 99;
    expect(other.v[0]).toBe(5);
  });

  it('gives the same values on shared instants as the general nearest-sample path', () => {
    const t = Array.from({ length: 500 }, (_, i) => i * 10_000 + (i % 7) * 13);
    const v = t.map((x, i) => Math.sin(i) * 100);
    const same = alignTo(Float64Array.from(t), series(t, v), 5_000);
    // the same instants in a fresh array with one extra point at the end takes the general path
    const general = alignTo(Float64Array.from(t), series([...t, t[t.length - 1] as number + 1e9], [...v, 0]), 5_000);
    expect([...same]).toEqual([...general]);
  });

  it('handles an empty other series', () => {
    expect([...alignTo(Float64Array.from([1, 2]), series([], []), 10)]).toEqual([NaN, NaN]);
  });
});

describe('medianInterval', () => {
  it('is the median gap, also when thinned on long series', () => {
    expect(medianInterval(Float64Array.from([0, 10, 20, 40, 50]))).toBe(10);
    const long = Float64Array.from({ length: 10_001 }, (_, i) => i * 60_000 + (i % 5 === 0 ? 500 : 0));
    expect(medianInterval(long)).toBe(60_000);
    expect(medianInterval(Float64Array.from([5]))).toBe(60_000);
  });
});
