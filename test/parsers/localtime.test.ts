import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBytes, parseText } from '../../src/parsers/collect.js';
import { decodeTzif, localtimeParser, zoneNameOfLink, type TzifRules } from '../../src/parsers/localtime.js';
import { timezoneConfigParser } from '../../src/parsers/timezone-config.js';
import { offsetAt, type Zone } from '../../src/timeline/clock.js';
import { parsePosixTz, posixOffsetAt } from '../../src/timeline/posix-tz.js';
import { fact } from './system-helpers.js';

// Real TZif files of Debian's tzdata 2025b (test/fixtures/SOURCES-system.md).
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Europe/Dublin', 'Pacific/Chatham', 'Asia/Kolkata', 'America/Sao_Paulo'];
/** The year from which on each zone's changes follow the rule its footer states (the EU's of 1996, the US's of 2007 …). */
const RULE_SINCE: Record<string, number> = {
  'Europe/Berlin': 1997,
  'America/New_York': 2008,
  'Australia/Sydney': 2009,
  'Europe/Dublin': 1997,
  'Pacific/Chatham': 2009,
  'Asia/Kolkata': 1950,
  'America/Sao_Paulo': 2020,
};
const tzif = (zone: string): Buffer => readFileSync(path.resolve(import.meta.dirname, '../fixtures/localtime/zoneinfo', zone));

function rulesOf(bytes: Uint8Array): TzifRules {
  const r = decodeTzif(bytes);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

function zoneOf(r: TzifRules, keepTransitions = r.transitions.length): Zone {
  return {
    kind: 'rules',
    label: r.footer ?? '',
    transitions: r.transitions.slice(0, keepTransitions).map((t) => t * 1000),
    offsets: r.offsets.slice(0, keepTransitions).map((o) => Math.round(o / 60)),
    initialOffsetMin: Math.round(r.initial / 60),
    rule: r.footer ? parsePosixTz(r.footer) : null,
  };
}

function intlOffset(zone: string, utcMs: number): number {
  return offsetAt({ kind: 'iana', name: zone }, utcMs);
}

/** Every 6 hours from 2010 to 2035, and either side of every transition the Intl database makes in those years. */
function instants(zone: string): number[] {
  const out: number[] = [];
  const end = Date.UTC(2035, 11, 31);
  let prev: number | null = null;
  for (let t = Date.UTC(2010, 0, 1); t < end; t += 6 * 3600_000) {
    out.push(t);
    const off = intlOffset(zone, t);
    if (prev !== null && off !== prev) {
      // narrow the change down to the minute and test both sides of it
      let lo = t - 6 * 3600_000;
      let hi = t;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (intlOffset(zone, mid) === prev) lo = mid;
        else hi = mid;
      }
      out.push(lo, hi, hi - 1000);
    }
    prev = off;
  }
  return out;
}

describe('TZif files (RFC 8536)', () => {
  it('decodes version 2 files: the 64-bit block, the types and the footer rule', () => {
    const berlin = rulesOf(tzif('Europe/Berlin'));
    expect(berlin.version).toBe(2);
    expect(berlin.footer).toBe('CET-1CEST,M3.5.0,M10.5.0/3');
    expect(berlin.abbreviations).toEqual(expect.arrayContaining(['CET', 'CEST']));
    // 2026-03-29T01:00:00Z, Berlin goes to summer time
    const i = berlin.transitions.indexOf(Date.UTC(2026, 2, 29, 1) / 1000);
    expect(i).toBeGreaterThan(0);
    expect([berlin.offsets[i - 1], berlin.offsets[i]]).toEqual([3600, 7200]);
    expect(rulesOf(tzif('Asia/Kolkata')).footer).toBe('IST-5:30');
    expect(rulesOf(tzif('Pacific/Chatham')).footer).toBe('<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45');
  });

  for (const zone of ZONES) {
    it(`gives the offsets of the tz database for ${zone}, from its transitions and from its rule alone`, () => {
      const rules = rulesOf(tzif(zone));
      const whole = zoneOf(rules);
      // a slim file (zic -b slim) stops where the footer's rule takes over and leaves the rest to it
      const since = Date.UTC(RULE_SINCE[zone] ?? 2100, 0, 1) / 1000;
      const kept = rules.transitions.filter((t) => t < since).length;
      expect(kept).toBeLessThanOrEqual(rules.transitions.length - (zone === 'Asia/Kolkata' || zone === 'America/Sao_Paulo' ? 0 : 20));
      const slim = zoneOf(rules, kept);
      const wrong: string[] = [];
      for (const t of instants(zone)) {
        const want = intlOffset(zone, t);
        if (offsetAt(whole, t) !== want) wrong.push(`whole ${new Date(t).toISOString()} ${offsetAt(whole, t)} ≠ ${want}`);
        if (offsetAt(slim, t) !== want) wrong.push(`slim ${new Date(t).toISOString()} ${offsetAt(slim, t)} ≠ ${want}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    });
  }

  it('refuses files that are not TZif, cut short or out of range, saying why', () => {
    const berlin = tzif('Europe/Berlin');
    expect(decodeTzif(Buffer.from('Europe/Berlin\n'))).toMatch(/cut short|magic/);
    expect(decodeTzif(berlin.subarray(0, 40))).toMatch(/cut short/);
    expect(decodeTzif(berlin.subarray(0, 1000))).toMatch(/cut short|without/);
    const noFooter = berlin.subarray(0, berlin.lastIndexOf(0x0a, berlin.length - 2));
    expect(decodeTzif(noFooter)).toMatch(/footer/);
    const huge = Buffer.from(berlin);
    huge.writeUInt32BE(0x7fffffff, 20 + 3 * 4);
    expect(typeof decodeTzif(huge)).toBe('string');
  });

  it('never throws on damaged or random bytes', () => {
    const samples = ZONES.map(tzif);
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), fc.nat(255), fc.nat(), (file, at, byte, cut) => {
        const damaged = Buffer.from(file);
        damaged[at % damaged.length] = byte;
        for (const b of [damaged, damaged.subarray(0, cut % (damaged.length + 1))]) {
          const r = parseBytes(localtimeParser, b, { path: 'etc/localtime' });
          expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          if (r.facts.length > 0) JSON.parse(String(r.facts[0]?.value));
        }
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(parseBytes(localtimeParser, b, { path: 'etc/localtime' }).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      }),
    );
  });

  it('gives the rules as a fact and names the format in the coverage', () => {
    const r = parseBytes(localtimeParser, tzif('America/New_York'), { path: 'etc/localtime' });
    expect(r.formats).toEqual([expect.stringMatching(/^TZif version 2, \d+ transitions, rule EST5EDT,M3.2.0,M11.1.0$/)]);
    expect(JSON.parse(String(fact(r, 'time.zoneRules')))).toMatchObject({ footer: 'EST5EDT,M3.2.0,M11.1.0' });
  });
});

describe('etc/localtime as a link', () => {
  it('names the zone from the link target, as sos stores it', () => {
    expect(zoneNameOfLink('../usr/share/zoneinfo/Europe/Berlin')).toBe('Europe/Berlin');
    expect(zoneNameOfLink('/usr/share/zoneinfo/America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(zoneNameOfLink('/usr/share/zoneinfo/posix/Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(zoneNameOfLink('../usr/share/zoneinfo/UTC')).toBe('UTC');
    expect(zoneNameOfLink('/etc/alternatives/localtime')).toBeNull();
    expect(zoneNameOfLink('../usr/share/zoneinfo/../../../etc/passwd')).toBeNull();
  });

  it('reads a link through the parser without lines', () => {
    const lp = parseText(localtimeParser, '', { path: 'etc/localtime', linkTarget: '../usr/share/zoneinfo/Europe/Berlin' });
    expect(fact(lp, 'time.zoneLink')).toBe('Europe/Berlin');
    const odd = parseText(localtimeParser, '', { path: 'etc/localtime', linkTarget: '/opt/tz/mine' });
    expect(odd.facts).toEqual([]);
    expect(odd.diagnostics.map((d) => d.severity)).toEqual(['info']);
  });
});

describe('POSIX TZ strings', () => {
  it('reads the forms TZif footers use and refuses abbreviations alone', () => {
    expect(parsePosixTz('CET-1CEST,M3.5.0,M10.5.0/3')).toMatchObject({ stdOffsetSec: 3600, dst: { offsetSec: 7200, startSec: 7200, endSec: 10800 } });
    expect(parsePosixTz('<-03>3')).toMatchObject({ stdOffsetSec: -10800, dst: null });
    expect(parsePosixTz('IST-5:30')).toMatchObject({ stdOffsetSec: 19800, dst: null });
    expect(parsePosixTz('IST-1GMT0,M10.5.0,M3.5.0/1')).toMatchObject({ stdOffsetSec: 3600, dst: { offsetSec: 0 } });
    expect(parsePosixTz('<+0330>-3:30<+0430>,J79/24,J263/24')).toMatchObject({ dst: { start: { kind: 'J', day: 79 }, startSec: 86400 } });
    expect(parsePosixTz('EST5EDT')).toMatchObject({ dst: { start: { kind: 'M', month: 3, week: 2 } } });
    for (const bad of ['CET', 'Europe/Berlin', '+01:00', 'CET-1CEST,M13.5.0,M10.5.0', 'CET-1CEST,M3.5.0', 'X-1', 'CET-1CEST,M3.5.0,M10.5.0/3 ', '<CET-1'])
      expect(parsePosixTz(bad), bad).toBeNull();
  });

  it('places the changes of a Julian-day rule (Iran until 2022) and of a southern zone', () => {
    const iran = parsePosixTz('<+0330>-3:30<+0430>,J79/24,J263/24');
    if (!iran) throw new Error('unparsed');
    // J79/24 is the end of March 20 (day 79 never counts Feb 29): 24:00 local standard time = 20:30Z
    expect(posixOffsetAt(iran, Date.UTC(2020, 2, 20, 20, 29))).toBe(12600);
    expect(posixOffsetAt(iran, Date.UTC(2020, 2, 20, 20, 30))).toBe(16200);
    const sydney = parsePosixTz('AEST-10AEDT,M10.1.0,M4.1.0/3');
    if (!sydney) throw new Error('unparsed');
    expect(posixOffsetAt(sydney, Date.UTC(2026, 0, 15))).toBe(39600);
    expect(posixOffsetAt(sydney, Date.UTC(2026, 6, 15))).toBe(36000);
  });
});

describe('etc/timezone and etc/sysconfig/clock', () => {
  it("reads Debian's one line and RHEL's and SUSE's assignments", () => {
    expect(fact(parseText(timezoneConfigParser, 'Europe/Berlin\n', { path: 'etc/timezone' }), 'time.zoneConfigured')).toBe('Europe/Berlin');
    expect(
      fact(parseText(timezoneConfigParser, 'ZONE="America/New_York"\nUTC=true\nARC=false\n', { path: 'etc/sysconfig/clock' }), 'time.zoneConfigured'),
    ).toBe('America/New_York');
    expect(
      fact(
        parseText(timezoneConfigParser, '## Type: string(Europe/Berlin,UTC)\nHWCLOCK="-u"\nTIMEZONE="Europe/Vienna"\nDEFAULT_TIMEZONE="US/Eastern"\n', {
          path: 'etc/sysconfig/clock',
        }),
        'time.zoneConfigured',
      ),
    ).toBe('Europe/Vienna');
  });

  it('says when a file names no zone', () => {
    const r = parseText(timezoneConfigParser, 'UTC=true\n', { path: 'etc/sysconfig/clock' });
    expect(r.facts).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['no ZONE= or TIMEZONE= line']);
    expect(parseText(timezoneConfigParser, 'Europe Berlin; rm -rf /\n', { path: 'etc/timezone' }).facts).toEqual([]);
  });
});
