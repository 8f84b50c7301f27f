import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { dateParser, parseWallClock } from '../../src/parsers/date.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('date', 'pbench-fedora27-dhcp31-44/sos_commands/general/date');
const HOTSOS = fixture('date', 'hotsos-openstack-compute4/sos_commands/date/date');

// Synthetic inputs in documented formats (timedatectl(1), 12-hour locale date as in jc #748).
const TIMEDATECTL = [
  '               Local time: Mon 2026-11-23 10:49:13 CET',
  '           Universal time: Mon 2026-11-23 09:49:13 UTC',
  '                 RTC time: Mon 2026-11-23 09:49:13',
  '                Time zone: Europe/Paris (CET, +0100)',
  'System clock synchronized: yes',
  '              NTP service: active',
  '          RTC in local TZ: no',
].join('\n');

describe('date', () => {
  it('reads the pbench Fedora 27 date (UTC host, padded day) as local and UTC', () => {
    const c = parseText(dateParser, PBENCH, { path: 'sos_commands/general/date' });
    expect(fact(c, 'time.collectedLocal')).toBe(Date.UTC(2018, 1, 1, 22, 40, 58));
    expect(fact(c, 'time.collectedUtc')).toBe(Date.UTC(2018, 1, 1, 22, 40, 58));
    expect(fact(c, 'time.zone')).toBe('UTC');
    expect(fact(c, 'time.zoneOffsetMin')).toBe(0);
    expect(c.diagnostics).toEqual([]);
  });

  it('reads the hotsos date', () => {
    const c = parseText(dateParser, HOTSOS, { path: 'sos_commands/date/date' });
    expect(fact(c, 'time.collectedLocal')).toBe(Date.UTC(2022, 1, 10, 16, 19, 17));
  });

  it('keeps a CET abbreviation without guessing an offset', () => {
    const c = parseText(dateParser, 'Mon Nov 23 10:49:13 CET 2026\n', { path: 'sos_commands/date/date' });
    expect(fact(c, 'time.collectedLocal')).toBe(Date.UTC(2026, 10, 23, 10, 49, 13));
    expect(fact(c, 'time.zone')).toBe('CET');
    expect(c.facts.some((f) => f.name === 'time.zoneOffsetMin' || f.name === 'time.collectedUtc')).toBe(false);
  });

  it('reads 12-hour locales with 7 tokens, including 12 AM and PM', () => {
    expect(parseWallClock('Mon 23 Nov 2026 11:10:44 AM EEST')?.localMs).toBe(Date.UTC(2026, 10, 23, 11, 10, 44));
    expect(parseWallClock('Mon 23 Nov 2026 12:10:44 AM EEST')?.localMs).toBe(Date.UTC(2026, 10, 23, 0, 10, 44));
    expect(parseWallClock('Mon 23 Nov 2026 12:10:44 PM EEST')?.localMs).toBe(Date.UTC(2026, 10, 23, 12, 10, 44));
    expect(parseWallClock('Mon 23 Nov 2026 01:10:44 PM EEST')?.zone).toBe('EEST');
  });

  it('takes date --utc from the file name as the UTC instant only', () => {
    const c = parseText(dateParser, 'Mon Nov 23 09:49:13 UTC 2026\n', { path: 'sos_commands/date/date_--utc' });
    expect(c.facts.map((f) => f.name)).toEqual(['time.collectedUtc']);
    expect(fact(c, 'time.collectedUtc')).toBe(Date.UTC(2026, 10, 23, 9, 49, 13));
  });

  it('reads numeric zones such as +0530 as a stated offset', () => {
    const c = parseText(dateParser, 'Mon Nov 23 10:49:13 +0530 2026', { path: 'date' });
    expect(fact(c, 'time.zoneOffsetMin')).toBe(330);
    expect(fact(c, 'time.collectedUtc')).toBe(Date.UTC(2026, 10, 23, 5, 19, 13));
  });

  it('reads timedatectl output (the top-level date on newer sos)', () => {
    const c = parseText(dateParser, TIMEDATECTL, { path: 'date' });
    expect(fact(c, 'time.collectedLocal')).toBe(Date.UTC(2026, 10, 23, 10, 49, 13));
    expect(fact(c, 'time.collectedUtc')).toBe(Date.UTC(2026, 10, 23, 9, 49, 13));
    expect(fact(c, 'time.zone')).toBe('Europe/Paris');
    expect(fact(c, 'time.zoneOffsetMin')).toBe(60);
    expect(fact(c, 'time.ntpSynchronized')).toBe(true);
    expect(c.formats).toEqual(['timedatectl']);
  });

  it('refuses impossible dates instead of rolling them over', () => {
    expect(parseWallClock('Mon Feb 31 10:49:13 UTC 2026')).toBeNull();
    expect(parseWallClock('Mon Nov 23 25:49:13 UTC 2026')).toBeNull();
    const c = parseText(dateParser, 'hello world\n', { path: 'date' });
    expect(c.facts).toEqual([]);
    expect(c.diagnostics.map((d) => d.line)).toEqual([1, undefined]);
  });

  it('notes a flattened top-level symlink without warning', () => {
    const c = parseText(dateParser, 'sos_commands/general/date', { path: 'date' });
    expect(c.facts).toEqual([]);
    expect(c.diagnostics.map((d) => d.severity)).toEqual(['info']);
  });

  it('notes once, without a warning, a timedatectl that failed on a host without systemd', () => {
    // sos report on a container/microVM (real capture, 2026-11-23): sos_commands/systemd/timedatectl
    const failed = ["System has not been booted with systemd as init system (PID 1). Can't operate.", 'Failed to connect to bus: Host is down', ''].join('\n');
    const c = parseText(dateParser, failed, { path: 'sos_commands/systemd/timedatectl' });
    expect(c.facts).toEqual([]);
    expect(c.diagnostics.map((d) => [d.line, d.severity])).toEqual([[1, 'info']]);
    expect(c.diagnostics[0]?.message).toContain('has not been booted with systemd');
    // the same text as a plain date file is still an unreadable date
    const d = parseText(dateParser, failed, { path: 'sos_commands/date/date' });
    expect(d.diagnostics.some((x) => x.severity === 'warning')).toBe(true);
  });

  it('sniffs date and timedatectl output', () => {
    expect(dateParser.sniff(PBENCH, 'date')).toBe(true);
    expect(dateParser.sniff(TIMEDATECTL, 'x')).toBe(true);
    expect(dateParser.sniff('MemTotal: 1 kB\n', 'x')).toBe(false);
  });

  it('never throws on random or damaged input', () => {
    fuzz(dateParser, [PBENCH, HOTSOS, TIMEDATECTL], 'date');
    fuzz(dateParser, [PBENCH], 'sos_commands/date/date_--utc', 50);
  });
});
