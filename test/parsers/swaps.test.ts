import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { swapsParser } from '../../src/parsers/swaps.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('swaps', 'pbench-fedora27-dhcp31-44/proc/swaps');

describe('swaps', () => {
  it('reads each swap device and the totals', () => {
    const c = parseText(swapsParser, PBENCH, { path: 'proc/swaps' });
    expect(fact(c, 'swaps.sizeKiB', { device: '/dev/dm-1' })).toBe(3358716);
    expect(fact(c, 'swaps.usedKiB', { device: '/dev/dm-1' })).toBe(0);
    expect(fact(c, 'swaps.type', { device: '/dev/dm-1' })).toBe('partition');
    expect(fact(c, 'swaps.priority', { device: '/dev/dm-1' })).toBe(-1);
    expect(fact(c, 'swaps.totalSizeKiB')).toBe(3358716);
    expect(c.diagnostics).toEqual([]);
  });

  it('counts the zram devices: swap kept compressed in RAM (a real one, Linux 6.18)', () => {
    const c = parseText(swapsParser, fixture('zram-thrash', 'bundle/proc/swaps'), { path: 'proc/swaps' });
    expect(fact(c, 'swaps.devices')).toBe(1);
    expect(fact(c, 'swaps.zramDevices')).toBe(1);
    // stated at the zram device's line, for a rule to quote; a host without one states nothing
    expect(
      parseText(swapsParser, fixture('zram-thrash', 'bundle/proc/swaps'), { path: 'proc/swaps' }).facts.find((f) => f.name === 'swaps.zramDevices')?.line,
    ).toBe(2);
    expect(parseText(swapsParser, PBENCH, { path: 'proc/swaps' }).facts.some((f) => f.name === 'swaps.zramDevices')).toBe(false);
  });

  it('states zero devices when only the header is present', () => {
    const c = parseText(swapsParser, 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n', { path: 'proc/swaps' });
    expect(fact(c, 'swaps.devices')).toBe(0);
  });

  it('never throws on random or damaged input', () => {
    fuzz(swapsParser, [PBENCH], 'proc/swaps');
  });
});
