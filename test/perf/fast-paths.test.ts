/**
 * The start-up and per-line fast paths (docs/performance.md) must give the
 * same results as the general paths they bypass.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LINE_LIMITS, LineSplitter } from '../../src/bundle/lines.js';
import { loadRules } from '../../src/rules/loader.js';
import { localToUtc, noYearTime, offsetAt, type Zone } from '../../src/timeline/clock.js';

function split(chunks: Uint8Array[]): string[] {
  const out: string[] = [];
  const s = new LineSplitter(DEFAULT_LINE_LIMITS, (e) => {
    if (e.kind === 'line') out.push(e.text);
  });
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe('LineSplitter ASCII fast path', () => {
  it('keeps a UTF-8 character split between chunks when the next chunk is pure ASCII', () => {
    const bytes = Buffer.from('Nov 23 caf\u00e9\nplain ascii\n');
    const cut = bytes.indexOf(0xa9); // second byte of é
    expect(split([bytes.subarray(0, cut), bytes.subarray(cut, cut + 1), bytes.subarray(cut + 1)])).toEqual(['Nov 23 caf\u00e9', 'plain ascii']);
  });

  it('drops a byte-order mark only at the start of the file', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(split([Buffer.concat([bom, Buffer.from('a\n')])])).toEqual(['a']);
    expect(split([Buffer.from('a\n'), Buffer.concat([bom, Buffer.from('b\n')])])).toEqual(['a', '\ufeffb']);
  });

  it('keeps a character that straddles two decode pieces of one large read', () => {
    const first = 'a'.repeat(40_000);
    // 40 001 + 25 534 = 65 535: the euro sign's three bytes straddle the 64 KiB piece boundary.
    const second = `${'b'.repeat(25_534)}\u20ac${'c'.repeat(100)}`;
    expect(split([Buffer.from(`${first}\n${second}\nnext\n`)])).toEqual([first, second, 'next']);
  });

  it('still removes stray NULs that appear after clean chunks', () => {
    expect(split([Buffer.from('clean\n'), Buffer.from('a\0b\n')])).toEqual(['clean', 'ab']);
  });
});

describe('offsetAt cache', () => {
  const paris: Zone = { kind: 'iana', name: 'Europe/Paris' };
  it('changes offset at the exact second of a DST transition', () => {
    const change = Date.UTC(2026, 2, 29, 1, 0, 0); // 02:00 CET -> 03:00 CEST
    expect(offsetAt(paris, change - 1000)).toBe(60);
    expect(offsetAt(paris, change)).toBe(120);
    expect(offsetAt(paris, change - 1000)).toBe(60);
  });

  it('is exact around an off-quarter transition (local mean time), where buckets are not cached', () => {
    const ams: Zone = { kind: 'iana', name: 'Europe/Amsterdam' };
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: ams.name, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const reference = (t: number): number => {
      const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
      const asUtc = Date.UTC(p['year'] ?? 0, (p['month'] ?? 1) - 1, p['day'] ?? 1, p['hour'] ?? 0, p['minute'] ?? 0, p['second'] ?? 0);
      return Math.round((asUtc - Math.floor(t / 1000) * 1000) / 60000);
    };
    // Amsterdam moved from +01:19:32 to +01:20 on 1937-07-01, off the quarter hour; every 7 s around it must match Intl.
    for (let t = Date.UTC(1937, 5, 30, 21); t < Date.UTC(1937, 5, 30, 23); t += 7000) {
      expect(offsetAt(ams, t)).toBe(reference(t));
    }
    expect(localToUtc(paris, Date.UTC(2026, 6, 1, 12))).toBe(Date.UTC(2026, 6, 1, 10));
  });
});

describe('noYearTime', () => {
  it('equals Date.UTC in 2000 for in-range and rolled-over fields', () => {
    expect(noYearTime(1, 29, 23, 59, 60, 999)).toBe(Date.UTC(2000, 1, 29, 23, 59, 60, 999));
    expect(noYearTime(1, 31, 0, 0, 0)).toBe(Date.UTC(2000, 1, 31));
    expect(noYearTime(11, 31, 24, 0, 0, 0.5)).toBe(Date.UTC(2000, 11, 31, 24, 0, 0, 0.5));
  });
});

describe('loadRules without validating the built-in rules', () => {
  it('still validates the files of a user directory, with the schema error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sosmortem-rules-'));
    writeFileSync(path.join(dir, 'bad-rule.yaml'), 'id: bad-rule\nclass: not-a-class\n');
    const { rules, errors } = await loadRules([dir], true, { validateBuiltin: false });
    rmSync(dir, { recursive: true, force: true });
    expect(rules.length).toBeGreaterThan(10);
    expect(errors.map((e) => e.file)).toEqual([path.join(dir, 'bad-rule.yaml')]);
    expect(errors[0]?.where).toBe('/');
  });
});
