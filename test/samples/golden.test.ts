/**
 * Golden files for every sample: report.json (the stable contract) and the
 * Markdown report. Any change in wording, ranking, metrics or evidence shows
 * up as a diff to review; regenerate with UPDATE_GOLDEN=1 once it is right.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { jsonReport } from '../../src/report/write.js';

const repo = path.resolve(import.meta.dirname, '../..');
const samples = path.join(repo, 'samples');
const goldenDir = path.join(repo, 'test/fixtures/golden');
const update = process.env['UPDATE_GOLDEN'] === '1';

function inputsOf(name: string): string[] {
  const dir = path.join(samples, name);
  const bundle = readdirSync(dir).find((f) => f.startsWith('sosreport-'));
  if (!bundle) throw new Error(`no bundle in samples/${name}`);
  // Relative paths keep the golden files the same in every checkout.
  const out = [path.relative(repo, path.join(dir, bundle))];
  if (existsSync(path.join(dir, 'attachments'))) out.push(path.relative(repo, path.join(dir, 'attachments')));
  return out;
}

function compare(file: string, actual: string): void {
  const golden = path.join(goldenDir, file);
  if (update || !existsSync(golden)) writeFileSync(golden, actual);
  expect(actual).toBe(readFileSync(golden, 'utf8'));
}

for (const name of readdirSync(samples).filter((n) => !n.startsWith('.')).sort()) {
  describe(`sample ${name}`, () => {
    it('matches its golden report.json and report.md', async () => {
      const cwd = process.cwd();
      process.chdir(repo);
      try {
        const { model } = await analyze(inputsOf(name));
        compare(`${name}.report.json`, jsonReport(model));
        compare(`${name}.report.md`, renderMarkdown(model));
      } finally {
        process.chdir(cwd);
      }
    });
  });
}
