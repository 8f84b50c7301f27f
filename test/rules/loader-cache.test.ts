/**
 * A batch analyses every bundle with the same rule files: each is read and checked once per process,
 * and again only when it changes.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRuleFile, loadRules } from '../../src/rules/loader.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sosmortem-rule-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rule files loaded once per process', () => {
  const file = path.join(dir, 'swap-thrash.yaml');
  copyFileSync(path.resolve(import.meta.dirname, '../../rules/memory/swap-thrash.yaml'), file);

  it('gives the same frozen rule while the file is unchanged, for every analysis that asks', async () => {
    const a = await loadRules([dir], true, { validateBuiltin: false });
    const b = await loadRules([dir], true, { validateBuiltin: false });
    const mine = (r: typeof a): unknown => r.rules.find((x) => x.file === file);
    expect(mine(a)).toBeDefined();
    expect(mine(b)).toBe(mine(a));
    expect(Object.isFrozen(mine(a))).toBe(true);
  });

  it('reads the file again once it changed, and reports a broken one every time', async () => {
    const before = await loadRuleFile(file);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/title: .*/, 'title: "Swap thrashing, as this team words it"'));
    // a change within the same second and of the same size would be missed: mtime is set apart on purpose
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const after = await loadRuleFile(file);
    expect(after).not.toBe(before);
    expect(after.title).toBe('Swap thrashing, as this team words it');
    writeFileSync(file, 'id: swap-thrash\n');
    await expect(loadRuleFile(file)).rejects.toThrow();
    await expect(loadRuleFile(file)).rejects.toThrow();
  });
});
