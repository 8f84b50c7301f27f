import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { diskstatsParser } from '../../src/parsers/diskstats.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('diskstats', 'pbench-fedora27-dhcp31-44/proc/diskstats');

describe('diskstats', () => {
  it('maps dev<major>-<minor> to kernel names and reads the counters', () => {
    const c = parseText(diskstatsParser, PBENCH, { path: 'proc/diskstats' });
    expect(fact(c, 'block.devName', { dev: 'dev253-0' })).toBe('dm-0');
    expect(fact(c, 'block.devName', { dev: 'dev252-0' })).toBe('vda');
    expect(fact(c, 'diskstats.readsCompleted', { device: 'vda' })).toBe(25738);
    expect(fact(c, 'diskstats.sectorsWritten', { device: 'dm-0' })).toBe(30699727);
    expect(fact(c, 'diskstats.weightedIoMs', { device: 'dm-0' })).toBe(1042984);
    expect(c.diagnostics).toEqual([]);
  });

  it('reads the 4-counter partition rows of old kernels and the 5.5+ flush fields', () => {
    const c = parseText(diskstatsParser, '   8    1 sda1 100 200 300 400\n 259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n', { path: 'proc/diskstats' });
    expect(fact(c, 'diskstats.writesCompleted', { device: 'sda1' })).toBe(300);
    expect(fact(c, 'diskstats.flushMs', { device: 'nvme0n1' })).toBe(17);
  });

  it('never throws on random or damaged input', () => {
    fuzz(diskstatsParser, [PBENCH], 'proc/diskstats');
  });
});
