import { describe, expect, it } from 'vitest';
import { neededMetrics } from '../../src/analyze.js';
import type { RuleDef } from '../../src/rules/types.js';

describe('neededMetrics', () => {
  it('keeps the metrics a rule names in its expressions, not only its signals', () => {
    const rule = (when: string): RuleDef => ({ id: 'x', requires: [], detect: { kind: 'state', when } }) as unknown as RuleDef;
    for (const fn of ['valueAt', 'peakOf', 'peakBetween', 'peakTimeBetween', 'meanBetween']) {
      expect(neededMetrics([rule(`${fn}('zz.readByExpression', windowStart, windowEnd) > 0`)]).has('zz.readByExpression'), fn).toBe(true);
    }
    expect(neededMetrics([rule('true')]).has('zz.readByExpression')).toBe(false);
  });
});
