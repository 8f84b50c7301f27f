import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { pressureParser } from '../../src/parsers/pressure.js';
import { fact, fuzz } from './system-helpers.js';

// Synthetic, in the layout of Documentation/accounting/psi.rst (no licensed real capture in the corpus).
const MEMORY = 'some avg10=1.53 avg60=0.87 avg300=0.22 total=58761459\nfull avg10=0.90 avg60=0.40 avg300=0.10 total=18394873\n';

describe('pressure', () => {
  it('reads some/full averages with the resource from the path', () => {
    const c = parseText(pressureParser, MEMORY, { path: 'proc/pressure/memory' });
    expect(fact(c, 'pressure.someAvg10', { resource: 'memory' })).toBe(1.53);
    expect(fact(c, 'pressure.fullAvg300', { resource: 'memory' })).toBe(0.1);
    expect(fact(c, 'pressure.someTotalUs', { resource: 'memory' })).toBe(58761459);
    expect(c.diagnostics).toEqual([]);
  });

  it('warns on unknown fields', () => {
    const c = parseText(pressureParser, 'some avg10=x avg61=1\n', { path: 'proc/pressure/io' });
    expect(c.facts).toEqual([]);
    expect(c.diagnostics).toHaveLength(2);
  });

  it('never throws on random or damaged input', () => {
    fuzz(pressureParser, [MEMORY], 'proc/pressure/cpu');
  });
});
