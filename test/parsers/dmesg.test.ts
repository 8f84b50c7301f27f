import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { dmesg, localeMonth } from '../../src/parsers/dmesg.js';
import { noYearTime } from '../../src/timeline/clock.js';
import { eventsOf, fixture, fuzzParser } from './logs-helpers.js';

const RHEL93 = fixture('dmesg', 'rhel9.3_5.14_oom_dmesg-T_fr-locale_vmware.txt');
const RHEL97 = fixture('dmesg', 'rhel9.7_5.14_oom_dmesg-T_fr-locale_openstack.txt');
const SYSRQ = fixture('dmesg', 'ubuntu20.04_5.4_oom-sysrq-moom_truncated-lines.txt');
const DOCKER = fixture('dmesg', 'debian8_3.16_hung-task_docker_no-timestamps.txt');
const FUSE = fixture('dmesg', 'ubuntu20.04_5.15-hwe_hung-task_fuse_syslog-prefix.txt');
const K8S = fixture('dmesg', 'ubuntu20.04_5.4_juju-k8s_full-dmesg_loop-io-error.txt');
const HOTSOS = fixture('dmesg', 'hotsos-openstack-compute4/sos_commands/kernel/dmesg');
const PBENCH = fixture('dmesg', 'pbench-fedora27-dhcp31-44/sos_commands/kernel/dmesg');
const PATH = 'sos_commands/kernel/dmesg';
const XFS = fixture('dmesg', 'xfs-shutdown-loop.dmesg');

describe('dmesg', () => {
  it('reads a real XFS shutdown on a loop device whose backing store filled up (kernel 6.18): failed writes, writeback and metadata errors, the shutdown', () => {
    const c = parseText(dmesg, XFS, { path: PATH });
    const io = eventsOf(c, 'io-error');
    const kinds = (k: string): number => io.filter((e) => e.attrs['kind'] === k).length;
    // 70 "critical space allocation error" lines; the DISCARD-style WRITE_ZEROES probe of mkfs is no failure
    expect(kinds('blk')).toBe(70);
    const fs = io.filter((e) => e.attrs['kind'] === 'fs');
    expect(fs.filter((e) => e.attrs['what'] === 'writeback error: written data lost')).toHaveLength(12);
    expect(fs.filter((e) => e.attrs['what'] === 'metadata writes failing, retried')).toHaveLength(9);
    // "at daddr 0x2c0 len 32": XFS's disk address, in 512-byte sectors
    expect(fs.filter((e) => e.attrs['what'] === 'metadata I/O error').map((e) => e.attrs['sector'])).toEqual([0x2c0]);
    const down = fs.filter((e) => e.attrs['stopped'] === true);
    expect(down.map((e) => [e.attrs['what'], e.attrs['fs'], e.line])).toEqual([['shut down after a metadata I/O error', 'xfs', 103]]);
    // mount, "Please unmount" and unmount lines are not errors; every event is loop0's
    expect(new Set(io.map((e) => e.attrs['device']))).toEqual(new Set(['loop0']));
    expect(io.reduce((n, e) => n + Number(e.attrs['suppressedBefore'] ?? 0), 0)).toBeGreaterThan(600);
  });

  it('reads the RHEL 9.3 OOM from French dmesg -T: victim postmaster 3499662, anon-rss 854636 kB, shmem 3.4 GB', () => {
    const c = parseText(dmesg, RHEL93, { path: 'sos_commands/kernel/dmesg_-T' });
    const oom = eventsOf(c, 'oom-kill');
    expect(oom).toHaveLength(1);
    const e = oom[0];
    expect(e?.attrs).toMatchObject({ pid: 3499662, comm: 'postmaster', anonRssKiB: 854636, fileRssKiB: 0, shmemRssKiB: 3445804, rssKiB: 4300440, totalVmKiB: 5083036 });
    expect(e?.attrs).toMatchObject({ memcg: false, constraint: 'CONSTRAINT_NONE', cgroup: '/system.slice/postgresql-15.service', invokedBy: 'postmaster', oomScoreAdj: 0 });
    // "[ven. nov. 28 07:26:44 2025]" is local wall clock
    expect(e?.timeBase).toBe('local');
    expect(e?.t).toBe(Date.UTC(2025, 10, 28, 7, 26, 44));
    // in the log's order: the head, oom-kill:, then Killed process
    expect(e?.lines.map((l) => l.line)).toEqual([1, 222, 223]);
    expect(c.diagnostics.find((d) => d.severity === 'info')?.message).toMatch(/approximate/);
  });

  it('reads an accented French month ("déc.") in the RHEL 9.7 trace', () => {
    const c = parseText(dmesg, RHEL97, { path: PATH });
    const e = eventsOf(c, 'oom-kill')[0];
    expect(e?.t).toBe(Date.UTC(2025, 11, 17, 11, 32, 14));
    expect(e?.attrs).toMatchObject({ pid: 1040, comm: 'mariadbd', anonRssKiB: 1143060, fileRssKiB: 64, invokedBy: 'gmain', cgroup: '/system.slice/mariadb.service' });
  });

  it('places a SysRq OOM at uptime 27742.909073 s and warns that the ring buffer wrapped', () => {
    const c = parseText(dmesg, SYSRQ, { path: PATH });
    const e = eventsOf(c, 'oom-kill')[0];
    expect(e?.timeBase).toBe('uptime');
    expect(e?.t).toBeCloseTo(27742.909073, 6);
    expect(e?.attrs).toMatchObject({ pid: 955, comm: 'gnome-shell', anonRssKiB: 77868, fileRssKiB: 107372, shmemRssKiB: 12, invokedBy: 'kworker/0:0' });
    expect(c.facts.find((f) => f.name === 'dmesg.firstUptimeSec')?.value).toBeCloseTo(27742.909073, 6);
    expect(c.diagnostics.some((d) => d.severity === 'warning' && /Linux version/.test(d.message))).toBe(true);
  });

  it('reads a hung task with no time stamps at all: t is null and one warning says so', () => {
    const c = parseText(dmesg, DOCKER, { path: PATH });
    const e = eventsOf(c, 'hung-task')[0];
    expect(e?.attrs).toMatchObject({ pid: 20744, comm: 'docker', blockedSec: 120 });
    // 3.16 marks every frame "?" (no frame pointers): those are used when nothing better exists
    expect(String(e?.attrs.stack).startsWith('schedule_preempt_disabled < __mutex_lock_slowpath < mutex_lock < copy_net_ns')).toBe(true);
    expect(e?.t).toBeNull();
    expect(c.diagnostics.filter((d) => /no time stamps/.test(d.message))).toHaveLength(1);
  });

  it('reads kernel lines behind a syslog prefix with their wall-clock time', () => {
    const c = parseText(dmesg, FUSE, { path: 'var/log/dmesg' });
    const e = eventsOf(c, 'hung-task')[0];
    expect(e?.timeBase).toBe('local-noyear');
    expect(e?.t).toBe(noYearTime(1, 4, 0, 7, 13));
    expect(e?.attrs).toMatchObject({ pid: 1177107, comm: 'df', blockedSec: 120 });
    expect(String(e?.attrs.stack)).toBe('__schedule < schedule < request_wait_answer < fuse_simple_request < fuse_do_getattr < fuse_getattr < vfs_getattr_nosec < vfs_getattr');
  });

  it('finds the loop11 write error and the boot line of a full dmesg', () => {
    const c = parseText(dmesg, K8S, { path: PATH });
    const io = eventsOf(c, 'io-error');
    expect(io.map((e) => [e.line, e.t, e.attrs.device, e.attrs.op, e.attrs.sector])).toEqual([[813, 1530.811848, 'loop11', 'WRITE', 0]]);
    expect(eventsOf(c, 'boot')[0]?.attrs.kernel).toBe('5.4.0-99-generic');
    expect(c.diagnostics).toEqual([]);
  });

  it('reads the sosreport dmesg files: Fedora boot on line 2; the hotsos one wrapped at 4301.999258 s', () => {
    const fedora = parseText(dmesg, PBENCH, { path: PATH });
    expect(eventsOf(fedora, 'boot').map((e) => [e.line, e.t, e.attrs.kernel])).toEqual([[2, 0, '4.13.9-300.fc27.x86_64']]);
    const hotsos = parseText(dmesg, HOTSOS, { path: PATH });
    expect(hotsos.facts.find((f) => f.name === 'dmesg.firstUptimeSec')?.value).toBe(4301.999258);
    expect(hotsos.diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });

  it('strips <N> priority prefixes and reads --time-format iso', () => {
    const c = parseText(dmesg, ['<6>[    0.000000] Linux version 6.1.0 (x)', '2026-11-23T10:49:13,123456+01:00 INFO: task a:1 blocked for more than 120 seconds.'].join('\n'), { path: PATH });
    expect(eventsOf(c, 'boot')[0]?.t).toBe(0);
    const h = eventsOf(c, 'hung-task')[0];
    expect(h?.timeBase).toBe('utc');
    expect(h?.t).toBe(Date.UTC(2026, 10, 23, 9, 49, 13, 123));
  });

  it('maps localized %b month names', () => {
    expect(['janv.', 'févr.', 'mär', 'mai', 'août', 'déc.', 'Okt', 'dic', '11月'].map(localeMonth)).toEqual([0, 1, 2, 4, 7, 11, 9, 11, 10]);
    expect(localeMonth('xyz')).toBeUndefined();
  });

  it('warns once about an unreadable -T stamp and leaves its events without time', () => {
    const c = parseText(dmesg, '[Foo Xyz 28 07:26:44 2025] INFO: task a:1 blocked for more than 120 seconds.\n[Foo Xyz 28 07:26:45 2025] hi', { path: PATH });
    expect(eventsOf(c, 'hung-task')[0]?.t).toBeNull();
    expect(c.diagnostics.filter((d) => /unreadable/.test(d.message)).map((d) => d.line)).toEqual([1]);
  });

  it('sniffs dmesg by its first stamp, not syslog or ps', () => {
    expect(dmesg.sniff('[    0.000000] Linux version 5.4', 'x')).toBe(true);
    expect(dmesg.sniff('[ven. nov. 28 07:26:44 2025] hello', 'x')).toBe(true);
    expect(dmesg.sniff('Feb 04 00:07:12 host kernel: x', 'x')).toBe(false);
    expect(dmesg.sniff('USER PID %CPU', 'x')).toBe(false);
  });

  it('never throws on random or mangled input', () => {
    fuzzParser(dmesg, PATH, [RHEL93.slice(0, 6000), SYSRQ.slice(0, 6000), DOCKER, FUSE, K8S.slice(-3000)]);
  });
});

describe("dmesg: an earlier boot's saved ring buffer", () => {
  it('lists var/log/dmesg.0\'s events without a time (its boot time is not in the bundle), and var/log/dmesg\'s with one', () => {
    const earlier = parseText(dmesg, SYSRQ, { path: 'var/log/dmesg.0' });
    const kills = eventsOf(earlier, 'oom-kill');
    expect(kills.length).toBeGreaterThan(0);
    expect(kills.every((e) => e.t === null && e.uptime === undefined)).toBe(true);
    expect(earlier.diagnostics.map((d) => d.message)).toContain("an earlier boot's kernel log: its seconds count from a boot whose time the bundle does not give, so its events are listed without a time");
    const current = parseText(dmesg, SYSRQ, { path: 'var/log/dmesg' });
    expect(eventsOf(current, 'oom-kill').every((e) => e.timeBase === 'uptime' && e.t !== null && e.uptime === e.t)).toBe(true);
  });
});
