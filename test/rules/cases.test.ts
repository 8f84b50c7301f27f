/**
 * Every rule ships with cases beside it (`<id>.cases.yaml`): inline files in
 * sosreport layout and the findings they must or must not raise, run through
 * the real parsers and engine (hotsos scenarios, ESLint valid/invalid).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { loadRuleCases, loadRules } from '../../src/rules/loader.js';
import type { RuleCase } from '../../src/rules/types.js';

const { rules, errors } = await loadRules();
const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-cases-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('every built-in rule file loads', () => {
  expect(errors.map((e) => e.message)).toEqual([]);
  expect(rules.length).toBeGreaterThanOrEqual(6);
});

let n = 0;
function materialise(c: RuleCase): string[] {
  const dir = path.join(work, `case-${++n}`);
  const bundle = path.join(dir, 'bundle');
  mkdirSync(bundle, { recursive: true });
  for (const [rel, text] of Object.entries(c.files)) {
    const f = path.join(bundle, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
  const inputs = [bundle];
  if (c.attachments) {
    const att = path.join(dir, 'attachments');
    mkdirSync(att, { recursive: true });
    for (const [name, text] of Object.entries(c.attachments)) writeFileSync(path.join(att, name), text);
    inputs.push(att);
  }
  return inputs;
}

for (const rule of rules) {
  describe(`rule ${rule.id}`, async () => {
    const cases = (await loadRuleCases(rule)) ?? [];
    it('has a case that fires and a case that must not', () => {
      expect(cases.some((c) => c.expect.fires)).toBe(true);
      expect(cases.some((c) => !c.expect.fires)).toBe(true);
    });
    for (const c of cases) {
      it(`${c.expect.fires ? 'fires' : 'does not fire'}: ${c.name}`, async () => {
        const { model } = await analyze(materialise(c), { onlyRules: [rule.id], ...(c.tz ? { tz: c.tz } : {}) });
        const found = model.report.findings.filter((f) => f.rule === rule.id);
        if (!c.expect.fires) {
          expect(found.map((f) => f.title)).toEqual([]);
          return;
        }
        expect(found.length).toBeGreaterThan(0);
        if (c.expect.count !== undefined) expect(found.length).toBe(c.expect.count);
        if (c.expect.episodes !== undefined) expect(found.filter((f) => !found.some((g) => f.sameEpisodeAs?.includes(g.id))).length).toBe(c.expect.episodes);
        const f = found[0];
        if (!f) return;
        if (c.expect.severity) expect(f.severity).toBe(c.expect.severity);
        for (const [k, v] of Object.entries(c.expect.subject ?? {})) expect(String(f.subject[k as keyof typeof f.subject])).toBe(String(v));
        for (const [k, v] of Object.entries(c.expect.metrics ?? {})) {
          const got = f.metrics[k];
          expect(got, `metric ${k}`).toBeDefined();
          if (typeof v === 'number') expect(got).toBeCloseTo(v, 1);
          else {
            if (v.min !== undefined) expect(got).toBeGreaterThanOrEqual(v.min);
            if (v.max !== undefined) expect(got).toBeLessThanOrEqual(v.max);
          }
        }
        expect(f.evidence.length).toBeGreaterThan(0);
        expect(f.evidence.every((e) => e.text.length > 0)).toBe(true);
        // A conditional part that rendered empty must not leave a gap ("java.  A victim", "out . Every").
        for (const text of [f.title, f.message]) expect(text.replace(/```[\s\S]*?```|`[^`]*`/g, 'code').trimEnd()).not.toMatch(/\S {2,}\S|\S [.,;:](?:\s|$)|[ \t]\n|^\s/);
        // A name the template could not resolve renders as n/a, undefined or NaN: every fired finding's text names real things.
        for (const g of found) {
          const texts = [g.title, g.message, ...g.remediation.flatMap((r) => [r.action, r.detail, r.expectedImpact, r.rollback ?? '', r.verify ?? ''])];
          for (const text of texts) expect(text, g.title).not.toMatch(/\bn\/a\b|\bundefined\b|\bNaN\b/);
        }
      });
    }
  });
}
