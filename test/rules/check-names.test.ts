/**
 * "What was checked" lists every rule by what it looks for. A title is a template filled from a
 * finding, so a rule that did not fire would show "Kernel ………": each built-in rule names its check.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { checkName } from '../../src/rules/engine.js';
import { loadRules } from '../../src/rules/loader.js';

describe('check names', () => {
  it('every built-in rule names its check in plain words, once', async () => {
    const { rules, errors } = await loadRules([], true, { validateBuiltin: true });
    expect(errors).toEqual([]);
    const names = rules.map((r) => r.check);
    for (const r of rules) {
      expect(r.check, r.id).toMatch(/^[A-Za-z].{9,}$/);
      expect(r.check, r.id).not.toMatch(/[{}…]/);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('are the rows of the checks whether the rule fired, found nothing, had no data or did not apply', async () => {
    const {
      model: { report },
    } = await analyze([path.resolve('samples/leak-swap-oom/sosreport-db01-2026-11-20-kqzvbnd')]);
    const { rules } = await loadRules([], true, { validateBuiltin: false });
    const byId = new Map(rules.map((r) => [r.id, r.check]));
    const statuses = new Set(report.analysis.checks.map((c) => c.status));
    expect([...statuses].sort()).toEqual(['clear', 'fired', 'no-data', 'not-applicable']);
    for (const c of report.analysis.checks) expect(c.title, c.rule).toBe(byId.get(c.rule));
    expect(report.analysis.checks.find((c) => c.rule === 'kernel-oops')?.title).toBe('Kernel faults: oops, BUG, WARNING and panic reports');
  });

  it('falls back to the title with its templates marked for a rule without one', () => {
    expect(checkName({ title: 'Node {{ node }} fragmented' })).toBe('Node … fragmented');
    expect(checkName({ title: 'Node {{ node }} fragmented', check: 'Fragmentation' })).toBe('Fragmentation');
  });
});
