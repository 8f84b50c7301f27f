import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { RecordCollector } from '../../src/parsers/collect.js';
import type { FactRecord, SourceParser } from '../../src/parsers/types.js';
import { expectRobust } from './logs-helpers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function fixture(id: string, rel: string): string {
  return readFileSync(join(FIXTURES, id, rel), 'utf8');
}

/** The single fact with this name (and labels), failing the test when absent or repeated. */
export function fact(c: RecordCollector, name: string, labels: Record<string, string> = {}): FactRecord['value'] {
  const hits = c.facts.filter((f) => f.name === name && Object.entries(labels).every(([k, v]) => f.labels[k] === v));
  expect(hits.map((h) => h.labels), `fact ${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  const hit = hits[0];
  if (hit === undefined) throw new Error(`no fact ${name}`);
  return hit.value;
}


/** Random text, and real fixtures cut, spliced and corrupted, never make the parser throw. */
export function fuzz(parser: SourceParser, samples: string[], path: string, runs = 150): void {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (s) => expectRobust(parser, s, path)),
    { numRuns: runs },
  );
  const sample = fc.constantFrom(...samples);
  fc.assert(
    fc.property(sample, fc.nat(), fc.nat(), fc.string({ maxLength: 20 }), (text, a, b, junk) => {
      const i = text.length === 0 ? 0 : a % text.length;
      const j = text.length === 0 ? 0 : b % text.length;
      expectRobust(parser, text.slice(0, i), path);
      expectRobust(parser, text.slice(0, i) + junk + text.slice(j), path);
      const lines = text.split('\n');
      const k = lines.length === 0 ? 0 : a % lines.length;
      expectRobust(parser, [...lines.slice(0, k), junk, ...lines.slice(k + 1)].join('\n'), path);
    }),
    { numRuns: runs },
  );
}
