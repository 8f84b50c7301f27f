import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureTexts, inputFor, PARSERS, runParser } from '../fuzz/harness.js';

// The short run for `npm test`: a few hundred inputs over all parsers. `npm run fuzz` runs minutes each.
const RUNS_PER_PARSER = Math.max(8, Math.ceil(400 / PARSERS.length));

describe('every parser survives hostile text (short run)', () => {
  it.each(PARSERS.map((p) => [p.id, p] as const))('%s never throws and locates its diagnostics', (_id, parser) => {
    const fixtures = fixtureTexts(parser.id);
    fc.assert(
      fc.property(inputFor(fixtures), (text) => {
        const r = runParser(parser, text);
        expect(r.unlocated).toEqual([]);
      }),
      { numRuns: RUNS_PER_PARSER, seed: 7 },
    );
  });
});
