import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { procStatParser } from '../../src/parsers/proc-stat.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('proc-stat', 'pbench-fedora27-dhcp31-44/proc/stat');

describe('proc-stat', () => {
  it('reads btime 1515119853 of the pbench Fedora 27 guest as the boot instant', () => {
    const c = parseText(procStatParser, PBENCH, { path: 'proc/stat' });
    expect(fact(c, 'time.bootUtc')).toBe(1515119853000);
    // 2018-01-05T02:37:33Z: 27 days 20:03 before the 2018-02-01 22:40:58 UTC collection, as uptime says.
    expect(new Date(1515119853000).toISOString()).toBe('2018-01-05T02:37:33.000Z');
    expect(fact(c, 'host.cpus')).toBe(1);
    expect(fact(c, 'stat.ctxt')).toBe(140234835);
    expect(fact(c, 'stat.processes')).toBe(339069);
    expect(fact(c, 'stat.procsRunning')).toBe(1);
    expect(fact(c, 'stat.procsBlocked')).toBe(0);
    expect(fact(c, 'stat.cpuTicks', { mode: 'steal' })).toBe(1976);
    expect(c.diagnostics).toEqual([]);
  });

  it('counts cpuN lines, not the aggregate line', () => {
    const text = 'cpu  1 2 3 4\ncpu0 1 1 1 1\ncpu1 0 1 2 2\ncpu2 0 0 0 1\nbtime 1700000000\n';
    expect(fact(parseText(procStatParser, text, { path: 'proc/stat' }), 'host.cpus')).toBe(3);
  });

  it('warns when btime is missing or garbled', () => {
    const c = parseText(procStatParser, 'cpu0 1 2 3\nbtime soon\n', { path: 'proc/stat' });
    expect(c.facts.some((f) => f.name === 'time.bootUtc')).toBe(false);
    expect(c.diagnostics.map((d) => d.line)).toEqual([2, undefined]);
  });

  it('never throws on random or damaged input', () => {
    fuzz(procStatParser, [PBENCH], 'proc/stat');
  });
});
