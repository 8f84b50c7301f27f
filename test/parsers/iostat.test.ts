import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { iostat } from '../../src/parsers/iostat.js';
import type { SampleRecord } from '../../src/parsers/types.js';

const dir = new URL('../fixtures/iostat/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

function value(samples: SampleRecord[], metric: string, labels: Record<string, string>, t: number): number | undefined {
  return samples.find((s) => s.metric === metric && s.t === t && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('iostat', () => {
  it('reads -t -x -m with date and 12-hour time, skipping the since-boot first report (Fedora 20)', () => {
    const r = parseText(iostat, fixture('fedora20_iostat-txmN_12h-AMPM_saturated-sda-luks-lvm.txt'));
    const t = Date.UTC(2015, 1, 25, 17, 48, 55);
    expect(r.samples.some((s) => s.t === Date.UTC(2015, 1, 25, 17, 48, 52))).toBe(false);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['info']);
    expect(value(r.samples, 'cpu.iowaitPct', { cpu: 'all' }, t)).toBe(63.04);
    const sda = { device: 'sda' };
    expect(value(r.samples, 'disk.utilPct', sda, t)).toBe(100.03);
    expect(value(r.samples, 'disk.writeAwaitMs', sda, t)).toBe(521.26);
    expect(value(r.samples, 'disk.writeKBps', sda, t)).toBeCloseTo(17.33 * 1024, 6);
    expect(value(r.samples, 'disk.queueDepth', sda, t)).toBe(149.43);
    expect(value(r.samples, 'disk.reqSizeKB', sda, t)).toBeCloseTo(73.045, 6);
    expect(value(r.samples, 'disk.tps', sda, t)).toBeCloseTo(256.67, 6);
    expect(value(r.samples, 'disk.queueDepth', { device: 'fedora-swap' }, t)).toBe(6275.17);
  });

  it('reads RHEL5 "Time: 03:49:59 PM" lines on the header date', () => {
    const r = parseText(iostat, fixture('rhel5_2.6.18_iostat-t-x_12h-time_partitions-dm.txt'));
    const t = Date.UTC(2014, 9, 7, 15, 49, 59);
    expect(value(r.samples, 'cpu.userPct', { cpu: 'all' }, t)).toBe(14.62);
    expect(value(r.samples, 'disk.utilPct', { device: 'sda' }, t)).toBe(0);
    expect(r.formats[0]).toContain('12-hour');
  });

  it('reads ISO 8601 timestamps with an offset as UTC and 512-byte blocks as kB', () => {
    const r = parseText(iostat, fixture('ubuntu10.04_iostat-t_iso8601-timestamps.txt'));
    const t = Date.UTC(2010, 6, 27, 2, 46, 10);
    expect(r.samples.every((s) => s.timeBase === 'utc')).toBe(true);
    expect(value(r.samples, 'disk.tps', { device: 'sda' }, t)).toBe(93.02);
    expect(value(r.samples, 'disk.readKBps', { device: 'sda' }, t)).toBe(713.62);
  });

  it('emits no samples without -t, with a warning, but keeps the header facts and its DD/MM/YY date', () => {
    const r = parseText(iostat, fixture('ubuntu10.04_2.6.32_iostat-x_ddmmyy-date_sectors.txt'));
    expect(r.samples).toEqual([]);
    expect(r.diagnostics.filter((d) => d.severity === 'warning')).toHaveLength(1);
    expect(r.facts.find((f) => f.name === 'host.hostname')?.value).toBe('bozo');
    expect(r.formats[0]).toContain('DD/MM/YY');
  });

  it('rebuilds tps, await and request size from the per-direction columns of sysstat 12', () => {
    const text = [
      'Linux 5.4 (h) \t2020-06-01 \t_x86_64_\t(2 CPU)',
      '',
      '2020-06-01T10:00:00+0000',
      'Device            r/s     rkB/s   rrqm/s  %rrqm r_await rareq-sz     w/s     wkB/s   wrqm/s  %wrqm w_await wareq-sz  aqu-sz  %util',
      'sda              1.00      1.00     0.00   0.00    1.00     1.00    1.00      1.00     0.00   0.00    1.00     1.00    0.00   0.00',
      '',
      '2020-06-01T10:00:01+0000',
      'Device            r/s     rkB/s   rrqm/s  %rrqm r_await rareq-sz     w/s     wkB/s   wrqm/s  %wrqm w_await wareq-sz  aqu-sz  %util',
      'sda             10.00     40.00     0.00   0.00    2.00     4.00   30.00    960.00     0.00   0.00   10.00    32.00    0.31  45.00',
    ].join('\n');
    const r = parseText(iostat, text);
    const t = Date.UTC(2020, 5, 1, 10, 0, 1);
    expect(value(r.samples, 'disk.tps', { device: 'sda' }, t)).toBe(40);
    expect(value(r.samples, 'disk.awaitMs', { device: 'sda' }, t)).toBe(8);
    expect(value(r.samples, 'disk.reqSizeKB', { device: 'sda' }, t)).toBe(25);
    expect(value(r.samples, 'disk.queueDepth', { device: 'sda' }, t)).toBe(0.31);
    expect(r.samples.some((s) => s.t === Date.UTC(2020, 5, 1, 10, 0, 0))).toBe(false);
  });

  it('sniffs iostat and parses every fixture without a parser failure', () => {
    for (const name of readdirSync(dir)) {
      const text = fixture(name);
      expect(iostat.sniff(text.slice(0, 4096), name)).toBe(true);
      const r = parseText(iostat, text);
      expect(r.diagnostics.filter((d) => d.message.includes('failed'))).toEqual([]);
    }
  });

  it('never throws on random or mutated input', () => {
    const base = fixture('fedora20_iostat-txmN_12h-AMPM_saturated-sda-luks-lvm.txt').split('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.string({ maxLength: 60 }), (cut, junk) => {
        const r = parseText(iostat, [...base.slice(0, cut), junk, ...base.slice(cut)].join('\n'));
        for (const d of r.diagnostics) {
          expect(d.message).not.toContain('failed');
          if (d.line !== undefined) expect(d.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});
