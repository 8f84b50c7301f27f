import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { vmstat } from '../../src/parsers/vmstat.js';
import type { SampleRecord } from '../../src/parsers/types.js';

const dir = new URL('../fixtures/vmstat/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

function value(samples: SampleRecord[], metric: string, t: number): number | undefined {
  return samples.find((s) => s.metric === metric && s.t === t)?.value;
}

describe('vmstat', () => {
  it('reads -a -w -t rows by column name and skips the since-boot first row (2015, EST)', () => {
    const r = parseText(vmstat, fixture('vmstat-awt_2015_EST_io-wait-blocked.txt'));
    const t = Date.UTC(2015, 1, 19, 19, 25, 20);
    expect(r.samples.some((s) => s.t === Date.UTC(2015, 1, 19, 19, 24, 20))).toBe(false);
    expect(value(r.samples, 'load.runQueue', t)).toBe(2);
    expect(value(r.samples, 'load.blocked', t)).toBe(2);
    expect(value(r.samples, 'mem.freeKiB', t)).toBe(57931432);
    expect(value(r.samples, 'mem.inactiveKiB', t)).toBe(2013332);
    expect(value(r.samples, 'mem.activeKiB', t)).toBe(4845572);
    expect(value(r.samples, 'io.readKBps', t)).toBe(7385);
    expect(value(r.samples, 'cpu.iowaitPct', t)).toBe(3);
    expect(r.samples.find((s) => s.metric === 'cpu.iowaitPct')?.labels).toEqual({ cpu: 'all' });
    expect(r.samples.every((s) => s.timeBase === 'local')).toBe(true);
    expect(r.formats).toEqual(['vmstat -t (EST), -a']);
    expect(value(r.samples, 'load.blocked', Date.UTC(2015, 1, 19, 19, 30, 20))).toBeGreaterThan(0);
  });

  it('reads the 2018 OpenShift node capture (EDT)', () => {
    const r = parseText(vmstat, fixture('vmstat-awt_2018_EDT_openshift-node.txt'));
    expect(value(r.samples, 'task.cswchPerSec', Date.UTC(2018, 9, 24, 10, 39, 22))).toBe(1952);
    expect(value(r.samples, 'cpu.idlePct', Date.UTC(2018, 9, 24, 10, 39, 22))).toBe(99);
    expect(new Set(r.samples.map((s) => s.t)).size).toBe(20);
  });

  it('takes no samples without -t and says why', () => {
    const r = parseText(vmstat, fixture('local-capture_debian12_procps4.0.2_vmstat-1-5_plain.txt'));
    expect(r.samples).toEqual([]);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['info', 'warning']);
  });

  it('converts si/so KiB/s to 4 KiB pages/s, accepts repeated headers and a UTC zone', () => {
    const hdr = [
      'procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu----- -----timestamp-----',
      ' r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st                 UTC',
    ];
    const text = [
      ...hdr,
      ' 1  0   1000 500000   1000  20000    8    8     0     0   10   10  1  1 98  0  0 2024-01-01 00:00:00',
      ' 3  1   2000 400000   1000  20000  400  800     0     0   10   10  1  1 58 40  0 2024-01-01 00:00:01',
      ...hdr,
      ' 2  1   3000 300000   1000  20000    0    0     0     0   10   10  1  1 98  0  0 2024-01-01 00:00:02',
    ].join('\n');
    const r = parseText(vmstat, text);
    const t = Date.UTC(2024, 0, 1, 0, 0, 1);
    expect(value(r.samples, 'swap.inPagesPerSec', t)).toBe(100);
    expect(value(r.samples, 'swap.outPagesPerSec', t)).toBe(200);
    expect(value(r.samples, 'swap.usedKiB', Date.UTC(2024, 0, 1, 0, 0, 2))).toBe(3000);
    expect(r.samples.every((s) => s.timeBase === 'utc')).toBe(true);
  });

  it('sniffs vmstat and parses every fixture without a parser failure', () => {
    for (const name of readdirSync(dir)) {
      const text = fixture(name);
      expect(vmstat.sniff(text, name)).toBe(true);
      expect(parseText(vmstat, text).diagnostics.filter((d) => d.message.includes('failed'))).toEqual([]);
    }
  });

  it('never throws on random or mutated input', () => {
    const base = fixture('vmstat-awt_2015_EST_io-wait-blocked.txt').split('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.string({ maxLength: 80 }), (cut, junk) => {
        const r = parseText(vmstat, [...base.slice(0, cut), junk, ...base.slice(cut)].join('\n'));
        for (const d of r.diagnostics) {
          expect(d.message).not.toContain('failed');
          if (d.line !== undefined) expect(d.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});
