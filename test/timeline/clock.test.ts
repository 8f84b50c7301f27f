/**
 * Known answers for the clock: every record lands on the right absolute
 * instant whatever way its source writes time.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { Clock, localToUtc, noYearTime, offsetAt, parseZone, toIso } from '../../src/timeline/clock.js';
import { formatTimeMs, zoneOf } from '../../src/report/format.js';

const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-clock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
function bundle(files: Record<string, string>): string {
  const dir = path.join(work, `b${++n}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('zones', () => {
  it('converts wall clock to UTC across a DST change (Europe/Berlin, 2026-03-29)', () => {
    const berlin = parseZone('Europe/Berlin');
    if (!berlin) throw new Error('zone');
    expect(localToUtc(berlin, Date.UTC(2026, 2, 29, 1, 30))).toBe(Date.UTC(2026, 2, 29, 0, 30));
    expect(localToUtc(berlin, Date.UTC(2026, 2, 29, 3, 30))).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(offsetAt(berlin, Date.UTC(2026, 6, 1))).toBe(120);
    expect(toIso(berlin, Date.UTC(2026, 10, 20, 15, 5, 12))).toBe('2026-11-20T16:05:12+01:00');
  });
  it('reads fixed offsets and refuses ambiguous abbreviations', () => {
    expect(parseZone('+05:30')).toEqual({ kind: 'fixed', offsetMin: 330, label: '+05:30' });
    expect(parseZone('-0800')).toEqual({ kind: 'fixed', offsetMin: -480, label: '-08:00' });
    expect(parseZone('CST')).toBeNull();
  });
});

describe('syslog year inference', () => {
  const utc = parseZone('UTC');
  if (!utc) throw new Error('zone');
  it('puts December lines of a bundle collected on Jan 2 in the previous year', () => {
    const clock = new Clock(utc, null, Date.UTC(2027, 0, 2, 10, 0, 0));
    expect(clock.place('local-noyear', noYearTime(11, 31, 23, 59, 58))).toBe(Date.UTC(2026, 11, 31, 23, 59, 58));
    expect(clock.place('local-noyear', noYearTime(0, 1, 0, 0, 5))).toBe(Date.UTC(2027, 0, 1, 0, 0, 5));
  });
  it('places Feb 29 in the latest leap year at or before collection', () => {
    const clock = new Clock(utc, null, Date.UTC(2027, 2, 1));
    expect(clock.place('local-noyear', noYearTime(1, 29, 12, 0, 0))).toBe(Date.UTC(2024, 1, 29, 12, 0, 0));
  });
  it('cannot place a year-less line without a collection date', () => {
    expect(new Clock(utc, null, null).place('local-noyear', noYearTime(5, 1, 0, 0, 0))).toBeNull();
  });
});

describe('a whole bundle on one clock', () => {
  it('maps dmesg seconds through btime, consistent with date and uptime', async () => {
    // Collected 2026-11-20 16:05:12 CET; booted 2026-11-20 10:00:00 CET (btime 1795165200).
    const dir = bundle({
      'sos_commands/date/date': 'Fri Nov 20 16:05:12 CET 2026\n',
      'sos_commands/date/date_--utc': 'Fri Nov 20 15:05:12 UTC 2026\n',
      'sos_commands/host/uptime': ' 16:05:12 up  6:05,  1 user,  load average: 0.10, 0.20, 0.30\n',
      'proc/stat': 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1795165200\n',
      'sos_commands/kernel/dmesg':
        '[    0.000000] Linux version 5.14.0 (mockbuild@x) (gcc 11) #1 SMP\n' +
        '[ 3600.500000] java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n' +
        '[ 3600.500100] Out of memory: Killed process 4242 (java) total-vm:1404936kB, anon-rss:1021284kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:2341kB oom_score_adj:0\n',
    });
    const { model } = await analyze([dir]);
    const r = model.report;
    expect(r.bundle.bootTime).toBe('2026-11-20T10:00:00+01:00');
    expect(r.bundle.collectedAt).toBe('2026-11-20T16:05:12+01:00');
    expect(r.bundle.timezone).toBe('+01:00');
    const oom = r.findings.find((f) => f.class === 'oom-kill');
    expect(oom?.window?.start).toBe('2026-11-20T11:00:00+01:00');
  });

  it('joins two days of sar with a restart into one series on absolute time', async () => {
    const day = (date: string, rows: string[]): string => `Linux 5.14.0 (h) \t${date} \t_x86_64_\t(2 CPU)\n\n00:00:01     pswpin/s pswpout/s\n${rows.join('\n')}\n`;
    const dir = bundle({
      'sos_commands/date/date': 'Sat Nov 21 08:00:00 UTC 2026\n',
      'sos_commands/sar/sar20': day('11/20/2026', ['23:40:01         0.00      0.00', '23:50:01         1.00      2.00']),
      'sos_commands/sar/sar21': `Linux 5.14.0 (h) \t11/21/2026 \t_x86_64_\t(2 CPU)\n\n00:05:07     LINUX RESTART\t(2 CPU)\n\n00:10:01     pswpin/s pswpout/s\n00:20:01         3.00      4.00\n00:30:01         5.00      6.00\n`,
    });
    const { timeline, model } = await analyze([dir]);
    const s = timeline.seriesOf('swap.outPagesPerSec')[0];
    expect(Array.from(s?.t ?? [])).toEqual([Date.UTC(2026, 10, 20, 23, 40, 1), Date.UTC(2026, 10, 20, 23, 50, 1), Date.UTC(2026, 10, 21, 0, 20, 1), Date.UTC(2026, 10, 21, 0, 30, 1)]);
    expect(Array.from(s?.v ?? [])).toEqual([0, 2, 4, 6]);
    const boots = timeline.eventsOf('boot').map((e) => e.t);
    expect(boots).toContain(Date.UTC(2026, 10, 21, 0, 5, 7));
    expect(model.span).toEqual({ start: Date.UTC(2026, 10, 20, 23, 40, 1), end: Date.UTC(2026, 10, 21, 0, 30, 1) });
  });

  it('says so, instead of guessing, when dmesg cannot be placed', async () => {
    const dir = bundle({
      'sos_commands/kernel/dmesg': '[ 10.000000] java invoked oom-killer: gfp_mask=0x0, order=0, oom_score_adj=0\n[ 10.000100] Out of memory: Killed process 1 (java) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0\n',
    });
    const { model } = await analyze([dir]);
    const oom = model.report.findings.find((f) => f.class === 'oom-kill');
    expect(oom?.window).toBeNull();
    expect(model.report.diagnostics.some((d) => /no absolute time/.test(d.message))).toBe(true);
  });

  it('honours --tz when the bundle does not state its zone', async () => {
    const dir = bundle({ 'sos_commands/sar/sar20': 'Linux 5.14.0 (h) \t11/20/2026 \t_x86_64_\t(2 CPU)\n\n00:00:01     pswpin/s pswpout/s\n10:00:01         1.00      2.00\n' });
    const { timeline } = await analyze([dir], { tz: 'America/New_York' });
    expect(timeline.seriesOf('swap.outPagesPerSec')[0]?.t[0]).toBe(Date.UTC(2026, 10, 20, 15, 0, 1));
  });
});

describe("the host's own zone files", () => {
  const archives = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const JULY_10AM = Date.UTC(2026, 6, 14, 10, 0, 0);

  it('reads the zone etc/localtime links to, without following the link (real capture, no timedatectl)', async () => {
    const { model, timeline } = await analyze([path.join(archives, 'sosmortem-localtime-link.tar.xz')]);
    expect(model.report.bundle).toMatchObject({ timezone: 'Europe/Berlin', collectedAt: '2026-12-07T17:15:40+01:00' });
    // a July wall-clock time is in summer time, where date's one offset (+01:00) would put it an hour late
    expect(timeline.clock.place('local', JULY_10AM)).toBe(Date.UTC(2026, 6, 14, 8));
  });

  it('uses the rules of an etc/localtime that is a TZif file, as RHEL 6 keeps it (real capture)', async () => {
    const { model, timeline } = await analyze([path.join(archives, 'sosmortem-localtime-tzif.tar.xz')]);
    expect(model.report.bundle).toMatchObject({ timezone: 'EST5EDT,M3.2.0,M11.1.0', collectedAt: '2026-12-07T11:19:46-05:00' });
    expect(model.report.coverage.find((c) => c.source === 'localtime')?.format).toMatch(/^TZif version 2, 236 transitions/);
    expect(timeline.clock.place('local', JULY_10AM)).toBe(Date.UTC(2026, 6, 14, 14));
    // the report formats times with the same zone
    expect(zoneOf(model)).toBe(timeline.clock.zone);
    expect(formatTimeMs(zoneOf(model), Date.UTC(2026, 6, 14, 14))).toMatch(/^2026-07-14 10:00/);
  });

  it('reads a TZif file and a link in a directory bundle, and never follows a link out of it', async () => {
    const dir = bundle({ 'sos_commands/date/date': 'Mon Dec  7 17:15:40 CET 2026\n', 'sos_commands/date/date_--utc': 'Mon Dec  7 16:15:40 UTC 2026\n' });
    mkdirSync(path.join(dir, 'etc'));
    symlinkSync('/usr/share/zoneinfo/Europe/Berlin', path.join(dir, 'etc/localtime'));
    const linked = await analyze([dir]);
    expect(linked.model.report.bundle.timezone).toBe('Europe/Berlin');
    rmSync(path.join(dir, 'etc/localtime'));
    symlinkSync('../../../../../../etc/passwd', path.join(dir, 'etc/localtime'));
    const hostile = await analyze([dir]);
    expect(hostile.model.report.bundle.timezone).toBe('+01:00');
    expect(hostile.model.report.diagnostics.find((d) => d.source === 'etc/localtime')?.message).toMatch(/names no zone/);
    rmSync(path.join(dir, 'etc/localtime'));
    copyFileSync(path.resolve(import.meta.dirname, '../fixtures/localtime/zoneinfo/Europe/Dublin'), path.join(dir, 'etc/localtime'));
    writeFileSync(path.join(dir, 'sos_commands/date/date'), 'Mon Dec  7 16:15:40 GMT 2026\n');
    const dublin = await analyze([dir]);
    expect(dublin.model.report.bundle.timezone).toBe('IST-1GMT0,M10.5.0,M3.5.0/1');
    expect(dublin.timeline.clock.place('local', JULY_10AM)).toBe(Date.UTC(2026, 6, 14, 9));
  });

  it("reads a named zone with the host's own rules: the zone file sos copies beside the link (real capture)", async () => {
    const { model, timeline } = await analyze([path.join(archives, 'sosmortem-localtime-link.tar.xz')]);
    expect(model.report.bundle.timezone).toBe('Europe/Berlin');
    expect(timeline.clock.zone.kind).toBe('rules');
    expect(model.report.coverage.find((c) => c.source === 'localtime')?.files).toEqual(['etc/localtime', 'usr/share/zoneinfo/Europe/Berlin']);
  });

  const STALE_MEXICO = path.resolve(import.meta.dirname, '../fixtures/localtime/zoneinfo-tzdata-2022a/America/Mexico_City');
  const DECEMBER_DATE = { 'sos_commands/date/date': 'Mon Dec  7 10:15:40 CST 2026\n', 'sos_commands/date/date_--utc': 'Mon Dec  7 16:15:40 UTC 2026\n' };

  it("keeps a stale host's daylight time where this tool's tz database has none (Mexico, tzdata 2022a)", async () => {
    const dir = bundle(DECEMBER_DATE);
    mkdirSync(path.join(dir, 'etc'));
    symlinkSync('../usr/share/zoneinfo/America/Mexico_City', path.join(dir, 'etc/localtime'));
    const ours = await analyze([dir]);
    expect(ours.model.report.bundle.timezone).toBe('America/Mexico_City');
    // Mexico has had no daylight time since 2023: a July 10:00 is 16:00Z by the tz database...
    expect(ours.timeline.clock.place('local', JULY_10AM)).toBe(Date.UTC(2026, 6, 14, 16));
    mkdirSync(path.join(dir, 'usr/share/zoneinfo/America'), { recursive: true });
    copyFileSync(STALE_MEXICO, path.join(dir, 'usr/share/zoneinfo/America/Mexico_City'));
    const host = await analyze([dir]);
    expect(host.model.report.bundle.timezone).toBe('America/Mexico_City');
    // ...but the host wrote it at 15:00Z, by the rules it still had
    expect(host.timeline.clock.place('local', JULY_10AM)).toBe(Date.UTC(2026, 6, 14, 15));
    expect(formatTimeMs(zoneOf(host.model), Date.UTC(2026, 6, 14, 15))).toMatch(/^2026-07-14 10:00/);
    // a zone file the link does not name is not the host's zone
    rmSync(path.join(dir, 'etc/localtime'));
    symlinkSync('../usr/share/zoneinfo/America/Chicago', path.join(dir, 'etc/localtime'));
    const other = await analyze([dir]);
    expect(other.model.report.bundle.timezone).toBe('America/Chicago');
    expect(other.timeline.clock.zone.kind).toBe('iana');
  });

  it('reads the zone timedatectl names with the rules of a TZif etc/localtime, and says when they differ from ours', async () => {
    const timedatectl = [
      '               Local time: Tue 2026-07-14 10:15:40 CDT',
      '           Universal time: Tue 2026-07-14 15:15:40 UTC',
      '                Time zone: America/Mexico_City (CDT, -0500)',
    ].join('\n');
    const dir = bundle({ 'sos_commands/date/timedatectl': `${timedatectl}\n`, 'sos_commands/date/date': 'Tue Jul 14 10:15:40 CDT 2026\n', 'sos_commands/date/date_--utc': 'Tue Jul 14 15:15:40 UTC 2026\n' });
    mkdirSync(path.join(dir, 'etc'));
    copyFileSync(STALE_MEXICO, path.join(dir, 'etc/localtime'));
    const { model, timeline } = await analyze([dir]);
    expect(model.report.bundle).toMatchObject({ timezone: 'America/Mexico_City', collectedAt: '2026-07-14T10:15:40-05:00' });
    expect(timeline.clock.place('local', JULY_10AM)).toBe(Date.UTC(2026, 6, 14, 15));
    expect(model.report.diagnostics.find((d) => d.source === 'etc/localtime')?.message).toMatch(/the host's rules for America\/Mexico_City give -05:00 at collection where this tool's tz database gives -06:00/);
  });

  it('names a TZif etc/localtime by the zone /etc/sysconfig/clock gives, as RHEL 6 keeps them', async () => {
    const dir = bundle({ ...DECEMBER_DATE, 'etc/sysconfig/clock': 'ZONE="America/Mexico_City"\nUTC=true\n' });
    copyFileSync(STALE_MEXICO, path.join(dir, 'etc/localtime'));
    const { model, timeline } = await analyze([dir]);
    expect(model.report.bundle.timezone).toBe('America/Mexico_City');
    expect(timeline.clock.place('local', JULY_10AM)).toBe(Date.UTC(2026, 6, 14, 15));
    // a name the file does not agree with at collection does not label it
    writeFileSync(path.join(dir, 'etc/sysconfig/clock'), 'ZONE="Europe/Berlin"\n');
    const mislabelled = await analyze([dir]);
    expect(mislabelled.model.report.bundle.timezone).toBe('CST6CDT,M4.1.0,M10.5.0');
  });

  it('checks configuration files against the offset date measured, and passes over a stale one', async () => {
    const dated = { 'sos_commands/date/date': 'Mon Jul 13 12:00:00 EDT 2026\n', 'sos_commands/date/date_--utc': 'Mon Jul 13 16:00:00 UTC 2026\n' };
    const fresh = await analyze([bundle({ ...dated, 'etc/sysconfig/clock': 'ZONE="America/New_York"\nUTC=true\n' })]);
    expect(fresh.model.report.bundle.timezone).toBe('America/New_York');
    expect(fresh.timeline.clock.place('local', Date.UTC(2026, 0, 14, 10))).toBe(Date.UTC(2026, 0, 14, 15));
    const stale = await analyze([bundle({ ...dated, 'etc/timezone': 'Europe/Berlin\n' })]);
    expect(stale.model.report.bundle.timezone).toBe('-04:00');
    expect(stale.model.report.diagnostics.find((d) => d.source === 'etc/timezone')?.message).toMatch(/names the zone Europe\/Berlin \(\+02:00 at collection\), but date and date --utc differ by -04:00/);
  });

  it('takes a POSIX TZ string for --tz', async () => {
    const dir = bundle({ 'sos_commands/sar/sar20': 'Linux 5.14.0 (h) \t07/20/2026 \t_x86_64_\t(2 CPU)\n\n00:00:01     pswpin/s pswpout/s\n10:00:01         1.00      2.00\n' });
    const { timeline, model } = await analyze([dir], { tz: 'CET-1CEST,M3.5.0,M10.5.0/3' });
    expect(timeline.seriesOf('swap.outPagesPerSec')[0]?.t[0]).toBe(Date.UTC(2026, 6, 20, 8, 0, 1));
    expect(model.report.bundle.timezone).toBe('CET-1CEST,M3.5.0,M10.5.0/3');
  });
});

describe('files sos cut to their tail', () => {
  it('parses sos_strings/…/var.log.messages.tailed as var/log/messages and says it was cut', async () => {
    const { tailedOriginal } = await import('../../src/bundle/ingest.js');
    expect(tailedOriginal('sos_strings/logs/var.log.messages.tailed')).toBe('var/log/messages');
    expect(tailedOriginal('sos_strings/logs/var.log.kern.log.tailed')).toBe('var/log/kern.log');
    const dir = bundle({
      'sos_commands/date/date': 'Fri Nov 20 16:05:12 UTC 2026\n',
      'sos_strings/logs/var.log.messages.tailed': 'Nov 20 14:21:07 db01 kernel: Out of memory: Killed process 4242 (java) total-vm:14404936kB, anon-rss:10212840kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:23416kB oom_score_adj:0\n',
    });
    const { model } = await analyze([dir]);
    expect(model.report.findings.find((f) => f.class === 'oom-kill')?.window?.start).toBe('2026-11-20T14:21:07+00:00');
    expect(model.report.diagnostics.some((d) => /only the tail of var\/log\/messages/.test(d.message))).toBe(true);
  });
});

describe('the same day as sar text and sadf -x XML', () => {
  it('uses the XML and does not double the samples', async () => {
    const { readFileSync } = await import('node:fs');
    const fx = path.resolve(import.meta.dirname, '../fixtures');
    const text = readFileSync(path.join(fx, 'sar/sysstat-12.0.0_sar-A_C-locale.txt'), 'utf8');
    const xml = readFileSync(path.join(fx, 'sar-xml/sysstat-12.0.0_sadf-x.xml'), 'utf8');
    const onlyText = await analyze([bundle({ 'sos_commands/sar/sar30': text })], { tz: 'UTC' });
    const both = await analyze([bundle({ 'sos_commands/sar/sar30': text, 'sos_commands/sar/sa30.xml': xml })], { tz: 'UTC' });
    const count = (a: typeof both): number => a.timeline.seriesOf('cpu.idlePct').find((s) => s.labels['cpu'] === 'all')?.t.length ?? 0;
    expect(count(onlyText)).toBeGreaterThan(0);
    expect(count(both)).toBe(count(onlyText));
    expect(both.model.report.diagnostics.some((d) => d.source === 'sos_commands/sar/sar30' && /XML was used/.test(d.message))).toBe(true);
  });

  it("uses the XML over sysstat's own text of the same day in var/log/sa, but keeps a text a month older", async () => {
    const { readFileSync } = await import('node:fs');
    const fx = path.resolve(import.meta.dirname, '../fixtures');
    const text = readFileSync(path.join(fx, 'sar/sysstat-12.0.0_sar-A_C-locale.txt'), 'utf8');
    const xml = readFileSync(path.join(fx, 'sar-xml/sysstat-12.0.0_sadf-x.xml'), 'utf8');
    const count = (a: Awaited<ReturnType<typeof analyze>>): number => a.timeline.seriesOf('cpu.idlePct').find((s) => s.labels['cpu'] === 'all')?.t.length ?? 0;
    const onlyXml = await analyze([bundle({ 'sos_commands/sar/sa30.xml': xml })], { tz: 'UTC' });
    const sameDay = await analyze([bundle({ 'var/log/sa/sar30': text, 'sos_commands/sar/sa30.xml': xml })], { tz: 'UTC' });
    expect(count(sameDay)).toBe(count(onlyXml));
    expect(sameDay.model.report.diagnostics.some((d) => d.source === 'var/log/sa/sar30' && /XML was used and this text not parsed/.test(d.message))).toBe(true);
    expect(sameDay.model.report.coverage.flatMap((c) => c.files)).not.toContain('var/log/sa/sar30');
    const stale = text.replace(/\t06\/30\/(20)?19\b/, (m) => m.replace('06/', '05/'));
    expect(stale).not.toBe(text);
    const monthApart = await analyze([bundle({ 'var/log/sa/sar30': stale, 'sos_commands/sar/sa30.xml': xml })], { tz: 'UTC' });
    expect(count(monthApart)).toBe(2 * count(onlyXml));
    expect(monthApart.model.report.diagnostics.some((d) => /XML was used/.test(d.message))).toBe(false);
  });
});

describe('NUL-separated files', () => {
  it('reads proc/PID/cmdline (arguments separated by NUL) and links the qemu process to its guest', async () => {
    const dir = bundle({
      'sos_commands/date/date': 'Fri Nov 20 16:05:12 UTC 2026\n',
      'proc/3120/cmdline': ['/usr/bin/qemu-system-x86_64', '-name', 'guest=web-vm,debug-threads=on', '-m', '8192', ''].join('\0'),
    });
    const { timeline, model } = await analyze([dir]);
    expect(timeline.fact('proc.libvirtDomain', { pid: '3120' })).toBe('web-vm');
    expect(timeline.fact('proc.exe', { pid: '3120' })).toBe('qemu-system-x86_64');
    expect(model.report.diagnostics.filter((d) => d.source === 'proc/3120/cmdline')).toEqual([]);
  });
});
