import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { sar } from '../../src/parsers/sar.js';
import { sarXml } from '../../src/parsers/sar-xml.js';
import type { SampleRecord } from '../../src/parsers/types.js';

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

function value(samples: SampleRecord[], metric: string, labels: Record<string, string>, t: number): number | undefined {
  return samples.find((s) => s.metric === metric && s.t === t && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('sar XML (sadf -x)', () => {
  it('reads sysstat 12.7.6 XML with tz="UTC" timestamps as UTC', () => {
    const r = parseText(sarXml, fixture('sar-xml/sysstat-12.7.6_sadf-x.xml'), { path: 'sos_commands/sar/sa20.xml' });
    const t = Date.UTC(2024, 0, 20, 16, 0, 22);
    expect(r.samples.every((s) => s.timeBase === 'utc')).toBe(true);
    expect(value(r.samples, 'cpu.userPct', { cpu: 'all' }, t)).toBe(0.87);
    expect(value(r.samples, 'cpu.irqPct', { cpu: '1' }, t)).toBe(1);
    expect(value(r.samples, 'task.cswchPerSec', {}, t)).toBe(599);
    expect(value(r.samples, 'mem.freeKiB', {}, t)).toBe(8544664);
    expect(value(r.samples, 'mem.commitPct', {}, t)).toBe(30.7);
    expect(value(r.samples, 'io.writeKBps', {}, t)).toBe(20);
    expect(value(r.samples, 'load.plistSize', {}, t)).toBe(967);
    // both rkB and rd_sec are written: kB wins, and each metric appears once per device
    const t2 = Date.UTC(2024, 0, 20, 16, 1, 19);
    expect(value(r.samples, 'disk.writeKBps', { device: 'sdb' }, t2)).toBe(145.81);
    expect(value(r.samples, 'disk.reqSizeKB', { device: 'sdb' }, t2)).toBe(26.21);
    expect(value(r.samples, 'disk.awaitMs', { device: 'dm-3' }, t2)).toBe(58.66);
    expect(r.samples.filter((s) => s.metric === 'disk.queueDepth' && s.labels.device === 'sdb')).toHaveLength(2);
    const boot = r.events.find((e) => e.type === 'boot');
    expect(boot).toMatchObject({ t: Date.UTC(2024, 0, 20, 16, 0, 17), timeBase: 'utc', attrs: { cpus: 8 } });
    expect(r.facts.find((f) => f.name === 'host.hostname')?.value).toBe('brooks.home');
    expect(r.formats[0]).toContain('sysdata 3.17');
  });

  it('reads sysstat 12.0 XML (utc="1") with the same values as the sar text of the same sa file', () => {
    const x = parseText(sarXml, fixture('sar-xml/sysstat-12.0.0_sadf-x.xml'));
    const txt = parseText(sar, fixture('sar/sysstat-12.0.0_sar-A_C-locale.txt'));
    const t = Date.UTC(2019, 5, 30, 5, 39, 34);
    expect(x.samples[0]?.timeBase).toBe('utc');
    for (const metric of ['mem.freeKiB', 'mem.commitKiB', 'task.cswchPerSec', 'load.avg1', 'swap.freeKiB', 'paging.faultPerSec']) {
      expect(value(x.samples, metric, {}, t)).toBeDefined();
      expect(value(x.samples, metric, {}, t)).toBe(value(txt.samples, metric, {}, t));
    }
    expect(value(x.samples, 'net.rxPackets', { iface: 'lo' }, t)).toBe(value(txt.samples, 'net.rxPackets', { iface: 'lo' }, t));
  });

  it('reports malformed XML as a file-level diagnostic', () => {
    const r = parseText(sarXml, '<sysstat><host nodename="a"><statistics><timestamp date="2024-01-01" time="x"');
    expect(r.samples).toEqual([]);
    expect(r.diagnostics.every((d) => d.line === undefined || d.line >= 1)).toBe(true);
  });

  it('keeps every sample before the cut of a file cut short, and says where it ends', () => {
    const whole = fixture('sar-xml/sysstat-12.7.6_sadf-x.xml');
    const all = parseText(sarXml, whole).samples;
    const cut = whole.indexOf('<timestamp', whole.indexOf('<timestamp') + 1);
    const r = parseText(sarXml, whole.slice(0, cut + 200));
    const first = all[0]?.t;
    expect(r.samples.filter((s) => s.t === first)).toEqual(all.filter((s) => s.t === first));
    expect(r.diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/ends inside <.*> \(cut short\?\): the samples before the cut were kept/));
  });

  it('reads tags split over lines, comments and character references as an XML reader does', () => {
    const whole = fixture('sar-xml/sysstat-12.0.0_sadf-x.xml');
    const key = (x: SampleRecord): string => `${x.metric} ${JSON.stringify(x.labels)} ${x.t} ${x.value}`;
    const expected = parseText(sarXml, whole).samples.map(key).sort();
    const reflowed = whole
      .replaceAll(' usr=', '\n\t usr=')
      .replaceAll(' nice=', ' note="a > b" nice=')
      .replaceAll('<timestamp ', '<!-- a comment\n over > two lines --><timestamp\n')
      .replaceAll('dev="sda"', 'dev="s&#100;&amp;a"');
    const r = parseText(sarXml, reflowed);
    expect(r.diagnostics).toEqual([]);
    const got = r.samples.map(key).sort();
    expect(got).toEqual(expected.map((k) => k.replace('{"device":"sda"}', '{"device":"sd&a"}')).sort());
  });

  it('does not gather the rest of a file into an element that is never closed', () => {
    const whole = fixture('sar-xml/sysstat-12.0.0_sadf-x.xml');
    const r = parseText(sarXml, whole.replace('<memfree>', '<memfree>' + '1234567890\n'.repeat(1000)));
    expect(r.diagnostics.map((d) => d.message)).toContainEqual('<memfree> holds more than 4096 characters where a number belongs: skipped');
    expect(r.samples.filter((s) => s.metric === 'mem.freeKiB').length).toBe(
      parseText(sarXml, whole).samples.filter((s) => s.metric === 'mem.freeKiB').length - 1,
    );
  });

  it('stops tracking elements nested past 64, so that a million unclosed tags cost no more than a million closed ones', () => {
    const whole = fixture('sar-xml/sysstat-12.0.0_sadf-x.xml');
    const at = whole.indexOf('<cpu-load>');
    const r = parseText(sarXml, whole.slice(0, at) + '<a>\n'.repeat(1_000_000) + whole.slice(at));
    expect(r.diagnostics.map((d) => d.message)).toContain('elements nested deeper than 64: the deeper ones are not tracked');
  });

  it('sniffs sadf XML and owns saDD.xml paths', () => {
    expect(sarXml.sniff(fixture('sar-xml/sysstat-12.0.0_sadf-x.xml').slice(0, 2048), 'x')).toBe(true);
    expect(sarXml.paths.some((re) => re.test('sos_commands/sar/sa30.xml'))).toBe(true);
  });

  it('never throws on random or truncated XML', () => {
    const base = fixture('sar-xml/sysstat-12.7.6_sadf-x.xml');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.string({ maxLength: 40 }), (cut, junk) => {
        const r = parseText(sarXml, base.slice(0, cut) + junk);
        for (const d of r.diagnostics) {
          expect(d.message).not.toContain('failed');
          if (d.line !== undefined) expect(d.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('sar-xml evidence lines', () => {
  it('points each sample at the element that carries its value, not the <timestamp> line', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseText } = await import('../../src/parsers/collect.js');
    const { sarXml } = await import('../../src/parsers/sar-xml.js');
    const text = readFileSync(new URL('../fixtures/sar-xml/sysstat-12.0.0_sadf-x.xml', import.meta.url), 'utf8');
    const lines = text.split('\n');
    const samples = parseText(sarXml, text).samples;
    const lineOf = (metric: string, labels: Record<string, string> = {}): string => {
      const s = samples.find((x) => x.metric === metric && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
      return (lines[(s?.line ?? 0) - 1] ?? '').trim();
    };
    expect(lineOf('cpu.userPct', { cpu: 'all' })).toMatch(/^<cpu number="all" usr=/);
    expect(lineOf('swap.outPagesPerSec')).toMatch(/^<swap-pages .*pswpout=/);
    expect(lineOf('disk.utilPct', { device: 'sda' })).toMatch(/^<disk-device dev="sda"/);
    expect(lineOf('mem.freeKiB')).toMatch(/^<memfree>\d+<\/memfree>$/);
  });
});

describe('pressure stall information (sysstat 12.6.1, kernel 6.18, a real capture of page-cache thrash in a cgroup)', () => {
  const xml = parseText(sarXml, fixture('sar-xml/sysstat-12.6.1_sadf-x_psi_cgroup-thrash.xml')).samples;
  const text = parseText(sar, fixture('sar/sysstat-12.6.1_sar-A_psi-sections_cgroup-thrash.txt')).samples;
  const series = (samples: SampleRecord[], metric: string): string[] => samples.filter((s) => s.metric === metric).map((s) => `${s.t} ${s.value}`);
  it.each(['pressure.cpu.somePct', 'pressure.io.somePct', 'pressure.io.fullPct', 'pressure.memory.somePct', 'pressure.memory.fullPct'])(
    '%s is the same series from sadf -x and from sar -A',
    (metric) => {
      expect(series(xml, metric)).toHaveLength(47);
      expect(series(xml, metric)).toEqual(series(text, metric));
    },
  );
  it('reads the interval share, not the kernel running averages', () => {
    // 00:08:08: %smem-10 23.36, %smem-60 8.98, %smem-300 3.81, %smem 33.90
    expect(value(xml, 'pressure.memory.somePct', {}, Date.UTC(2026, 11, 7, 0, 8, 8))).toBe(33.9);
    expect(value(text, 'pressure.memory.fullPct', {}, Date.UTC(2026, 11, 7, 0, 8, 8))).toBe(28.19);
  });
});
