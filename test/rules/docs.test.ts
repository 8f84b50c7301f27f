import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../src/rules/expr.js';
import { formatFunctions } from '../../src/rules/format.js';

const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
const engine = readFileSync(new URL('../../src/rules/engine.ts', import.meta.url), 'utf8');

describe('docs/rules.md', () => {
  it('documents every function a rule expression can call', () => {
    // the bundle lookups of the engine's base env: `name: ((…) => …) as unknown as Value`
    const lookups = [...engine.matchAll(/^ {4}(\w+): \(\(/gm)].map((m) => m[1] as string);
    expect(lookups).toContain('eventsBetween');
    const names = [...Object.keys(FUNCTIONS), ...Object.keys(formatFunctions({ kind: 'fixed', offsetMin: 0, label: 'UTC' })), ...lookups, 'code'];
    const missing = names.filter((n) => !doc.includes(`\`${n}(`));
    expect(missing).toEqual([]);
  });
});

describe('docs/records.md', () => {
  it('names every fact a parser states by a fixed name', async () => {
    const { readdirSync } = await import('node:fs');
    const records = readFileSync(new URL('../../docs/records.md', import.meta.url), 'utf8');
    const dir = new URL('../../src/parsers/', import.meta.url);
    const names = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      for (const m of text.matchAll(/\bfact\('([a-zA-Z][\w.]*)'/g)) if (m[1]) names.add(m[1]);
    }
    expect(names.size).toBeGreaterThan(80);
    expect([...names].filter((n) => !records.includes(n))).toEqual([]);
  });
});
