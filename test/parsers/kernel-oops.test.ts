/**
 * Kernel oopses, BUGs, WARNINGs and panics, read from real output of a Debian 12
 * kernel (6.1.187) that LKDTM made fail on purpose (test/fixtures/SOURCES-logs.md).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { parseText } from '../../src/parsers/collect.js';
import { dmesg as dmesgParser, isCrashedBootLog } from '../../src/parsers/dmesg.js';
import type { EventRecord } from '../../src/parsers/types.js';
import { actionItems } from '../../src/report/format.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';

const dir = path.resolve(import.meta.dirname, '../fixtures/dmesg/lkdtm-debian12-6.1-guest');
function oopses(file: string): EventRecord[] {
  const c = parseText(dmesgParser, readFileSync(path.join(dir, file), 'utf8'), { path: 'sos_commands/kernel/dmesg' });
  return c.events.filter((e) => e.type === 'kernel-oops');
}

describe('kernel oops reports', () => {
  const all = oopses('dmesg_oopses-warnings-bugs.txt');

  it('reads each of the twelve reports once, by kind and place', () => {
    expect(all.map((e) => [e.attrs.kind, e.attrs.site, e.attrs.oopsCount ?? null])).toEqual([
      ['warning', '/tmp/oops-capture/lkdtm-build/bugs.c:85', null],
      ['warning', '/tmp/oops-capture/lkdtm-build/bugs.c:90', null],
      ['bug', '/tmp/oops-capture/lkdtm-build/bugs.c:78', 1],
      ['null-deref', 'lkdtm_EXCEPTION', 2],
      ['null-deref', 'lkdtm_ACCESS_NULL', 3],
      ['page-fault', 'lkdtm_WRITE_RO', 4],
      ['page-fault', 'data_area', 5],
      ['page-fault', 'lkdtm_ACCESS_USERSPACE.cold', 6],
      ['bug', 'lib/list_debug.c:27', 7],
      ['bug', 'lib/list_debug.c:62', 8],
      ['warning', 'lib/refcount.c:22', null],
      ['gpf', 'oopsgpf_read', 9],
    ]);
    // the kernel survived them all: none ended in a panic
    expect(all.some((e) => e.attrs.panic === true)).toBe(false);
  });

  it('takes the task, the taint flags, the module, the function and the trace from the report', () => {
    const warning = all[0];
    expect(warning?.attrs).toMatchObject({
      comm: 'sh',
      pid: 101,
      cpu: 0,
      tainted: 'GOE',
      module: 'lkdtm',
      func: 'lkdtm_WARNING',
      rip: 'lkdtm_WARNING',
      location: '/tmp/oops-capture/lkdtm-build/bugs.c:85',
    });
    // its first line is the WARNING itself, not "cut here"
    expect(warning?.lines[0]?.text).toContain('WARNING: CPU: 0 PID: 101 at /tmp/oops-capture/lkdtm-build/bugs.c:85 lkdtm_WARNING+0x13/0x20 [lkdtm]');
    const gpf = all[11];
    expect(gpf?.attrs).toMatchObject({
      oopsCount: 9,
      comm: 'insmod',
      pid: 123,
      tainted: 'GDWOE',
      module: 'oopsgpf',
      what: 'general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#9] PREEMPT SMP NOPTI',
    });
    expect(String(all[3]?.attrs.stack)).toMatch(/^direct_entry\.cold < full_proxy_write < vfs_write/);
  });

  it('keeps what the code said before its BUG: list corruption before "cut here", a message after it', () => {
    expect(all[8]?.attrs.detail).toBe('list_add corruption. next->prev should be prev (ff31d2884040bcb8), but was 0000000000000000. (next=ff31d2884040bcc8).');
    expect(all[10]?.attrs.detail).toBe('refcount_t: saturated; leaking memory.');
    expect(all[1]?.attrs.detail).toBe('Warning message trigger count: 2');
  });

  it('joins the panic an oops or a warning led to, past the registers x86 prints again', () => {
    const [onOops] = oopses('console_panic-on-oops.txt');
    expect(onOops?.attrs).toMatchObject({ kind: 'null-deref', panic: true, panicReason: 'Fatal exception' });
    expect(onOops?.lines.at(-1)?.text).toContain('Kernel panic - not syncing: Fatal exception');
    const [onWarn] = oopses('console_panic-on-warn.txt');
    expect(onWarn?.attrs).toMatchObject({ kind: 'warning', panic: true, panicReason: 'kernel: panic_on_warn set ...' });
    const panics = oopses('console_panic.txt');
    expect(panics.map((e) => [e.attrs.kind, e.attrs.what, e.attrs.comm])).toEqual([['panic', 'dumptest', 'sh']]);
  });

  it('reads a soft lockup through the PKRU line of a CPU with protection keys, to its call trace', () => {
    const c = parseText(dmesgParser, readFileSync(path.join(dir, 'dmesg_softlockup-hungtask.txt'), 'utf8'), { path: 'sos_commands/kernel/dmesg' });
    const [lockup] = c.events.filter((e) => e.type === 'soft-lockup');
    expect(lockup?.attrs).toMatchObject({
      comm: 'sh',
      pid: 100,
      stuckSec: 45,
      rip: 'lkdtm_SOFTLOCKUP',
      stack: 'direct_entry.cold < full_proxy_write < vfs_write < ksys_write < do_syscall_64 < entry_SYSCALL_64_after_hwframe',
    });
    expect(c.events.filter((e) => e.type === 'kernel-oops')).toEqual([]);
  });

  it('takes no lockdep report, workqueue lockup or soft lockup for an oops', () => {
    const c = parseText(
      dmesgParser,
      [
        '[  1.000000] WARNING: possible circular locking dependency detected',
        '[  2.000000] BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 31s!',
        '[  3.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [java:4242]',
        '',
      ].join('\n'),
      { path: 'sos_commands/kernel/dmesg' },
    );
    expect(c.events.filter((e) => e.type === 'kernel-oops')).toEqual([]);
  });
});

describe('kernel oops reports on arm64', () => {
  // Constructed from the formats of arch/arm64/mm/fault.c (die_kernel_fault, mem_abort_decode) and
  // arch/arm64/kernel/traps.c (die, __show_regs): no real arm64 oops was captured (the real arm64 capture below has a hung task and a panic, and a stock kernel has no module to oops with).
  const text = [
    '[  118.226171] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000',
    '[  118.226173] Mem abort info:',
    '[  118.226174]   ESR = 0x0000000096000045',
    '[  118.226176]   EC = 0x25: DABT (current EL), IL = 32 bits',
    '[  118.226179] Data abort info:',
    '[  118.226180]   ISV = 0, ISS = 0x00000045',
    '[  118.226183] user pgtable: 4k pages, 48-bit VAs, pgdp=0000000102e4c000',
    '[  118.226185] [0000000000000000] pgd=0000000000000000, p4d=0000000000000000',
    '[  118.226189] Internal error: Oops: 0000000096000045 [#1] PREEMPT SMP',
    '[  118.226191] Modules linked in: nvme_fabrics ext4 mbcache jbd2',
    '[  118.226210] CPU: 3 PID: 2718 Comm: kworker/3:2 Not tainted 6.1.0-26-arm64 #1  Debian 6.1.112-1',
    '[  118.226213] Hardware name: QEMU KVM Virtual Machine, BIOS 0.0.0 02/06/2015',
    '[  118.226215] pstate: 60400005 (nZCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=--)',
    '[  118.226218] pc : ext4_end_bio+0x3c/0x1a0 [ext4]',
    '[  118.226240] lr : bio_endio+0x138/0x1a0',
    '[  118.226243] sp : ffff80000b6b3d60',
    '[  118.226244] x29: ffff80000b6b3d60 x28: 0000000000000000 x27: ffff0000c3a1e000',
    '[  118.226249] Call trace:',
    '[  118.226250]  ext4_end_bio+0x3c/0x1a0 [ext4]',
    '[  118.226262]  bio_endio+0x138/0x1a0',
    '[  118.226265]  blk_update_request+0x1c0/0x4a0',
    '[  118.226268] Code: f9400e60 b4000080 f9400c00 b5000040 (f9000001)',
    '[  118.226271] ---[ end trace 0000000000000000 ]---',
    '',
  ].join('\n');

  it('reads the headline, the oops count, the task and the function the program counter was in', () => {
    const c = parseText(dmesgParser, text, { path: 'sos_commands/kernel/dmesg' });
    const oopsEvents = c.events.filter((e) => e.type === 'kernel-oops');
    expect(oopsEvents.map((e) => e.attrs)).toEqual([
      expect.objectContaining({
        kind: 'null-deref',
        oopsCount: 1,
        comm: 'kworker/3:2',
        pid: 2718,
        cpu: 3,
        rip: 'ext4_end_bio',
        module: 'ext4',
        site: 'ext4_end_bio',
        stack: 'ext4_end_bio < bio_endio < blk_update_request',
      }),
    ]);
    expect(oopsEvents[0]?.lines.map((l) => l.line)).toEqual([1, 9, 11, 14, 23]);
  });
});

/** The report of a bundle holding these files (path in the bundle → text), written to a directory removed after. */
async function analyzeFiles(files: Record<string, string>): Promise<Awaited<ReturnType<typeof analyze>>['model']> {
  const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-kernel-'));
  try {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
      writeFileSync(path.join(work, rel), text);
    }
    return (await analyze([work])).model;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const fixtureText = (rel: string): string => readFileSync(path.resolve(import.meta.dirname, '../fixtures', rel), 'utf8');

describe('a real arm64 kernel: a task hung on a frozen filesystem, then a panic (Debian 12, 6.1.192, QEMU virt)', () => {
  const text = readFileSync(path.resolve(import.meta.dirname, '../fixtures/dmesg/debian12-arm64-guest/console_hung-task-sysrq-panic.txt'), 'utf8');
  const c = parseText(dmesgParser, text, { path: 'sos_commands/kernel/dmesg' });

  it('reads the hung task\'s stack after arm64\'s "Call trace:"', () => {
    const hung = c.events.filter((e) => e.type === 'hung-task');
    expect(hung.map((e) => e.attrs.blockedSec)).toEqual([5, 10, 15, 20, 25]);
    expect(hung[0]?.attrs).toMatchObject({
      comm: 'init',
      pid: 96,
      stack: '__switch_to < __schedule < schedule < percpu_rwsem_wait < __percpu_down_read < mnt_want_write < path_openat < do_filp_open',
    });
  });

  it('reads the panic with its trace from where panic() was called, not the functions that print it', () => {
    expect(c.events.filter((e) => e.type === 'kernel-oops').map((e) => e.attrs)).toEqual([
      expect.objectContaining({
        kind: 'panic',
        what: 'sysrq triggered crash',
        comm: 'init',
        pid: 1,
        cpu: 1,
        stack:
          'sysrq_reset_seq_param_set < __handle_sysrq < write_sysrq_trigger < proc_reg_write < vfs_write < ksys_write < __arm64_sys_write < invoke_syscall',
      }),
    ]);
    expect(c.diagnostics).toEqual([]);
  });

  it('is reported as a task waiting on a frozen filesystem, and a panic', async () => {
    const model = await analyzeFiles({ 'sos_commands/kernel/dmesg': text });
    const titles = model.report.findings.map((f) => [f.rule, f.title]);
    expect(titles).toEqual(
      expect.arrayContaining([
        ['hung-task', 'init hung in D state 5 times, waiting on a frozen filesystem'],
        ['kernel-oops', 'Kernel panic: sysrq triggered crash'],
      ]),
    );
    const hung = model.report.findings.find((f) => f.rule === 'hung-task');
    expect(hung?.remediation[0]?.detail).toContain('fsfreeze --unfreeze');
    // a writer whose file was open before the freeze blocks in vfs_write, with no mnt_want_write on its stack
    const written = await analyzeFiles({ 'sos_commands/kernel/dmesg': fixtureText('dmesg/debian12-arm64-guest/console_hung-write-frozen.txt') });
    const write = written.report.findings.find((f) => f.rule === 'hung-task');
    expect(write?.title).toBe('init hung in D state, waiting on a frozen filesystem');
    expect(write?.message).toMatch(/__percpu_down_read \\?< vfs_write .*\) shows it waiting on a frozen filesystem\./);
  });
});

describe('a real x86 kernel: a write fault on a mapped file and a write(2), both on a frozen ext4 (Debian 12, 6.1.176, QEMU q35)', () => {
  it('names the frozen filesystem for both: the fault blocks in ext4_page_mkwrite, the write in vfs_write', async () => {
    const model = await analyzeFiles({ 'sos_commands/kernel/dmesg': fixtureText('dmesg/debian12-frozen-fs-guest/dmesg_mmap-and-write-frozen.txt') });
    const hung = model.report.findings.filter((f) => f.rule === 'hung-task');
    expect(hung.map((f) => f.title).sort()).toEqual([
      'mmapw hung in D state 3 times, waiting on a frozen filesystem',
      'writew hung in D state 3 times, waiting on a frozen filesystem',
    ]);
    const fault = hung.find((f) => f.subject.comm === 'mmapw');
    expect(fault?.message).toMatch(/__percpu_down_read \\?< ext4_page_mkwrite \\?< do_page_mkwrite/);
    expect(fault?.remediation[0]?.detail).toContain('fsfreeze --unfreeze');
  });
});

describe('a real x86 kernel: the same on a frozen XFS and a frozen btrfs (Debian 12, 6.1.176, QEMU q35)', () => {
  it.each([
    ['xfs', '__xfs_filemap_fault'],
    ['btrfs', 'btrfs_page_mkwrite'],
  ])('names the frozen filesystem on %s: the fault blocks in %s, the write in vfs_write', async (fs, frame) => {
    const model = await analyzeFiles({
      'sos_commands/kernel/dmesg': fixtureText(`dmesg/debian12-frozen-fs-guest/dmesg_${fs}-mmap-and-write-frozen.txt`),
      // when it booted, so that the reports have a time (the guest's own btime is not in the capture)
      'proc/stat': 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1796675000\n',
      'sos_commands/date/date': 'Mon Dec  7 20:30:00 UTC 2026\n',
    });
    const hung = model.report.findings.filter((f) => f.rule === 'hung-task');
    expect(hung.map((f) => f.title).sort()).toEqual([
      'mmapw hung in D state, waiting on a frozen filesystem',
      'writew hung in D state, waiting on a frozen filesystem',
    ]);
    const fault = hung.find((f) => f.subject.comm === 'mmapw');
    expect(fault?.message).toContain(`__percpu_down_read \\< ${frame} \\< do_page_mkwrite`);
    // reported in the same watchdog scan, on one frozen filesystem: one episode
    expect(hung.filter((f) => !f.sameEpisodeAs?.length)).toHaveLength(1);
  });
});

describe("a real guest whose filesystems qemu-guest-agent froze at the host's request (Debian 12, qemu-guest-agent 7.2)", () => {
  it('names the agent as what froze them, and when it was heard from again, thawed', async () => {
    const model = await analyzeFiles({
      // journalctl's short output has no year: the collection's gives it
      'sos_commands/date/date': 'Mon Dec  7 21:45:30 UTC 2026\n',
      'sos_commands/logs/journalctl_--no-pager_--boot': fixtureText('journal/debian12-qemu-ga-freeze/journalctl_--no-pager_--boot'),
    });
    const hung = model.report.findings.filter((f) => f.rule === 'hung-task');
    // journald itself, truncating its file on the frozen root, is one of them
    expect(hung.map((f) => f.title).sort()).toEqual([
      'rs:main Q:Reg hung in D state, waiting on a frozen filesystem',
      'systemd-journal hung in D state 3 times, waiting on a frozen filesystem',
      'writew hung in D state 3 times, waiting on a frozen filesystem',
    ]);
    const writer = hung.find((f) => f.subject.comm === 'writew');
    expect(writer?.message).toContain('qemu-guest-agent had frozen the guest filesystems at 2026-12-07 21:44:00');
    expect(writer?.message).toContain('the agent was next heard from at 2026-12-07 21:44:56, thawed by then.');
    expect(writer?.message).toContain('The tasks reported hung in the same minutes: systemd-journal, writew, rs:main Q:Reg.');
    expect(writer?.remediation[0]?.detail).toContain('virsh domfsthaw');
  });

  it('reports the three tasks as one episode, led by the one hung longest, not as three problems', async () => {
    const model = await analyzeFiles({
      'sos_commands/date/date': 'Mon Dec  7 21:45:30 UTC 2026\n',
      'sos_commands/logs/journalctl_--no-pager_--boot': fixtureText('journal/debian12-qemu-ga-freeze/journalctl_--no-pager_--boot'),
    });
    const hung = model.report.findings.filter((f) => f.rule === 'hung-task');
    const lead = hung.find((f) => f.subject.comm === 'systemd-journal');
    expect(lead?.sameEpisodeAs).toBeUndefined();
    for (const comm of ['writew', 'rs:main Q:Reg']) {
      const f = hung.find((g) => g.subject.comm === comm);
      expect(f?.sameEpisodeAs, comm).toEqual([lead?.id]);
      expect(f?.score, comm).toBeLessThan(lead?.score ?? 0);
      expect(f?.reasoning.join(' '), comm).toContain('The same episode as systemd-journal hung in D state 3 times, waiting on a frozen filesystem');
    }
    const md = renderMarkdown(model);
    expect(md).not.toMatch(/unrelated/);
    expect(md).toContain('2 more are part of an episode listed above, not problems of their own.');
    expect(md).toContain(
      '- **In the same episode:** writew hung in D state 3 times, waiting on a frozen filesystem; rs:main Q:Reg hung in D state, waiting on a frozen filesystem',
    );
    expect(await renderHtml(model)).toMatch(/<th scope="row">In the same episode<\/th><td><a href="#[^"]+">writew hung in D state 3 times/);
    // the first actions are the episode's, once: not "Fix the resource writew waits on" beside systemd-journal's
    expect(actionItems(model).map((a) => a.remediation.action)).toEqual([
      'Fix the resource systemd-journal waits on: a frozen filesystem',
      'Keep the watchdog on, and collect a full picture next time',
    ]);
  });
});

describe("a crashed boot's kernel log, saved by kdump (var/crash/*/vmcore-dmesg.txt)", () => {
  // The real panic-on-oops console log stands in for the vmcore-dmesg.txt kdump writes: the same line format.
  const text = readFileSync(path.join(dir, 'console_panic-on-oops.txt'), 'utf8');

  it('counts its seconds back from the time the dump directory is named for, not from this boot', () => {
    const c = parseText(dmesgParser, text, { path: 'var/crash/127.0.0.1-2026-12-05-03:14:07/vmcore-dmesg.txt' });
    const [oops] = c.events.filter((e) => e.type === 'kernel-oops');
    const [boot] = c.events.filter((e) => e.type === 'boot');
    // the panic is the log's last stamped line (5.876397 s), taken as 03:14:07
    expect(oops).toMatchObject({ timeBase: 'local', attrs: { kind: 'null-deref', panic: true, panicReason: 'Fatal exception' } });
    expect(oops?.t).toBeCloseTo(Date.UTC(2026, 11, 5, 3, 14, 7) - (5.876397 - 5.876397) * 1000, 0);
    expect(boot).toMatchObject({ timeBase: 'local' });
    expect(boot?.t).toBeCloseTo(Date.UTC(2026, 11, 5, 3, 14, 7) - 5876.397, 0);
    // that boot's own stamp stays, for its syslog copies (timeline/crashed-boot.ts); it is no fact of this boot
    expect(oops?.uptime).toBe(5.876397);
    expect(c.facts.filter((f) => f.name === 'dmesg.firstUptimeSec')).toEqual([]);
    expect(c.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/^the kernel log of a boot that crashed, which kdump saved: its seconds are counted back/),
    ]);
  });

  it("is read wherever kdump.conf puts the dumps, and never from sos's own output", () => {
    expect(dmesgParser.paths.some((re) => re.test('data/kdump/127.0.0.1-2026-12-05-03:14:07/vmcore-dmesg.txt'))).toBe(true);
    expect(isCrashedBootLog('data/kdump/127.0.0.1-2026-12-05-03:14:07/vmcore-dmesg.txt')).toBe(true);
    expect(isCrashedBootLog('sos_commands/kdump/vmcore-dmesg.txt')).toBe(false);
    const c = parseText(dmesgParser, text, { path: 'data/kdump/127.0.0.1-2026-12-05-03:14:07/vmcore-dmesg.txt' });
    expect(c.events.find((e) => e.type === 'kernel-oops')?.t).toBeCloseTo(Date.UTC(2026, 11, 5, 3, 14, 7), 0);
  });

  it('lists its events without a time when the directory gives none', () => {
    const c = parseText(dmesgParser, text, { path: 'var/crash/vmcore-incomplete/vmcore-dmesg.txt' });
    expect(c.events.filter((e) => e.type === 'kernel-oops').map((e) => e.t)).toEqual([null]);
  });
});

describe('a host that crashed and came back', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-vmcore-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("reports the crashed boot's panic at the time kdump saved it, beside this boot's own log", async () => {
    const files: Record<string, string> = {
      'sos_commands/date/date': 'Mon Dec  7 09:00:00 CET 2026\n',
      'sos_commands/date/date_--utc': 'Mon Dec  7 08:00:00 UTC 2026\n',
      'proc/stat': 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1796976000\n',
      'sos_commands/kernel/dmesg':
        '[    0.000000] Linux version 6.1.0-53-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.187-1 (2026-09-07)\n',
      'var/crash/127.0.0.1-2026-12-05-03:14:07/vmcore-dmesg.txt': readFileSync(path.join(dir, 'console_panic-on-oops.txt'), 'utf8'),
      // sos's kdump plugin: a crash kernel is loaded and an oops panics, as on the crashed boot
      'sys/kernel/kexec_crash_loaded': '1\n',
      'proc/sys/kernel/panic_on_oops': '1\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
      writeFileSync(path.join(work, rel), text);
    }
    const { model } = await analyze([work]);
    const f = model.report.findings.find((x) => x.rule === 'kernel-oops');
    expect(f).toMatchObject({
      severity: 'critical',
      title: 'Kernel panic after an oops in lkdtm_EXCEPTION (lkdtm module)',
      window: { start: '2026-12-05T03:14:07+01:00' },
    });
    expect(f?.evidence[0]?.source).toBe('var/crash/127.0.0.1-2026-12-05-03:14:07/vmcore-dmesg.txt');
    // kdump is set up already: no advice to set it up
    expect(f?.metrics).toMatchObject({ crashKernel: 1, panicOnOops: 1 });
    expect(f?.remediation.map((r) => r.action)).toEqual(['Find the known bug for lkdtm_EXCEPTION (lkdtm) and update the module or kernel']);
  });

  it('says when no crash kernel was loaded, so that a panic would leave no dump', async () => {
    writeFileSync(path.join(work, 'sys/kernel/kexec_crash_loaded'), '0\n');
    writeFileSync(path.join(work, 'proc/sys/kernel/panic_on_oops'), '0\n');
    const { model } = await analyze([work]);
    const f = model.report.findings.find((x) => x.rule === 'kernel-oops');
    expect(f?.remediation[1]?.action).toBe('Have the next one leave a vmcore: load kdump, and make an oops panic');
    expect(f?.remediation[1]?.detail).toContain(
      'No crash kernel was loaded at collection (kexec_crash_loaded is 0): a panic now would leave no dump, and an oops does not panic (panic_on_oops is 0)',
    );
  });
});

describe("a crashed boot's log past what a ring buffer holds", () => {
  it('keeps a bounded number of its events and says how many more there were', () => {
    const line = (i: number): string =>
      `[${(i / 100).toFixed(6).padStart(12)}] blk_update_request: I/O error, dev sdb, sector ${i} op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0`;
    const text = Array.from({ length: 300_005 }, (_, i) => line(i)).join('\n');
    const c = parseText(dmesgParser, text, { path: 'var/crash/127.0.0.1-2026-12-05-03:14:07/vmcore-dmesg.txt' });
    expect(c.events.length).toBe(300_000);
    expect(c.diagnostics.some((d) => d.message === "5 more events than the 300000 a crashed boot's log is read for were not kept")).toBe(true);
  });
});

describe('a real 1 GiB guest whose leaking process the OOM killer ended (Debian 12, 6.1)', () => {
  it('calls a victim holding most of a small host the one that used the memory up, not a bystander', async () => {
    const model = await analyzeFiles({
      'sos_commands/kernel/dmesg': fixtureText('dmesg/debian12-leak-oom-guest/dmesg_oom-kill-of-the-leaker.txt'),
      'proc/meminfo': 'MemTotal:         981472 kB\nMemFree:          744060 kB\n',
      'proc/stat': 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1796689815\n',
      'sos_commands/date/date': 'Tue Dec  8 00:45:52 UTC 2026\n',
    });
    const oom = model.report.findings.find((f) => f.rule === 'oom-kill');
    expect(oom?.title).toBe('Global OOM kill of leaky (pid 437, 591 MiB)');
    expect(oom?.message).toContain('A victim this large most likely held the memory that ran out.');
    expect(oom?.message).not.toContain('bystander');
  });
});
