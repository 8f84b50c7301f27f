import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { crashListingParser } from '../../src/parsers/crash-listing.js';
import { kexecDmesgParser } from '../../src/parsers/kexec-dmesg.js';
import { kdumpConfigParser } from '../../src/parsers/kdump-config.js';
import { crashDirTime } from '../../src/parsers/crash-dir.js';
import { fixture, fuzz } from './system-helpers.js';

// ls -alZR / -alhR of /var/crash as sos's kdump and apport plugins run them, over the layouts kexec-tools
// and kdump-tools write (test/fixtures/SOURCES-system.md).
const KEXEC_TOOLS = fixture('crash-listing', 'kexec-tools-ls_-alZR_.var.crash');
const KDUMP_TOOLS_H = fixture('crash-listing', 'kdump-tools-ls_-alhR_.var.crash');
const KDUMP_TOOLS_Z = fixture('crash-listing', 'kdump-tools-ls_-alZR_.var.crash');

const dumps = (text: string, path = 'sos_commands/kdump/ls_-alZR_.var.crash') =>
  parseText(crashListingParser, text, { path }).events.map((e) => ({ t: e.t === null ? null : new Date(e.t).toISOString(), line: e.line, ...e.attrs }));

describe('crash-listing', () => {
  it("finds kexec-tools' dump directories, when each was made and whether its vmcore was written", () => {
    expect(dumps(KEXEC_TOOLS)).toMatchObject([
      {
        t: '2026-11-18T02:14:07.000Z',
        line: 8,
        dir: '127.0.0.1-2026-11-18-02:14:07',
        saved: 'complete',
        dumpFile: 'vmcore',
        dumpBytes: 1288490188,
        logFile: 'vmcore-dmesg.txt',
        kexecLog: true,
        layout: 'kexec-tools',
      },
      // vmcore-incomplete is what makedumpfile writes to and kdump renames once it succeeds: it failed
      {
        t: '2026-12-05T23:51:40.000Z',
        line: 16,
        dir: '127.0.0.1-2026-12-05-23:51:40',
        saved: 'incomplete',
        dumpFile: 'vmcore-incomplete',
        dumpBytes: 402653184,
        layout: 'kexec-tools',
      },
    ]);
  });

  it("reads kdump-tools' minute-stamped directories, with ls -h sizes taken to their rounding", () => {
    const h = dumps(KDUMP_TOOLS_H, 'sos_commands/apport/ls_-alhR_.var.crash');
    expect(h).toMatchObject([
      {
        t: '2026-12-01T14:05:00.000Z',
        dir: '202612011405',
        saved: 'complete',
        dumpFile: 'dump.202612011405',
        dumpBytes: 297 * 2 ** 20,
        logFile: 'dmesg.202612011405',
        layout: 'kdump-tools',
      },
      { t: '2026-12-06T19:30:00.000Z', dir: '202612061930', saved: 'incomplete', dumpFile: 'dump-incomplete', dumpBytes: 70 * 2 ** 20 },
    ]);
    // kexec_cmd at the top is kdump-tools' record of the loaded crash kernel, not a dump
    expect(h).toHaveLength(2);
    expect(parseText(crashListingParser, KDUMP_TOOLS_Z, { path: 'sos_commands/kdump/ls_-alZR_.var.crash' }).events.map((e) => e.attrs['dumpBytes'])).toEqual([
      311427072, 73400320,
    ]);
  });

  it('says when a file is not a listing, and counts the dump directories of one that is', () => {
    const r = parseText(crashListingParser, 'ls: cannot access /var/crash: No such file or directory\n', { path: 'sos_commands/kdump/ls_-alZR_.var.crash' });
    expect(r.events).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['no directory entry: not the output of ls -l']);
    expect(
      parseText(crashListingParser, KEXEC_TOOLS, { path: 'sos_commands/kdump/ls_-alZR_.var.crash' }).facts.find((f) => f.name === 'kdump.dumpDirs')?.value,
    ).toBe(2);
  });

  it('survives hostile input', () => {
    fuzz(crashListingParser, [KEXEC_TOOLS, KDUMP_TOOLS_H], 'sos_commands/kdump/ls_-alZR_.var.crash');
  });
});

describe('kexec-dmesg', () => {
  const PATH = 'var/crash/127.0.0.1-2026-12-05-23:51:40/kexec-dmesg.log';
  it("names the capture kernel's OOM kill as what stopped the dump, not the failure it caused", () => {
    const r = parseText(kexecDmesgParser, fixture('kexec-dmesg', 'oom-kexec-dmesg.log'), { path: PATH });
    expect(r.events).toHaveLength(1);
    const e = r.events[0];
    expect(e?.t).toBe(Date.UTC(2026, 11, 5, 23, 51, 40));
    expect(e?.attrs).toMatchObject({ dir: '127.0.0.1-2026-12-05-23:51:40', result: 'failed', reason: 'capture-oom', logFailed: false });
    expect(String(e?.attrs['reasonText'])).toContain('makedumpfile invoked oom-killer');
    expect(e?.lines.map((l) => l.line)).toEqual([17, 6]);
  });

  it('names a driver that could not start its device for want of memory as what stopped the dump, not the mount that failed after it', () => {
    // the driver's line is a real Debian 12 capture kernel's at crashkernel=128M (journal/debian12-kdump-capture-128M);
    // the lines around it are kexec-tools' messages as its kdump-lib-initramfs.sh writes them, put together here
    const log = [
      '[Sat Dec  5 23:51:41 2026] Linux version 5.14.0-427.13.1.el9_4.x86_64 (mockbuild@x86-64-01.build.eng.rdu2.redhat.com) #1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024',
      '[Sat Dec  5 23:51:43 2026] ahci: probe of 0000:00:1f.2 failed with error -12',
      'Dec 05 23:52:41 localhost kdump[398]: Kdump is using the default log level(3).',
      "Dec 05 23:52:41 localhost kdump[401]: mount: /sysroot: can't find UUID=3b0a7a5e-1c1d-4f37-8e3e-5a2f0e9a7c11.",
      'Dec 05 23:52:41 localhost kdump[412]: saving vmcore failed, _exitcode:1',
    ].join('\n');
    const r = parseText(kexecDmesgParser, log, { path: PATH });
    expect(r.events[0]?.attrs).toMatchObject({ result: 'failed', reason: 'capture-nomem' });
    expect(String(r.events[0]?.attrs['reasonText'])).toBe('ahci: probe of 0000:00:1f.2 failed with error -12');
  });

  it('a saved dump has no reason, whatever its log says on the way', () => {
    const r = parseText(kexecDmesgParser, fixture('kexec-dmesg', 'complete-kexec-dmesg.log'), {
      path: 'var/crash/127.0.0.1-2026-11-18-02:14:07/kexec-dmesg.log',
    });
    expect(r.events[0]?.attrs).toMatchObject({ result: 'complete', reason: '', reasonText: '' });
    expect(r.events[0]?.line).toBe(10);
  });

  it('survives hostile input', () => {
    fuzz(kexecDmesgParser, [fixture('kexec-dmesg', 'oom-kexec-dmesg.log')], PATH);
  });
});

describe('crashDirTime', () => {
  it('reads both namings and refuses impossible dates', () => {
    expect(crashDirTime('10.0.0.5-2026-02-13-03:48:00')).toBe(Date.UTC(2026, 1, 13, 3, 48, 0));
    expect(crashDirTime('crashhost-202612011405')).toBe(Date.UTC(2026, 11, 1, 14, 5));
    expect(crashDirTime('202613011405')).toBeNull();
    expect(crashDirTime('my-dumps')).toBeNull();
  });
});

describe("kdump-tools' dmesg.<stamp>", () => {
  it('is read as the kernel log of the boot that crashed, its panic placed at the minute its directory is named for', async () => {
    const { dmesg } = await import('../../src/parsers/dmesg.js');
    const panic = fixture('dmesg', 'debian12-arm64-guest/console_hung-task-sysrq-panic.txt');
    const r = parseText(dmesg, panic, { path: 'var/crash/202612011405/dmesg.202612011405' });
    const p = r.events.find((e) => e.type === 'kernel-oops' && e.attrs['panic'] === true);
    expect(p?.timeBase).toBe('local');
    // the last line (31.41 s) is the directory's minute; the panic 0.002 s before it
    expect(Math.abs((p?.t ?? 0) - Date.UTC(2026, 11, 1, 14, 5))).toBeLessThan(1000);
  });
});

// A real Debian 12 guest (6.1.0-50-amd64, kdump-tools 1.8.1) crashed with sysrq twice: once saved, once
// onto a 20 MiB /var/crash that filled (test/fixtures/SOURCES-logs.md).
describe('a real kdump-tools capture', () => {
  it('lists the saved dump and the one the full target cut short, kdump_lock, kexec_cmd and lost+found passed over', () => {
    expect(dumps(fixture('crash-listing', 'debian12-kdump-tools/saved-ls_-alZR_.var.crash'))).toMatchObject([
      {
        t: '2026-12-07T20:52:00.000Z',
        dir: '202612072052',
        saved: 'complete',
        dumpFile: 'dump.202612072052',
        dumpBytes: 39585733,
        logFile: 'dmesg.202612072052',
      },
    ]);
    // kdump-config fell back to cp after makedumpfile failed, which left a vmcore-incomplete too
    expect(dumps(fixture('crash-listing', 'debian12-kdump-tools/target-full-ls_-alZR_.var.crash'))).toMatchObject([
      { dir: '202612072057', saved: 'incomplete', dumpFile: 'dump-incomplete', dumpBytes: 17797120, logFile: 'dmesg.202612072057' },
    ]);
  });

  it("reads kdump-tools' outcome from the capture boots' journal, once per dump, with the first error as the cause", async () => {
    const { journal } = await import('../../src/parsers/journal.js');
    const r = parseText(journal, fixture('journal', 'debian12-kdump-tools/journalctl_--no-pager_capture-boots'), {
      path: 'sos_commands/logs/journalctl_--no-pager',
    });
    const found = r.events.filter((e) => e.type === 'crash-dump');
    expect(found.map((e) => [e.line, e.attrs['dir'], e.attrs['result'], e.attrs['reason'], e.attrs['reasonText']])).toEqual([
      [580, '202612072052', 'complete', '', ''],
      [1184, '202612072057', 'failed', 'no-space', 'cat: write error: No space left on device'],
    ]);
    // the cause, then makedumpfile's own warning that it does not know this kernel (logged on both saves)
    expect(found[1]?.lines.map((l) => l.line)).toEqual([1184, 1177, 1166]);
    expect(found.map((e) => e.attrs['unsupportedKernel'])).toEqual([true, true]);
    // the capture kernel's own boot lines start no event but its boot
    expect(r.events.filter((e) => e.type !== 'crash-dump').map((e) => e.type)).toEqual(['boot', 'boot']);
  });
});

describe('the crash kernel reservation at boot', () => {
  const reserves = async (text: string, path = 'sos_commands/kernel/dmesg') => {
    const { dmesg } = await import('../../src/parsers/dmesg.js');
    return parseText(dmesg, text, { path })
      .events.filter((e) => e.type === 'crash-reserve')
      .map((e) => [e.attrs, e.line]);
  };

  it('reads the size and the RAM x86 up to 6.6 prints (a real Debian 12 boot, 6.1)', async () => {
    expect(await reserves(fixture('dmesg', 'debian12-kdump-tools/dmesg.202612072052'), 'var/crash/202612072052/dmesg.202612072052')).toEqual([
      [{ reservedMiB: 384, systemRamMiB: 2047 }, expect.any(Number)],
    ]);
  });

  it("reads the generic code's range (6.7 on, and arm64), and the reasons it fails", async () => {
    const text = [
      '[    0.000000] crashkernel reserved: 0x00000000dbd00000 - 0x00000000e7d00000 (192 MB)',
      '[    0.000000] crashkernel reservation failed - No suitable area found.',
      '[    0.000000] cannot allocate crashkernel (size:0x20000000)',
      // not the kernel's reservation: the command line that asked for it, and kdump-tools' own words
      '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/vda1 crashkernel=384M-:128M',
      '[    0.000000] Reserving memory for crashkernel is what this line talks about',
    ].join('\n');
    expect(await reserves(text)).toEqual([
      [{ reservedMiB: 192 }, 1],
      [{ reservedMiB: 0, failed: 'No suitable area found' }, 2],
      [{ reservedMiB: 0, failed: 'cannot allocate crashkernel' }, 3],
    ]);
  });
});

describe('kexec_crash_size', () => {
  it('reads the bytes reserved for the capture kernel, and refuses what is no byte count', async () => {
    const { kdumpParser } = await import('../../src/parsers/kdump.js');
    const read = (text: string) => parseText(kdumpParser, text, { path: 'sys/kernel/kexec_crash_size' });
    expect(read('402653184\n').facts.map((f) => [f.name, f.value])).toEqual([['kdump.crashSizeBytes', 402653184]]);
    expect(read('0\n').facts.map((f) => [f.name, f.value])).toEqual([['kdump.crashSizeBytes', 0]]);
    const bad = read('384M\n');
    expect(bad.facts).toEqual([]);
    expect(bad.diagnostics.map((d) => d.message).join()).toMatch(/byte count/);
  });
});

describe('kdump-config show', () => {
  const show = (name: string) => parseText(kdumpConfigParser, fixture('kdump-config', name), { path: 'sos_commands/kdump/kdump-config_show' });
  it("reads a Debian guest's loaded crash kernel, and where its dumps go (real output)", () => {
    const r = show('debian12-ready_kdump-config_show');
    expect(r.facts.map((f) => [f.name, f.value, f.line])).toEqual([
      ['kdump.coreDir', '/var/crash', 3],
      ['kdump.ready', 1, 8],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('says why a host is not ready: the first check that failed (this machine, booted without crashkernel=)', () => {
    const r = show('debian12-no-crashkernel_kdump-config_show');
    expect(r.facts.map((f) => [f.name, f.value, f.line])).toEqual([
      ['kdump.coreDir', '/var/crash', 5],
      ['kdump.ready', 0, 10],
      ['kdump.notReadyReason', 'kdump is not supported by this kernel', 1],
    ]);
  });

  it('reads the reservation newer kdump-tools suggest for the host (the output the Ubuntu Server documentation shows)', () => {
    const text = [
      'DUMP_MODE:                kdump',
      'crashkernel addr: 0x60000000',
      'current state:    ready to kdump',
      '',
      'crashkernel suggested size: 417M',
    ].join('\n');
    const r = parseText(kdumpConfigParser, text, { path: 'sos_commands/kdump/kdump-config_show' });
    expect(r.facts.map((f) => [f.name, f.value, f.line])).toEqual([
      ['kdump.ready', 1, 3],
      ['kdump.suggestedMiB', 417, 5],
    ]);
  });

  it('survives hostile input', () => {
    fuzz(kdumpConfigParser, [fixture('kdump-config', 'debian12-ready_kdump-config_show')], 'sos_commands/kdump/kdump-config_show');
  });
});

describe('program logs', () => {
  it("names every daemon the syslog and journal parsers read in their line filter's needles", async () => {
    const { PROGRAM_LOG_NAMES, programLogs } = await import('../../src/parsers/program-logs.js');
    const { KERNEL_LINE_FILTER } = await import('../../src/parsers/syslog.js');
    const sink = parseText(crashListingParser, '', { path: 'x' });
    expect(programLogs(sink as never).map((p) => p.program)).toEqual([...PROGRAM_LOG_NAMES]);
    for (const name of PROGRAM_LOG_NAMES) expect(KERNEL_LINE_FILTER.needles).toContain(` ${name}`);
  });
});
