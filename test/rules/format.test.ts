import { describe, expect, it } from 'vitest';
import { fmtDur, renderTemplate } from '../../src/rules/format.js';
import { mdEscape } from '../../src/report/markdown.js';

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

describe('renderTemplate', () => {
  const env = { comm: '[kworker/0:1]', stack: 'a < b', n: 3 } as unknown as Parameters<typeof renderTemplate>[1];
  it('escapes values from the bundle in Markdown text, so that they add no markup', () => {
    expect(renderTemplate('{{ comm }} ran {{ stack }} {{ n }} times', env)).toBe('\\[kworker/0:1\\] ran a \\< b 3 times');
  });
  it('leaves them as they are in titles and actions, which every renderer escapes for itself', () => {
    expect(renderTemplate('Soft lockup in {{ comm }} ({{ stack }})', env, true)).toBe('Soft lockup in [kworker/0:1] (a < b)');
    // escaped once, by the Markdown renderer
    expect(mdEscape('Soft lockup in [kworker/0:1] (a < b)')).toBe('Soft lockup in \\[kworker/0:1\\] (a \\< b)');
  });
});
