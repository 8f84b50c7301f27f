import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect } from 'vitest';
import { parseText, RecordCollector } from '../../src/parsers/collect.js';
import { KernelEventScanner } from '../../src/parsers/kernel-events.js';
import type { EventRecord, SourceParser } from '../../src/parsers/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixture(dir: string, name: string): string {
  return readFileSync(`${FIXTURES}${dir}/${name}`, 'utf8');
}

/** Feeds bare kernel messages (as the log parsers would, prefix removed) to the kernel-event scanner, with uptime = line number. */
export function scanKernel(text: string | string[]): RecordCollector {
  const sink = new RecordCollector('test');
  const s = new KernelEventScanner(sink);
  (typeof text === 'string' ? text.split('\n') : text).forEach((m, i) => s.feed(m, i + 1, 'uptime', i + 1));
  s.end();
  return sink;
}

export function eventsOf(c: RecordCollector, type: string): EventRecord[] {
  return c.events.filter((e) => e.type === type);
}

/** A parser never throws (collect.ts turns a throw into a "failed" error) and locates every diagnostic. */
export function expectRobust(parser: SourceParser, text: string, path: string): void {
  const c = parseText(parser, text, { path });
  const lines = text.split(/\r\n|\n|\r/).length;
  for (const d of c.diagnostics) {
    expect(d.message).not.toMatch(/failed (on this line|at end of file)/);
    if (d.line !== undefined) {
      expect(Number.isInteger(d.line)).toBe(true);
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.line).toBeLessThanOrEqual(lines);
    }
  }
  for (const r of c.records) {
    if (r.kind === 'sample') expect(Number.isFinite(r.value)).toBe(true);
    if (r.kind === 'event') expect(r.lines.length).toBeGreaterThan(0);
    if (r.kind === 'fact' && typeof r.value === 'number') expect(Number.isNaN(r.value)).toBe(false);
  }
}

/** Random text, and real fixtures truncated, cut at the front, or with lines shuffled and mangled. */
export function fuzzParser(parser: SourceParser, path: string, samples: string[], numRuns = 150): void {
  const lines = samples.flatMap((s) => s.split('\n'));
  const mangle = fc.tuple(fc.constantFrom(...lines), fc.nat(200), fc.string({ maxLength: 12 })).map(([l, at, junk]) => l.slice(0, at % (l.length + 1)) + junk);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 400 }),
        fc.constantFrom(...samples).chain((s) => fc.tuple(fc.nat(s.length), fc.nat(s.length)).map(([a, b]) => s.slice(Math.min(a, b), Math.max(a, b)))),
        fc.array(fc.oneof(fc.constantFrom(...lines), mangle), { maxLength: 80 }).map((l) => l.join('\n')),
      ),
      (text) => expectRobust(parser, text, path),
    ),
    { numRuns },
  );
}
