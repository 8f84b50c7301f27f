import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { parseUptimeLine, uptimeParser } from '../../src/parsers/uptime.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('uptime', 'pbench-fedora27-dhcp31-44/sos_commands/general/uptime');
const HOTSOS = fixture('uptime', 'hotsos-openstack-compute4/sos_commands/host/uptime');

describe('uptime', () => {
  it('reads 27 days, 20:03 and the load averages of the pbench host', () => {
    const c = parseText(uptimeParser, PBENCH, { path: 'sos_commands/general/uptime' });
    expect(fact(c, 'time.uptimeSec')).toBe(27 * 86400 + 20 * 3600 + 3 * 60);
    expect(fact(c, 'time.uptimeClockLocal')).toBe(22 * 3600 + 40 * 60 + 58);
    expect(fact(c, 'load.avg1')).toBe(0.18);
    expect(fact(c, 'load.avg5')).toBe(0.22);
    expect(fact(c, 'load.avg15')).toBe(0.09);
    expect(c.diagnostics).toEqual([]);
  });

  it('reads an uptime without days (hotsos: up 17:41, 2 users)', () => {
    const c = parseText(uptimeParser, HOTSOS, { path: 'sos_commands/host/uptime' });
    expect(fact(c, 'time.uptimeSec')).toBe(17 * 3600 + 41 * 60);
    expect(fact(c, 'load.avg1')).toBe(3.58);
  });

  it('reads the other procps shapes', () => {
    expect(parseUptimeLine(' 10:49:13 up 5 min,  1 user,  load average: 0.52, 0.58, 0.59')?.uptimeSec).toBe(300);
    expect(parseUptimeLine(' 10:49:13 up 1 day, 23 min,  0 users,  load average: 0.00, 0.01, 0.05')?.uptimeSec).toBe(86400 + 23 * 60);
    expect(parseUptimeLine(' 10:49:13 up  2:03,  1 user,  load average: 0.52, 0.58, 0.59')?.uptimeSec).toBe(2 * 3600 + 3 * 60);
    expect(parseUptimeLine(' 10:49:13 up 3 days,  2:03,  1 user,  load average: 0.52, 0.58, 0.59')?.uptimeSec).toBe(3 * 86400 + 7380);
    expect(parseUptimeLine('  1:49pm  up 3 days  2:03,  1 user,  load average: 0.52, 0.58, 0.59')?.clockSec).toBe(13 * 3600 + 49 * 60);
  });

  it('reads comma-decimal load averages', () => {
    expect(parseUptimeLine(' 10:49:13 up 5 min,  1 user,  load average: 0,52, 0,58, 1,59')?.loads).toEqual([0.52, 0.58, 1.59]);
  });

  it('warns on a line that is not uptime output', () => {
    const c = parseText(uptimeParser, 'up and away\n', { path: 'uptime' });
    expect(c.facts).toEqual([]);
    expect(c.diagnostics[0]?.line).toBe(1);
  });

  it('sniffs uptime output', () => {
    expect(uptimeParser.sniff(PBENCH, 'x')).toBe(true);
    expect(uptimeParser.sniff('Linux host 5.4 #1\n', 'x')).toBe(false);
  });

  it('never throws on random or damaged input', () => {
    fuzz(uptimeParser, [PBENCH, HOTSOS], 'uptime');
  });
});
