import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { KernelEventScanner } from '../../src/parsers/kernel-events.js';
import { KernelLineFeeder, parseIsoStamp, parseSyslogLine, syslog, SyslogLineReader } from '../../src/parsers/syslog.js';
import { noYearTime } from '../../src/timeline/clock.js';
import { eventsOf, fixture, fuzzParser } from './logs-helpers.js';

const FANOTIFY = fixture('syslog', 'ubuntu16.04_4.4_hung-task_fanotify_stack-words.txt');
const BCACHE = fixture('syslog', 'ubuntu18.04_4.15_hung-task_bcache_syslog-and-seconds.txt');
const FUSE = fixture('syslog', 'ubuntu20.04_5.15-hwe_hung-task_fuse_syslog-prefix.txt');

describe('syslog', () => {
  it('reads a hung task behind a two-space padded day ("Feb  4") and drops the [uptime] stamp from the message', () => {
    const c = parseText(syslog, FANOTIFY, { path: 'var/log/kern.log' });
    const [e, ...rest] = eventsOf(c, 'hung-task');
    expect(rest).toEqual([]);
    expect(e?.timeBase).toBe('local-noyear');
    expect(e?.t).toBe(noYearTime(1, 4, 15, 40, 27));
    expect(e?.attrs).toMatchObject({ pid: 1428, comm: 'controller', blockedSec: 120 });
    expect(String(e?.attrs.stack).split(' < ').slice(0, 3)).toEqual(['schedule', 'fanotify_handle_event', 'fsnotify']);
    expect(c.formats).toEqual(['syslog, RFC 3164 stamps (no year)']);
  });

  it('follows the bcache call trace through [module] tags until the register dump ends it', () => {
    const c = parseText(syslog, BCACHE, { path: 'var/log/kern.log' });
    const e = eventsOf(c, 'hung-task')[0];
    expect(e?.attrs).toMatchObject({ pid: 2330, comm: 'bcache-register' });
    expect(String(e?.attrs.stack).split(' < ').slice(0, 4)).toEqual(['__schedule', 'schedule', 'closure_sync', 'bch_journal']);
  });

  it('ignores the unrelated kernel line before the fuse hung task', () => {
    const c = parseText(syslog, FUSE, { path: 'var/log/syslog' });
    expect(c.events.map((e) => [e.type, e.line])).toEqual([['hung-task', 2]]);
  });

  it('reads RFC 3339 stamps and converts the offset to UTC; only kernel lines count', () => {
    const text = [
      '2026-11-23T10:49:13.123456+01:00 db1 kernel: Out of memory: Killed process 42 (java) total-vm:10kB, anon-rss:8kB, file-rss:1kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0',
      '2026-11-23T10:49:14.000000+01:00 db1 systemd[1]: java.service: Main process exited, code=killed, status=9/KILL',
      '2026-11-23T10:49:15+01:00 db1 someapp: INFO: task fake:1 blocked for more than 120 seconds.',
    ].join('\n');
    const c = parseText(syslog, text, { path: 'var/log/messages' });
    expect(c.events.map((e) => [e.type, e.timeBase, e.t])).toEqual([['oom-kill', 'utc', Date.UTC(2026, 10, 23, 9, 49, 13, 123)]]);
  });

  it("reads a QEMU segfault from the kernel's lines, with or without the [uptime] stamp, and not from a program's own", () => {
    const text = [
      'Dec  7 10:50:09 vm kernel: [40664.234403] qemu-system-x86[28212]: segfault at fffffffffffffffe ip fffffffffffffffe sp 00007fff91992150 error 15 likely on CPU 0 (core 0, socket 0)',
      'Dec  7 10:50:09 vm kernel: qemu-kvm[28213]: segfault at 18 ip 000055d0c3a1f2b4 sp 00007f2a3bffe6c0 error 4 in qemu-kvm[55d0c3600000+9b3000]',
      'Dec  7 10:50:10 vm app[77]: qemu-kvm[1]: segfault at 0 ip 0 sp 0 error 4',
    ].join('\n');
    const faults = eventsOf(parseText(syslog, text, { path: 'var/log/messages' }), 'segfault');
    expect(faults.map((e) => [e.attrs.comm, e.attrs.pid, e.attrs.lib, e.t])).toEqual([
      ['qemu-system-x86', 28212, undefined, noYearTime(11, 7, 10, 50, 9)],
      ['qemu-kvm', 28213, 'qemu-kvm', noYearTime(11, 7, 10, 50, 9)],
    ]);
  });

  it('splits lines into time, host, program and message', () => {
    expect(parseSyslogLine('Nov 23 10:49:13 host systemd[1]: Started x.')).toEqual({ timeBase: 'local-noyear', t: noYearTime(10, 23, 10, 49, 13), host: 'host', program: 'systemd', message: 'Started x.' });
    expect(parseSyslogLine('Feb 29 00:00:00 h kernel: x')?.t).toBe(noYearTime(1, 29, 0, 0, 0));
    expect(parseSyslogLine('Foo 23 10:49:13 host kernel: x')).toBeNull();
    expect(parseSyslogLine('Nov 23 25:49:13 host kernel: x')).toBeNull();
    expect(parseIsoStamp('2026-11-23T10:49:13-0530')).toEqual({ timeBase: 'utc', t: Date.UTC(2026, 10, 23, 16, 19, 13) });
    expect(parseIsoStamp('2026-11-23T10:49:13Z')).toEqual({ timeBase: 'utc', t: Date.UTC(2026, 10, 23, 10, 49, 13) });
    expect(parseIsoStamp('2026-11-23T10:49:13')).toEqual({ timeBase: 'local', t: Date.UTC(2026, 10, 23, 10, 49, 13) });
  });

  it('matches rotated files but not compressed ones', () => {
    const ok = (p: string): boolean => syslog.paths.some((re) => re.test(p));
    expect(['var/log/messages', 'var/log/messages-20261122', 'var/log/syslog.1', 'var/log/kern.log'].every(ok)).toBe(true);
    expect(['var/log/messages-20261122.gz', 'var/log/syslog.2.gz', 'var/log/secure'].some(ok)).toBe(false);
  });

  it('warns when nothing looks like syslog', () => {
    const c = parseText(syslog, 'hello\nworld\n', { path: 'var/log/messages' });
    expect(c.diagnostics.map((d) => [d.line, d.severity])).toEqual([[undefined, 'warning']]);
  });

  it('never throws on random or mangled input', () => {
    fuzzParser(syslog, 'var/log/messages', [FANOTIFY, BCACHE, FUSE]);
  });
});

describe('syslog kernel lines: the time is read only for lines that start an event', () => {
  const lines = [
    ...Array.from({ length: 500 }, (_, i) => `Nov 18 16:05:${String(i % 60).padStart(2, '0')} db01 kernel: nfs: server fs0 not responding, still trying`),
    'Nov 18 16:06:01 db01 kernel: [ 1920.259590] java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
    'Nov 18 16:06:01 db01 kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/orders-api.service,task=java,pid=4242,uid=1001',
    'Nov 18 16:06:02 db01 kernel: Out of memory: Killed process 4242 (java) total-vm:12345678kB, anon-rss:10213724kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:20480kB oom_score_adj:0',
    ...Array.from({ length: 500 }, () => 'Nov 18 16:07:00 db01 kernel: XFS (dm-1): Ending clean mount'),
  ];

  it('gives the events the times parseSyslogLine reads, asking for a handful of times out of 1 003 lines', () => {
    const events: { type: string; t: number | null; timeBase: string; line: number }[] = [];
    const sink = { event: (e: { type: string; t: number | null; timeBase: string; line: number }) => events.push(e), sample() {}, fact() {}, diagnostic() {}, format() {}, wants: () => true };
    const feeder = new KernelLineFeeder(new KernelEventScanner(sink as never));
    const reader = (feeder as unknown as { reader: SyslogLineReader }).reader;
    let asked = 0;
    const stamp = reader.stamp.bind(reader);
    reader.stamp = () => {
      asked++;
      return stamp();
    };
    lines.forEach((l, i) => feeder.push(l, i + 1));
    feeder.scanner.end();
    expect(feeder.kernelLines).toBe(lines.length);
    expect(events.map((e) => e.type)).toEqual(['oom-kill']);
    expect(events[0]?.t).toBe(parseSyslogLine(lines[500] as string)?.t);
    expect(events[0]?.timeBase).toBe('local-noyear');
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThanOrEqual(3);
  });

  it('reads the parts of each stamp form, and rejects what has no valid stamp', () => {
    const r = new SyslogLineReader();
    const parts = (line: string) => (r.read(line) ? { program: line.slice(r.programStart, r.programEnd), message: line.slice(r.messageStart), ...r.stamp() } : null);
    expect(parts('Nov  4 10:49:13.123456 host sshd[42]: Accepted key')).toEqual({ program: 'sshd', message: 'Accepted key', timeBase: 'local-noyear', t: noYearTime(10, 4, 10, 49, 13, 123) });
    expect(parts('2026-11-23T10:49:13.5+01:00 h kernel: x')).toEqual({ program: 'kernel', message: 'x', timeBase: 'utc', t: Date.UTC(2026, 10, 23, 9, 49, 13, 500) });
    expect(parts('Mon 2026-11-23 10:49:13 CET h kernel: y')).toEqual({ program: 'kernel', message: 'y', timeBase: 'local', t: Date.UTC(2026, 10, 23, 10, 49, 13) });
    expect(parts('Nov 23 10:49:13 h tagonly')).toEqual({ program: 'tagonly', message: '', timeBase: 'local-noyear', t: noYearTime(10, 23, 10, 49, 13) });
    expect(r.read('Nov 23 10:49:13 h kernel: x') && r.programIs('kernel') && !r.programIs('kerne')).toBe(true);
    for (const bad of ['Nov 23 25:49:13 h kernel: bad hour', 'Nov 32 10:49:13 h kernel: bad day', 'Nov 23 10:49:13', 'garbage', '']) expect(parts(bad), bad).toBeNull();
  });

});

describe('qemu-guest-agent lines', () => {
  // rsyslog's lines of a real Debian 12 guest (qemu-guest-agent 7.2; its syslog() asks for no pid), the host
  // freezing and, 40 s later, thawing the guest's filesystems: the agent logs the freeze only, then nothing
  // until its next command (test/fixtures/SOURCES-logs.md, debian12-qemu-ga-freeze).
  const LINES = [
    '2026-12-07T21:43:54.574825+00:00 crashhost ga-driver.sh[351]: ga-driver: qemu-ga already running (pid 307), started by systemd/udev',
    '2026-12-07T21:44:01.006728+00:00 crashhost qemu-ga: info: guest-fsfreeze called',
    '2026-12-07T21:44:56.350576+00:00 crashhost qemu-ga: info: guest-file-open called, filepath: /run/ga-collect, mode: w',
    '2026-12-07T21:44:56.361773+00:00 crashhost qemu-ga: info: guest-file-open, handle: 1000',
    '',
  ].join('\n');

  it('reads the freeze, and the next line of the agent as the first sign it was thawed', () => {
    const r = parseText(syslog, LINES, { path: 'var/log/syslog' });
    expect(r.events.map((e) => [e.type, e.line, new Date(e.t ?? 0).toISOString()])).toEqual([
      ['fs-freeze', 2, '2026-12-07T21:44:01.006Z'],
      ['fs-thawed', 3, '2026-12-07T21:44:56.350Z'],
    ]);
  });

  it("takes a freeze logged while the last one seemed in force as that one's thaw: the thaw itself is never logged", () => {
    const twice = [LINES.split('\n')[1], LINES.split('\n')[1]?.replace('21:44:01', '22:44:01'), ''].join('\n');
    const r = parseText(syslog, twice, { path: 'var/log/syslog' });
    expect(r.events.map((e) => [e.type, e.line])).toEqual([
      ['fs-freeze', 1],
      ['fs-thawed', 2],
      ['fs-freeze', 2],
    ]);
  });
});
