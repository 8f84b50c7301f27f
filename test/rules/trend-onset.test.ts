import { describe, expect, it } from 'vitest';
import { onset } from '../../src/rules/detectors/trend.js';

/** Samples every 10 s: value(i) for i in [0, n). */
function series(n: number, value: (i: number) => number): { t: number[]; v: number[] } {
  const t = Array.from({ length: n }, (_, i) => 1_765_000_000_000 + i * 10_000);
  return { t, v: t.map((_, i) => value(i)) };
}
// a fixed pseudo-random jitter, so the tests cannot flake
const jitter = (i: number, size: number): number => (((i * 7919) % 101) / 101 - 0.5) * size;

describe('onset of a growth', () => {
  it('finds where a leak began after a flat stretch (the real capture: 11 flat samples, then 4 MiB/s)', () => {
    const { t, v } = series(200, (i) => 350 + jitter(i, 20) + (i >= 11 ? (i - 11) * 40 : 0));
    expect(onset(t, v, 10, 30 * 60_000)).toBeGreaterThanOrEqual(10);
    expect(onset(t, v, 10, 30 * 60_000)).toBeLessThanOrEqual(12);
  });
  it('still finds it when spikes elsewhere (other users) dominate what one line leaves unexplained', () => {
    const { t, v } = series(200, (i) => 350 + jitter(i, 20) + (i >= 11 ? (i - 11) * 40 : 0) + (i === 60 ? 2500 : 0) + (i === 150 ? 800 : 0));
    const k = onset(t, v, 10, 30 * 60_000);
    expect(k).toBeGreaterThanOrEqual(10);
    expect(k).toBeLessThanOrEqual(12);
  });
  it('keeps the start of a steady, noisy line, and of a series too short to split', () => {
    expect(onset(...(Object.values(series(200, (i) => 1000 + i * 40 + jitter(i, 300))) as [number[], number[]]), 10, 30 * 60_000)).toBe(0);
    expect(onset(...(Object.values(series(12, (i) => (i > 5 ? i * 40 : 0))) as [number[], number[]]), 10, 60_000)).toBe(0);
  });
  it('never splits so that the line is shorter than the rule allows', () => {
    // flat for all but the last 5 minutes: a split at 170 would leave 5 min of line, not the 30 asked
    const { t, v } = series(200, (i) => (i >= 170 ? (i - 170) * 40 : 0));
    const k = onset(t, v, 10, 30 * 60_000);
    expect((t[199] as number) - (t[k] as number)).toBeGreaterThanOrEqual(30 * 60_000);
  });
});
