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
