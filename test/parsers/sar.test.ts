import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordCollector, feedText, parseText } from '../../src/parsers/collect.js';
import { sar } from '../../src/parsers/sar.js';
import type { SampleRecord } from '../../src/parsers/types.js';

const dir = new URL('../fixtures/sar/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

function find(samples: SampleRecord[], metric: string, labels: Record<string, string>, t: number): SampleRecord | undefined {
  return samples.find((s) => s.metric === metric && s.t === t && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function value(samples: SampleRecord[], metric: string, labels: Record<string, string>, t: number): number | undefined {
  return find(samples, metric, labels, t)?.value;
}

class NoPerCpu extends RecordCollector {
  override wants(prefix?: string): boolean {
    return prefix !== 'cpu.percpu';
  }
}

describe('sar text', () => {
  it('reads 12-hour AM/PM rows across midnight and noon on the ISO header date (RHEL7)', () => {
    const r = parseText(sar, fixture('rhel7_3.10_12h-AMPM_iso-date.txt'), { path: 'sos_commands/sar/sar09' });
    const s = r.samples;
    expect(value(s, 'cpu.userPct', { cpu: 'all' }, Date.UTC(2016, 3, 9, 0, 10, 1))).toBe(0.13);
    expect(value(s, 'cpu.userPct', { cpu: 'all' }, Date.UTC(2016, 3, 9, 12, 10, 1))).toBe(0.37);
    expect(value(s, 'cpu.idlePct', { cpu: 'all' }, Date.UTC(2016, 3, 9, 23, 40, 1))).toBe(97.52);
    expect(find(s, 'cpu.userPct', { cpu: 'all' }, Date.UTC(2016, 3, 10, 0, 10, 1))).toBeUndefined();
    expect(s.every((x) => x.timeBase === 'local')).toBe(true);
    expect(value(s, 'load.runQueue', {}, Date.UTC(2016, 3, 9, 0, 10, 1))).toBe(3);
    expect(value(s, 'load.plistSize', {}, Date.UTC(2016, 3, 9, 0, 10, 1))).toBe(143);
    expect(value(s, 'load.avg1', {}, Date.UTC(2016, 3, 9, 0, 10, 1))).toBe(0.06);
    expect(r.formats).toEqual(['sar, 12-hour, YYYY-MM-DD']);
  });

  it('maps old sector columns of -d to kB and keeps dev8-0 names (RHEL7)', () => {
    const s = parseText(sar, fixture('rhel7_3.10_12h-AMPM_iso-date.txt')).samples;
    const t = Date.UTC(2016, 3, 9, 0, 10, 1);
    const dev = { device: 'dev8-0' };
    expect(value(s, 'disk.tps', dev, t)).toBe(0.31);
    expect(value(s, 'disk.writeKBps', dev, t)).toBe(1.45);
    expect(value(s, 'disk.reqSizeKB', dev, t)).toBeCloseTo(4.705, 6);
    expect(value(s, 'disk.awaitMs', dev, t)).toBe(1.18);
    expect(value(s, 'disk.svctmMs', dev, t)).toBe(0.61);
    expect(value(s, 'disk.utilPct', dev, t)).toBe(0.02);
  });

  it('reads the de_DE locale (DD.MM.YYYY, decimal comma) exactly like the C and en_US 12-hour renderings', () => {
    const de = parseText(sar, fixture('sysstat-12.0.0_sar-A_de_DE.txt'));
    const t = Date.UTC(2019, 5, 30, 5, 39, 34);
    expect(value(de.samples, 'cpu.userPct', { cpu: 'all' }, t)).toBe(0.37);
    expect(value(de.samples, 'mem.commitPct', {}, t)).toBe(25.42);
    expect(value(de.samples, 'mem.commitKiB', {}, t)).toBe(6335444);
    expect(value(de.samples, 'mem.availableKiB', {}, t)).toBe(5754884);
    expect(de.formats[0]).toContain('DD.MM.YYYY');
    const key = (x: SampleRecord): string => `${x.metric}|${JSON.stringify(x.labels)}|${x.t}|${x.value}`;
    const c = parseText(sar, fixture('sysstat-12.0.0_sar-A_C-locale.txt'));
    const us = parseText(sar, fixture('sysstat-12.0.0_sar-A_en_US-12h.txt'));
    expect(de.samples.map(key).sort()).toEqual(c.samples.map(key).sort());
    expect(us.samples.map(key).sort()).toEqual(c.samples.map(key).sort());
    expect(us.formats[0]).toContain('12-hour');
    const boot = de.events.find((e) => e.type === 'boot');
    expect(boot?.t).toBe(Date.UTC(2019, 5, 30, 5, 39, 21));
    expect(boot?.attrs).toEqual({ cpus: 8, source: 'sysstat' });
  });

  it('reads RHEL5 sysstat 7 text: ISO date, no arch, two LINUX RESTART lines as boot events', () => {
    const r = parseText(sar, fixture('rhel5_2.6.18_sysstat7_iso-date_restarts.txt'));
    expect(r.events.filter((e) => e.type === 'boot').map((e) => e.t)).toEqual([
      Date.UTC(2013, 10, 21, 13, 58, 16),
      Date.UTC(2013, 10, 21, 15, 47, 30),
    ]);
    expect(value(r.samples, 'task.procPerSec', {}, Date.UTC(2013, 10, 21, 14, 10, 1))).toBe(0.73);
    expect(r.facts.map((f) => [f.name, f.value])).toEqual([
      ['host.kernel', '2.6.18-238.1.1.el5'],
      ['host.hostname', 'server2'],
    ]);
  });

  it('emits every CPU of a 288-CPU SLES12 host only when per-CPU rows are wanted', () => {
    const text = fixture('sles12_288cpu_sysstat10.2.1_full.txt');
    const r = parseText(sar, text);
    const t = Date.UTC(2016, 3, 19, 16, 9, 0);
    expect(r.facts.find((f) => f.name === 'host.cpus')?.value).toBe(288);
    expect(value(r.samples, 'cpu.systemPct', { cpu: 'all' }, t)).toBe(0.02);
    expect(value(r.samples, 'cpu.systemPct', { cpu: '0' }, t)).toBe(0.2);
    const cpus = new Set(r.samples.filter((s) => s.metric === 'cpu.idlePct' && s.t === t).map((s) => s.labels.cpu));
    expect(cpus.size).toBe(289);
    const lean = new NoPerCpu('x');
    feedText(sar, text, { path: 'x' }, lean);
    const leanCpus = new Set(lean.samples.filter((s) => s.metric.startsWith('cpu.')).map((s) => s.labels.cpu));
    expect([...leanCpus]).toEqual(['all']);
  });

  it('reads a live sar -A 3 capture whose sections repeat every interval (Fedora 20, PM)', () => {
    const r = parseText(sar, fixture('fedora20_live-sar-A_12h-AMPM_interleaved.txt'));
    const s = r.samples;
    expect(value(s, 'cpu.iowaitPct', { cpu: 'all' }, Date.UTC(2015, 1, 25, 17, 48, 52))).toBe(29.82);
    expect(value(s, 'cpu.systemPct', { cpu: 'all' }, Date.UTC(2015, 1, 25, 17, 49, 10))).toBe(12.23);
    const times = s.filter((x) => x.metric === 'cpu.userPct' && x.labels.cpu === 'all').map((x) => x.t);
    expect(times).toHaveLength(7);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(3000);
    // frmpg/s and bufpg/s go negative legitimately; they are not emitted, so nothing is dropped.
    expect(r.diagnostics.filter((d) => d.severity === 'warning')).toEqual([]);
  });

  it('adds a day when rows pass midnight (ppc test file 19:43 → 00:03)', () => {
    const s = parseText(sar, fixture('sysstat-tests_expected.data-ppc-11.7.2.txt')).samples;
    expect(value(s, 'cpu.idlePct', { cpu: 'all' }, Date.UTC(2017, 3, 27, 19, 43, 21))).toBe(100);
    expect(find(s, 'cpu.idlePct', { cpu: 'all' }, Date.UTC(2017, 3, 28, 0, 3, 37))).toBeDefined();
  });

  it('keeps every LINUX RESTART of a host that rebooted repeatedly, and dev253 names (RHEL6)', () => {
    const r = parseText(sar, fixture('rhel6_2.6.32_rhevh_multi-restart.txt'));
    const boots = r.events.filter((e) => e.type === 'boot');
    expect(boots).toHaveLength(14);
    expect(boots[0]?.t).toBe(Date.UTC(2014, 0, 13, 11, 17, 56));
    expect(value(r.samples, 'disk.readKBps', { device: 'dev8-0' }, Date.UTC(2014, 0, 13, 11, 50, 1))).toBe(122.29);
  });

  it('reads sar -h human-readable values (1.4G, 46.1%)', () => {
    const s = parseText(sar, fixture('sysstat-tests_expected.sar-human.txt')).samples;
    const t = Date.UTC(2019, 3, 18, 13, 20, 19);
    expect(value(s, 'mem.freeKiB', {}, t)).toBeCloseTo(1.4 * 1024 * 1024, 3);
    expect(value(s, 'mem.usedPct', {}, t)).toBe(46.1);
    expect(value(s, 'cpu.idlePct', { cpu: 'all' }, t)).toBe(82.9);
  });

  it('decides an ambiguous MM/DD vs DD/MM header date from the sarDD file name', () => {
    const text = 'Linux 5.14.0 (h) \t06/05/19 \t_x86_64_\t(4 CPU)\n\n10:00:01   runq-sz  plist-sz   ldavg-1   ldavg-5  ldavg-15   blocked\n10:10:01         1       100      0.50      0.40      0.30         0\n';
    const may = parseText(sar, text, { path: 'sos_commands/sar/sar06' });
    expect(may.samples[0]?.t).toBe(Date.UTC(2019, 4, 6, 10, 10, 1));
    const june = parseText(sar, text, { path: 'sos_commands/sar/sar05' });
    expect(june.samples[0]?.t).toBe(Date.UTC(2019, 5, 5, 10, 10, 1));
    expect(june.diagnostics).toEqual([]);
    const unknown = parseText(sar, text, { path: 'attachment.txt' });
    expect(unknown.samples[0]?.t).toBe(Date.UTC(2019, 5, 5, 10, 10, 1));
    expect(unknown.diagnostics.map((d) => d.severity)).toEqual(['info']);
  });

  it('uses a later header with a day above 12 to decide the order of an earlier ambiguous one', () => {
    const text = [
      'Linux 5.14.0 (h) \t03/04/19 \t_x86_64_\t(4 CPU)',
      '10:00:01   runq-sz  plist-sz   ldavg-1   ldavg-5  ldavg-15   blocked',
      '10:10:01         1       100      0.50      0.40      0.30         0',
      'Linux 5.14.0 (h) \t25/04/19 \t_x86_64_\t(4 CPU)',
      '10:00:01   runq-sz  plist-sz   ldavg-1   ldavg-5  ldavg-15   blocked',
      '10:10:01         2       100      0.50      0.40      0.30         0',
    ].join('\n');
    const r = parseText(sar, text, { path: 'x' });
    expect(r.samples.filter((x) => x.metric === 'load.runQueue').map((x) => x.t)).toEqual([Date.UTC(2019, 3, 3, 10, 10, 1), Date.UTC(2019, 3, 25, 10, 10, 1)]);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads CJK dates and times, rolls over midnight per section and not between sections', () => {
    const text = [
      'Linux 5.14.0 (h) \t2026年11月23日 \t_x86_64_\t(2 CPU)',
      '',
      '23時40分01秒     CPU     %user     %nice   %system   %iowait    %steal     %idle',
      '23時50分01秒     all      1.00      0.00      1.00     12.50      0.00     85.50',
      '00時00分01秒     all      2.00      0.00      1.00      7.00      0.00     90.00',
      '',
      '23時40分01秒   proc/s   cswch/s',
      '23時50分01秒     1.00    100.00',
      '00時00分01秒     2.00    200.00',
    ].join('\n');
    const r = parseText(sar, text);
    expect(value(r.samples, 'cpu.iowaitPct', { cpu: 'all' }, Date.UTC(2026, 10, 23, 23, 50, 1))).toBe(12.5);
    expect(value(r.samples, 'cpu.iowaitPct', { cpu: 'all' }, Date.UTC(2026, 10, 24, 0, 0, 1))).toBe(7);
    expect(value(r.samples, 'task.cswchPerSec', {}, Date.UTC(2026, 10, 24, 0, 0, 1))).toBe(200);
    expect(r.formats[0]).toContain('YYYY年MM月DD日');
  });

  it('drops counter-wrap values with a located diagnostic and handles devices that appear mid-file', () => {
    const text = [
      'Linux 5.14.0 (h) \t2019-06-30 \t_x86_64_\t(2 CPU)',
      '10:00:01     IFACE   rxpck/s   txpck/s    rxkB/s    txkB/s   rxcmp/s   txcmp/s  rxmcst/s',
      '10:10:01      eth0     10.00     10.00      1.00      1.00      0.00      0.00      0.00',
      '10:20:01      eth0     10.00     10.00 99999999999999.00      1.00      0.00      0.00      0.00',
      '10:20:01      eth1      5.00      5.00      2.00      2.00      0.00      0.00      0.00',
    ].join('\n');
    const r = parseText(sar, text);
    expect(find(r.samples, 'net.rxKBps', { iface: 'eth0' }, Date.UTC(2019, 5, 30, 10, 20, 1))).toBeUndefined();
    expect(value(r.samples, 'net.txKBps', { iface: 'eth0' }, Date.UTC(2019, 5, 30, 10, 20, 1))).toBe(1);
    expect(value(r.samples, 'net.rxKBps', { iface: 'eth1' }, Date.UTC(2019, 5, 30, 10, 20, 1))).toBe(2);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.line).toBe(4);
  });

  it('finds its paths and sniffs sar text but not iostat', () => {
    expect(sar.paths.some((re) => re.test('sos_commands/sar/sar30'))).toBe(true);
    expect(sar.paths.some((re) => re.test('var/log/sa/sar20240102'))).toBe(true);
    expect(sar.paths.some((re) => re.test('sos_commands/sar/sa30.xml'))).toBe(false);
    expect(sar.sniff(fixture('rhel5_2.6.18_sysstat7_iso-date_restarts.txt').slice(0, 4096), 'x')).toBe(true);
    expect(sar.sniff('Linux 2.6.32 (bozo) \t27/07/10 \t_i686_\t(1 CPU)\n\navg-cpu:  %user\n', 'x')).toBe(false);
  });

  it('parses every corpus file without a parser failure, fast', () => {
    for (const name of readdirSync(dir)) {
      const start = performance.now();
      const r = parseText(sar, fixture(name));
      expect(performance.now() - start).toBeLessThan(2000);
      expect(r.diagnostics.filter((d) => d.message.includes('failed'))).toEqual([]);
      expect(r.samples.length).toBeGreaterThan(0);
    }
  });

  it('never throws on random or mutated input, and every diagnostic is located or file-level', () => {
    const base = fixture('sysstat-12.0.0_sar-A_en_US-12h.txt').split('\n');
    const check = (text: string): void => {
      const r = parseText(sar, text);
      for (const d of r.diagnostics) {
        expect(d.message).not.toContain('failed');
        if (d.line !== undefined) expect(Number.isInteger(d.line) && d.line >= 1).toBe(true);
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => check(`Linux 1 (h) \t01/02/03 \t_x_\t(1 CPU)\n${s}`)), { numRuns: 200 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.integer({ min: 0, max: base.length }), fc.string({ maxLength: 30 }), (cut, at, junk) => {
        const lines = base.slice(0, cut);
        lines.splice(at % (lines.length + 1), 0, junk);
        check(lines.join('\n'));
      }),
      { numRuns: 200 },
    );
  });
});
