/**
 * Every real capture under test/fixtures/<parser-id>/ (copied from the shared
 * corpus with its origin in test/fixtures/SOURCES-*.md) parses without a
 * parser failure and yields records. The fixture folder's name is the parser
 * id, so a new fixture is covered the moment it is added.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../../src/parsers/collect.js';
import { parserById } from '../../src/parsers/registry.js';
import { timeFromName } from '../../src/bundle/attachments.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

const dirs = readdirSync(fixtures).filter((d) => statSync(path.join(fixtures, d)).isDirectory() && parserById(d) !== undefined);

it('covers the fixture folders of most parsers', () => {
  expect(dirs.length).toBeGreaterThanOrEqual(25);
});

for (const id of dirs) {
  const parser = parserById(id);
  if (!parser) continue;
  describe(`fixtures of ${id}`, () => {
    for (const file of filesUnder(path.join(fixtures, id))) {
      const rel = path.relative(path.join(fixtures, id), file);
      // Files kept at their sosreport path (…/sys/devices/…) are parsed under that path, as the bundle reader would.
      const parts = rel.split('/');
      const rootAt = parts.findIndex((p) => ['sos_commands', 'proc', 'sys', 'var', 'etc', 'run'].includes(p));
      const bundlePath = rootAt >= 0 ? parts.slice(rootAt).join('/') : rel;
      it(`parses ${rel}`, () => {
        const fileTime = timeFromName(file);
        const r = parseBytes(parser, readFileSync(file), fileTime === undefined ? { path: bundlePath } : { path: bundlePath, fileTime });
        expect(r.diagnostics.filter((d) => /failed (on this line|on this file|at end of file)|could not start/.test(d.message))).toEqual([]);
        // A file that gives nothing must say why (vmstat without -t has no times; top output is not ps).
        if (r.records.length === 0) expect(r.diagnostics.some((d) => d.severity === 'warning'), `${rel} gave no records and no warning`).toBe(true);
      });
    }
  });
}
