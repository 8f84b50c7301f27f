import { describe, expect, it } from 'vitest';
import { compile, type Env, type Value } from '../../src/rules/expr.js';

const guests = [
  { domain: 'hp01', memoryHeld: true, hugepagePoolKiB: 2048 },
  { domain: 'hp02', memoryHeld: false, hugepagePoolKiB: 2048 },
  { domain: 'hp03', memoryHeld: null, hugepagePoolKiB: 1048576 },
  { domain: 'plain', hugepagePoolKiB: null },
] as unknown as Value;
const run = (expr: string, env: Env = {}): Value => compile(expr)({ guests: (() => guests) as unknown as Value, ...env });

describe('where()', () => {
  it('keeps the items whose field equals the value, strictly (false is not null, 2048 is not "2048")', () => {
    expect(run("pluck(where(guests(), 'memoryHeld', false), 'domain')")).toEqual(['hp02']);
    expect(run("pluck(where(guests(), 'hugepagePoolKiB', 2048), 'domain')")).toEqual(['hp01', 'hp02']);
    expect(run("len(where(guests(), 'hugepagePoolKiB', '2048'))")).toBe(0);
  });
  it('matches a null or missing field with null: a guest whose state the bundle does not give', () => {
    expect(run("pluck(where(guests(), 'memoryHeld', null), 'domain')")).toEqual(['hp03', 'plain']);
  });
  it('chains, and gives an empty list for anything not a list', () => {
    expect(run("pluck(where(where(guests(), 'hugepagePoolKiB', 2048), 'memoryHeld', true), 'domain')")).toEqual(['hp01']);
    expect(run("where(42, 'x', 1)")).toEqual([]);
  });
});
