import { describe, expect, it } from 'vitest';
import { fmtDur } from '../../src/rules/format.js';

describe('fmtDur', () => {
  it('keeps the seconds under ten minutes: "5 min" for a window of 4 min 40 s read as another window (a real swap capture)', () => {
    expect(fmtDur(45)).toBe('45 s');
    expect(fmtDur(89.6)).toBe('90 s');
    expect(fmtDur(280)).toBe('4 min 40 s');
    expect(fmtDur(368)).toBe('6 min 8 s');
    expect(fmtDur(360)).toBe('6 min');
    expect(fmtDur(599.6)).toBe('10 min');
    expect(fmtDur(1500)).toBe('25 min');
    expect(fmtDur(5400)).toBe('1 h 30 min');
    expect(fmtDur(Number.NaN)).toBe('n/a');
  });
});
