import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_RULES_DIR, compileBuiltinRules, compiledBuiltin, loadRules, type CompiledRules } from '../../src/rules/loader.js';

const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-compiled-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('built-in rules compiled at build time', () => {
  it('hold exactly the rules the YAML files give, and the correlations', async () => {
    const file = path.join(dir, 'rules.compiled.json');
    const { rules: count } = await compileBuiltinRules(file);
    const compiled = await compiledBuiltin(file);
    expect(compiled).not.toBeNull();
    const fromYaml = await loadRules([], true, { validateBuiltin: true });
    expect(fromYaml.errors).toEqual([]);
    expect(count).toBe(fromYaml.rules.length);
    expect(compiled?.rules.map((r) => ({ ...r, file: path.join(BUILTIN_RULES_DIR, r.file) }))).toEqual(fromYaml.rules);
    const links = (compiled?.correlations as { links?: unknown[] }).links ?? [];
    expect(links.length).toBeGreaterThan(0);
  });

  it('are ignored once a rule file, the correlations or the schema no longer match their fingerprint', async () => {
    const file = path.join(dir, 'stale.json');
    await compileBuiltinRules(file);
    const data = JSON.parse(await readFile(file, 'utf8')) as CompiledRules;
    await writeFile(file, JSON.stringify({ ...data, fingerprint: `${data.fingerprint.slice(0, -1)}0` === data.fingerprint ? `${data.fingerprint.slice(0, -1)}1` : `${data.fingerprint.slice(0, -1)}0` }));
    expect(await compiledBuiltin(file)).toBeNull();
  });

  it('are the same frozen objects on every load (what is derived from a rule is kept per object), a user rule replacing one by id', async () => {
    expect(await compiledBuiltin(), 'dist/rules.compiled.json is current (npm run build)').not.toBeNull();
    const a = await loadRules([], true, { validateBuiltin: false });
    const b = await loadRules([], true, { validateBuiltin: false });
    expect(a.rules.length).toBeGreaterThan(20);
    a.rules.forEach((r, i) => expect(b.rules[i]).toBe(r));
    expect(Object.isFrozen(a.rules[0])).toBe(true);
    const user = path.join(dir, 'user-rules');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(user, { recursive: true });
    const yaml = await readFile(path.join(BUILTIN_RULES_DIR, 'storage/disk-errors.yaml'), 'utf8');
    await writeFile(path.join(user, 'disk-errors.yaml'), yaml.replace('value: 10', 'value: 11'));
    const c = await loadRules([user], true, { validateBuiltin: false });
    expect(c.errors).toEqual([]);
    const mine = c.rules.find((r) => r.id === 'disk-errors');
    expect(mine?.thresholds['manyErrors']?.value).toBe(11);
    // the built-in objects were not touched by the replacement
    expect(a.rules.find((r) => r.id === 'disk-errors')?.thresholds['manyErrors']?.value).toBe(10);
  });

  it('are ignored when missing or not JSON', async () => {
    expect(await compiledBuiltin(path.join(dir, 'absent.json'))).toBeNull();
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"format":1,');
    expect(await compiledBuiltin(bad)).toBeNull();
  });
});
