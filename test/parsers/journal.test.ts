import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { journal } from '../../src/parsers/journal.js';
import { noYearTime } from '../../src/timeline/clock.js';
import { eventsOf, fixture, fuzzParser } from './logs-helpers.js';

// No licensed real journalctl capture exists in the corpus: these follow journalctl(1)'s
// documented output modes, with kernel message bodies copied from the real kern.log fixture.
const FUSE = fixture('syslog', 'ubuntu20.04_5.15-hwe_hung-task_fuse_syslog-prefix.txt');
const SHORT = [
  '-- Logs begin at Mon 2022-01-31 10:00:01 UTC, end at Fri 2022-02-04 00:10:00 UTC. --',
  ...FUSE.split('\n').slice(0, 12),
  'Feb 04 00:07:20 ic-hrvart4-s4anq599 systemd[1]: Started Session 12 of user ubuntu.',
  '-- Boot 3f2a4b9c1d8e4f6a8b7c6d5e4f3a2b1c --',
  'Feb 04 00:09:01 ic-hrvart4-s4anq599 kernel: Linux version 5.15.0-53-generic (buildd@lcy02-amd64-047) #59~20.04.1-Ubuntu SMP',
].join('\n');

describe('journal', () => {
  it('reads kernel events from default short output and skips separators', () => {
    const c = parseText(journal, SHORT, { path: 'sos_commands/logs/journalctl_--no-pager' });
    expect(c.events.map((e) => [e.type, e.line, e.timeBase, e.t])).toEqual([
      ['hung-task', 3, 'local-noyear', noYearTime(1, 4, 0, 7, 13)],
      ['boot', 16, 'local-noyear', noYearTime(1, 4, 0, 9, 1)],
    ]);
    expect(eventsOf(c, 'hung-task')[0]?.attrs).toMatchObject({ comm: 'df', pid: 1177107 });
    expect(c.formats).toEqual(['journalctl -o short']);
    expect(c.diagnostics).toEqual([]);
  });

  it('reads short-iso and short-precise stamps', () => {
    const iso = parseText(journal, '2026-11-23T10:49:13+0100 h kernel: watchdog: BUG: soft lockup - CPU#1 stuck for 23s! [qemu-kvm:999]', { path: 'sos_commands/logs/journalctl_--no-pager_--boot_-k' });
    expect(iso.events.map((e) => [e.type, e.timeBase, e.t, e.attrs.pid])).toEqual([['soft-lockup', 'utc', Date.UTC(2026, 10, 23, 9, 49, 13), 999]]);
    const precise = parseText(journal, 'Nov 23 10:49:13.250000 h kernel: Buffer I/O error on dev dm-3, logical block 7, async page read', { path: 'sos_commands/logs/journalctl_--no-pager' });
    expect(precise.events.map((e) => [e.type, e.t, e.attrs.device])).toEqual([['io-error', noYearTime(10, 23, 10, 49, 13, 250), 'dm-3']]);
    expect(precise.formats).toEqual(['journalctl -o short-precise']);
  });

  it('claims journalctl files by path and by their "-- Logs begin" head', () => {
    const ok = (p: string): boolean => journal.paths.some((re) => re.test(p));
    expect(ok('sos_commands/logs/journalctl_--no-pager_--catalog_--boot')).toBe(true);
    expect(ok('sos_commands/logs/journalctl_--disk-usage')).toBe(false);
    expect(journal.sniff(SHORT, 'x')).toBe(true);
    expect(journal.sniff(FUSE, 'x')).toBe(false);
  });

  it('never throws on random or mangled input', () => {
    fuzzParser(journal, 'sos_commands/logs/journalctl_--no-pager', [SHORT]);
  });
});
