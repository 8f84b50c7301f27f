/**
 * A crashed boot's kernel log (kdump's vmcore-dmesg.txt) is placed by its dump directory's name,
 * minutes after the panic on a host whose capture kernel takes long; the syslog of that boot holds
 * the same events at their own times. Its events are moved onto their copies and counted once.
 *
 * The crashed boot's log is the real LKDTM capture (twelve oops, BUG and WARNING reports in one
 * boot, test/fixtures/dmesg/lkdtm-debian12-6.1-guest); its syslog is written from the same lines in
 * rsyslog's format (Debian's, which keeps the kernel's stamp, and RHEL's, which drops it): no
 * syslog of that guest was captured.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-crashed-boot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CRASH_LOG = readFileSync(path.resolve(import.meta.dirname, '../fixtures/dmesg/lkdtm-debian12-6.1-guest/dmesg_oopses-warnings-bugs.txt'), 'utf8');
const LAST_UPTIME = 51.851495;
const DUMP_DIR = 'var/crash/127.0.0.1-2026-12-05-03:14:07';
/** the dump directory's name, local time (CET), in UTC */
const DUMP_AT = Date.UTC(2026, 11, 5, 2, 14, 7);
/** kdump started saving 170 s after the log's last line */
const KDUMP_DELAY_MS = 170_000;
/** the crashed boot's start, UTC */
const CRASHED_BOOT = DUMP_AT - KDUMP_DELAY_MS - LAST_UPTIME * 1000;

/** The crashed boot's kernel lines as rsyslog wrote them in CET, with the kernel's stamp or without. */
function syslogOf(log: string, keepStamp: boolean): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const out: string[] = [];
  for (const line of log.split('\n')) {
    const m = /^\[\s*(\d+\.\d+)\] ?(.*)$/.exec(line);
    if (!m) continue;
    const at = new Date(CRASHED_BOOT + Number(m[1]) * 1000 + 3_600_000);
    const stamp = `${months[at.getUTCMonth()]} ${String(at.getUTCDate()).padStart(2)} ${at.toISOString().slice(11, 19)}`;
    out.push(`${stamp} vm kernel: ${keepStamp ? `[${m[1]?.padStart(12)}] ` : ''}${m[2]}`);
  }
  return `${out.join('\n')}\n`;
}

let n = 0;
function bundle(files: Record<string, string>): string {
  const dir = path.join(work, `b${++n}`);
  const all: Record<string, string> = {
    'sos_commands/date/date': 'Mon Dec  7 09:00:00 CET 2026\n',
    'sos_commands/date/date_--utc': 'Mon Dec  7 08:00:00 UTC 2026\n',
    // this boot began after the crash
    'proc/stat': `cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime ${Math.round((DUMP_AT + 600_000) / 1000)}\n`,
    [`${DUMP_DIR}/vmcore-dmesg.txt`]: CRASH_LOG,
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const oopses = (events: { type: string; t: number | null }[]): { type: string; t: number | null }[] => events.filter((e) => e.type === 'kernel-oops');
/** the first report of the log: a WARNING stamped 2.202527 s after that boot began */
const FIRST_WARNING = 2.202527;

describe("a crashed boot's log beside that boot's syslog", () => {
  it('alone, is placed by its dump directory', async () => {
    const { timeline } = await analyze([bundle({})]);
    const events = oopses(timeline.events);
    expect(events.length).toBe(12);
    expect(events[0]?.t).toBeCloseTo(DUMP_AT - (LAST_UPTIME - FIRST_WARNING) * 1000, -1);
  });

  it("moves onto the syslog's copies, which keep the kernel's stamp (Debian), and counts each report once", async () => {
    const { timeline, model } = await analyze([bundle({ 'var/log/messages': syslogOf(CRASH_LOG, true) })]);
    const events = oopses(timeline.events);
    expect(events.length).toBe(12);
    // syslog stamps whole seconds: the shift lands within one of the truth
    expect(Math.abs((events[0]?.t as number) - (CRASHED_BOOT + FIRST_WARNING * 1000))).toBeLessThan(1000);
    expect(model.report.diagnostics.find((d) => d.source === `${DUMP_DIR}/vmcore-dmesg.txt` && d.message.startsWith('placed by'))?.message).toMatch(
      /^placed by the \d+ kernel events it shares with var\/log\/messages, the syslog of the boot that crashed \(3 min earlier than its dump directory's time said\); each is counted once$/,
    );
    const f = model.report.findings.filter((x) => x.rule === 'kernel-oops');
    expect(f.length).toBeGreaterThan(0);
    for (const x of f) expect(x.title).not.toMatch(/\(2 times\)/);
  });

  it('moves onto copies without the stamp (RHEL) by their times, near where the dump put it', async () => {
    const { timeline } = await analyze([bundle({ 'var/log/messages': syslogOf(CRASH_LOG, false) })]);
    const events = oopses(timeline.events);
    expect(events.length).toBe(12);
    expect(Math.abs((events[0]?.t as number) - (CRASHED_BOOT + FIRST_WARNING * 1000))).toBeLessThan(1000);
  });

  it('is placed by the stamped copies even when the dump directory gives no time', async () => {
    const dir = bundle({ 'var/log/messages': syslogOf(CRASH_LOG, true) });
    mkdirSync(path.join(dir, 'var/crash/vmcore-incomplete'));
    writeFileSync(path.join(dir, 'var/crash/vmcore-incomplete/vmcore-dmesg.txt'), CRASH_LOG);
    rmSync(path.join(dir, DUMP_DIR), { recursive: true });
    const { timeline, model } = await analyze([dir]);
    const events = oopses(timeline.events);
    expect(events.length).toBe(12);
    expect(events.every((e) => e.t !== null)).toBe(true);
    expect(
      model.report.diagnostics.find((d) => d.source === 'var/crash/vmcore-incomplete/vmcore-dmesg.txt' && d.message.startsWith('placed by'))?.message,
    ).toContain("the dump's directory gives no time");
  });

  it('stays where it was beside the syslog of another boot', async () => {
    // the same reports a week earlier, from a boot whose stamps are not these
    const lastWeek = syslogOf(CRASH_LOG, false).replace(/^Dec {2}5/gm, 'Nov 28');
    const { timeline } = await analyze([bundle({ 'var/log/messages': lastWeek })]);
    const crashed = oopses(timeline.events).filter((e) => (e.t as number) > DUMP_AT - 3_600_000);
    expect(crashed.length).toBe(12);
    expect(crashed[0]?.t).toBeCloseTo(DUMP_AT - (LAST_UPTIME - FIRST_WARNING) * 1000, -1);
  });
});
