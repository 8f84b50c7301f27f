import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { PARSERS } from '../../src/parsers/registry.js';
import type { RecordSink, SourceParser } from '../../src/parsers/types.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures');

/** Every fixture of a parser (test/fixtures/<parser id>/, any depth), as text. */
export function fixtureTexts(id: string): string[] {
  const root = path.join(FIXTURES, id);
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const abs = path.join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (statSync(abs).size < 2 * 1024 * 1024) out.push(readFileSync(abs, 'utf8'));
    }
  };
  try {
    walk(root);
  } catch {
    /* a parser without fixtures is fuzzed with random input only */
  }
  return out;
}

export interface FuzzOutcome {
  lines: number;
  /** diagnostics whose line is neither absent nor one of the input's lines */
  unlocated: { line: number | undefined; message: string }[];
  ms: number;
}

/** Feeds lines straight to the parser (no safety wrapper): a throw here is a parser bug. */
export function runParser(parser: SourceParser, text: string): FuzzOutcome {
  const lines = text.split('\n');
  const unlocated: FuzzOutcome['unlocated'] = [];
  const sink: RecordSink = {
    sample() {},
    event() {},
    fact() {},
    diagnostic(line, _severity, message) {
      if (line !== undefined && !(Number.isInteger(line) && line >= 1 && line <= lines.length)) unlocated.push({ line, message });
    },
    format() {},
    wants: () => true,
  };
  const start = performance.now();
  const lp = parser.create({ path: parser.id, year: 2026 }, sink);
  lines.forEach((l, i) => lp.push(l, i + 1));
  lp.end();
  return { lines: lines.length, unlocated, ms: performance.now() - start };
}

const hostileLine = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', ' ', '\r', '\0\0\0', '\ufeff', '\ufffd\ufffd', 'nan NaN -inf Infinity 1e309', '-1 -0 99999999999999999999999', '0'.repeat(5000), ' '.repeat(5000), '( '.repeat(2000), 'a:'.repeat(3000), '[' + '9'.repeat(300) + ']'),
);

/** A fixture mutated line-wise (drop, repeat, replace, cut mid-line), or plain random lines. */
export function inputFor(fixtures: string[]): fc.Arbitrary<string> {
  const random = fc.array(hostileLine, { maxLength: 60 }).map((ls) => ls.join('\n'));
  if (fixtures.length === 0) return random;
  const mutated = fc
    .tuple(fc.constantFrom(...fixtures), fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'repeat', 'replace', 'splice'), hostileLine), { maxLength: 8 }), fc.option(fc.nat()))
    .map(([text, edits, cut]) => {
      const ls = text.split('\n');
      for (const [at, op, line] of edits) {
        if (ls.length === 0) break;
        const i = at % ls.length;
        const cur = ls[i] ?? '';
        if (op === 'drop') ls.splice(i, 1);
        else if (op === 'repeat') ls.splice(i, 0, cur);
        else if (op === 'replace') ls[i] = line;
        else ls[i] = cur.slice(0, at % (cur.length + 1)) + line + cur.slice(at % (cur.length + 1));
      }
      const joined = ls.join('\n');
      return cut === null ? joined : joined.slice(0, cut % (joined.length + 1));
    });
  return fc.oneof({ arbitrary: mutated, weight: 3 }, { arbitrary: random, weight: 1 });
}

export { PARSERS };
