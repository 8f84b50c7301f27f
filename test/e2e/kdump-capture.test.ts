import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { parseText } from '../../src/parsers/collect.js';
import { journal as journalParser } from '../../src/parsers/journal.js';
import { postmortem } from '../../src/report/format.js';
import { writeBundleDir } from '../helpers/bundle-dir.js';

// A real Debian 12 guest with crashkernel=116M, crashed: its journal holds kdump-tools' capture boot, whose OOM
// killer ran while the dump was saved (test/fixtures/SOURCES-logs.md, journal/debian12-kdump-capture-oom).
const journal = readFileSync(
  path.resolve(import.meta.dirname, '../fixtures/journal/debian12-kdump-capture-oom/journalctl_--no-pager_-o_short-precise'),
  'utf8',
);
let work = '';

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'sosmortem-capture-'));
  for (const [rel, text] of Object.entries({
    'sos_commands/logs/journalctl_--no-pager': journal,
    'sos_commands/date/date': 'Mon Dec  7 23:27:40 UTC 2026\n',
  })) {
    mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
    writeFileSync(path.join(work, rel), text);
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("kdump's capture boot in the journal", () => {
  it("reads its kernel's events as the capture kernel's, not the host's: the boot's command line holds elfcorehdr=", () => {
    const r = parseText(journalParser, journal, { path: 'sos_commands/logs/journalctl_--no-pager', year: 2026 });
    expect(r.events.filter((e) => e.type === 'oom-kill')).toEqual([]);
    const capture = r.events.filter((e) => e.type === 'capture-kernel');
    expect(capture.filter((e) => e.attrs['kind'] === 'oom-kill').map((e) => e.attrs['comm'])).toEqual(['(udev-worker)', 'systemd-udevd']);
    // its boot is marked as the capture kernel's; the one after it is the host's again, and its reservation is read
    expect(r.events.filter((e) => e.type === 'boot').map((e) => e.attrs['capture'] ?? false)).toEqual([false, true, false]);
    expect(r.events.filter((e) => e.type === 'crash-reserve').map((e) => e.attrs['reservedMiB'])).toEqual([116, 116]);
  });

  it('reports no OOM kill of the host, and says the capture kernel ran short while it saved the dump', async () => {
    const { model } = await analyze([work]);
    const findings = model.report.findings;
    expect(findings.filter((f) => f.rule === 'oom-kill')).toEqual([]);
    const reservation = findings.find((f) => f.rule === 'kdump-reservation');
    expect(reservation?.title).toBe(
      "kdump's capture kernel ran out of memory saving the dump at 2026-12-07 23:25:20 (2 OOM kills): the next crash may leave no dump",
    );
    expect(reservation?.severity).toBe('medium');
    expect(reservation?.metrics).toMatchObject({ reservedMiB: 116, captureOomKills: 2, short: 0, captureProbeFailures: 1 });
    // its SATA controller's driver could not start either, said once, after the kills
    expect(reservation?.message).toContain('At 2026-12-07 23:25:45 ahci also failed to start its device with error -12 (out of memory)');
    expect(reservation?.message).not.toContain("booted to save a crashed kernel's memory, the capture kernel could not get");
    expect(reservation?.evidence.map((e) => e.text)).toContainEqual(expect.stringContaining('modprobe invoked oom-killer'));
    const dump = findings.find((f) => f.rule === 'kernel-crash-dump');
    expect(dump?.message).toContain('The capture kernel ran out of memory while it ran (its OOM killer killed (udev-worker), systemd-udevd)');
    expect(model.events.filter((e) => e.type === 'boot').map((e) => e.label)).toEqual(['host booted', "kdump's capture kernel booted", 'host booted']);
    // one incident: the crash's dump is what showed the reservation short
    expect(dump?.effects).toEqual([reservation?.id]);
  });
});

describe('a real sosreport of the same host after the crash (sos 4.0, Debian 12)', () => {
  it('reports the saved dump and the reservation its capture kernel ran short of, and no OOM kill of the host', async () => {
    const archive = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/real-debian12-kdump-crashkernel116M.tar.xz');
    const { model } = await analyze([archive]);
    const r = model.report;
    expect(r.bundle).toMatchObject({ hostname: 'crashhost', os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0-50-amd64' });
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['kernel-crash-dump', 'critical'],
      ['kdump-reservation', 'medium'],
    ]);
    const reservation = r.findings.find((f) => f.rule === 'kdump-reservation');
    // kexec_crash_size is 121634816 bytes: 116 MiB
    // one crash, though the journal and the listing of /var/crash both tell its dump
    expect(reservation?.metrics).toMatchObject({ reservedMiB: 116, captureOomKills: 2, crashes: 1 });
    expect(reservation?.evidence.map((e) => e.source)).toContain('sys/kernel/kexec_crash_size');
    const dump = r.findings.find((f) => f.rule === 'kernel-crash-dump');
    expect(dump?.title).toBe('Kernel crash at 2026-12-07 23:26:00: kdump saved a 41 MiB dump, its kernel log is not in the bundle');
    expect(dump?.effects).toEqual([reservation?.id]);
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    // sysstat's restart records (sa07.xml) come 11 to 49 s after the kernel's boots, and rsyslog, started 163 s into
    // the first (a slow emulated guest), stamped that boot's kernel lines in kern.log and syslog with its own start:
    // the postmortem tells each boot once, dated by the kernel's stamps as the current one is (btime), not by the
    // journal, which dates this guest's boots 17 to 23 s later (23:22:09, 23:27:14, 23:56:30)
    const told = postmortem(model)?.timeline.map((t) => `${t.time} ${t.what}`) ?? [];
    expect(told.filter((t) => !t.includes('kdump'))).toEqual([
      // a kernel line rsyslog wrote as it came: "[  169.619078] hrtimer: …" at 23:24:41.394895
      '2026-12-07 23:21:51 host booted',
      // none written as it came: at the latest 33.266102 s before rsyslog's start, 23:27:25.324
      '2026-12-07 23:26:52 host booted (at the latest: its first kernel lines were written down later)',
      '2026-12-07 23:56:07 host booted',
    ]);
    expect(told.filter((t) => t.includes('kdump') && t.includes('booted'))).toEqual(["2026-12-07 23:25:18 kdump's capture kernel booted"]);
  });
});

describe("kdump's capture kernel short of memory without an OOM kill (crashkernel=128M, kdump-tools' default)", () => {
  // The same guest with 128 MiB (test/fixtures/SOURCES-logs.md, journal/debian12-kdump-capture-128M): the dump was
  // saved, but in the capture kernel an order-5 allocation failed and the SATA controller's driver could not start
  // its device (-12); the dump went to a virtio disk, which a real host's dump target need not be.
  const text = readFileSync(
    path.resolve(import.meta.dirname, '../fixtures/journal/debian12-kdump-capture-128M/journalctl_--no-pager_-o_short-precise'),
    'utf8',
  );
  let root = '';
  let bundle = '';
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'sosmortem-capture128-'));
    bundle = await writeBundleDir(root, 'bundle', {
      'sos_commands/logs/journalctl_--no-pager': text,
      'sos_commands/date/date': 'Mon Dec  7 23:09:30 UTC 2026\n',
      'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the failed probe and the failed allocation as the capture kernel’s', () => {
    const r = parseText(journalParser, text, { path: 'sos_commands/logs/journalctl_--no-pager', year: 2026 });
    const capture = r.events.filter((e) => e.type === 'capture-kernel');
    expect(capture.map((e) => [e.attrs['kind'], e.attrs['driver'] ?? e.attrs['comm'], e.attrs['errno'] ?? e.attrs['order']])).toEqual([
      ['alloc-failure', '(udev-worker)', 5],
      ['probe-failed', 'ahci', -12],
    ]);
    expect(r.events.filter((e) => e.type === 'alloc-failure' || e.type === 'probe-failed')).toEqual([]);
  });

  it('reports the reservation its capture kernel ran short of, though 128 MiB is above the measured floor', async () => {
    const { model } = await analyze([bundle]);
    const reservation = model.report.findings.find((f) => f.rule === 'kdump-reservation');
    expect(reservation?.title).toBe(
      "kdump's capture kernel ran short of memory saving the dump at 2026-12-07 23:08:01 (ahci could not start its device): the next crash may leave no dump",
    );
    expect(reservation?.severity).toBe('medium');
    expect(reservation?.metrics).toMatchObject({
      reservedMiB: 128,
      short: 0,
      captureOomKills: 0,
      captureProbeFailures: 1,
      captureAllocFailures: 1,
      targetMiB: 256,
    });
    expect(reservation?.message).toContain('ahci failed to start its device with error -12 (out of memory), after 1 page allocation failure.');
    expect(reservation?.evidence.map((e) => e.text)).toContainEqual(expect.stringContaining('ahci: probe of 0000:00:1f.2 failed with error -12'));
    expect(model.report.findings.filter((f) => f.rule === 'memory-fragmentation' || f.rule === 'oom-kill')).toEqual([]);
  });
});
