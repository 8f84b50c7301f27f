import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureTexts, inputFor, PARSERS, runParser } from './harness.js';

/**
 * `npm run fuzz`: FUZZ_RUNS=long gives each parser a minute of inputs. Times
 * are measured and printed, never asserted (the machine is shared); a parser
 * whose time per line grows with the input is flagged in the table.
 */
const LONG = process.env['FUZZ_RUNS'] === 'long';
const BUDGET_MS = LONG ? 60_000 : 3_000;
const table: { parser: string; runs: number; maxMs: number; maxMsPerKLine: number; flag: string }[] = [];

/** Time per line on one fixture repeated 1x and 16x: linear parsers stay flat. */
function growth(parser: (typeof PARSERS)[number], fixtures: string[]): number {
  const base = fixtures[0] ?? 'x y z 1 2 3';
  const small = runParser(parser, base);
  const big = runParser(parser, Array(16).fill(base).join('\n'));
  return big.ms / big.lines / Math.max(1e-6, small.ms / small.lines);
}

describe('parser fuzzing (long)', () => {
  it.each(PARSERS.map((p) => [p.id, p] as const))('%s', async (id, parser) => {
    const fixtures = fixtureTexts(id);
    let runs = 0;
    let maxMs = 0;
    let maxPerK = 0;
    const start = Date.now();
    // One-second slices with a yield between them keep vitest's worker responsive.
    for (let slice = 1; Date.now() - start < BUDGET_MS; slice++) {
      fc.assert(
        fc.property(inputFor(fixtures), (text) => {
          const r = runParser(parser, text);
          runs++;
          maxMs = Math.max(maxMs, r.ms);
          maxPerK = Math.max(maxPerK, (r.ms / Math.max(1, r.lines)) * 1000);
          expect(r.unlocated).toEqual([]);
        }),
        { interruptAfterTimeLimit: Math.min(1000, BUDGET_MS), numRuns: 1_000_000, seed: slice * 7919 },
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    const g = growth(parser, fixtures);
    table.push({ parser: id, runs, maxMs: Math.round(maxMs * 10) / 10, maxMsPerKLine: Math.round(maxPerK * 10) / 10, flag: g > 8 ? `superlinear? x${g.toFixed(1)} per line at 16x size` : '' });
  }, BUDGET_MS + 60_000);

  afterAll(() => {
    console.table(table);
  });
});
