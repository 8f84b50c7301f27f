import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { freeParser, humanToKiB } from '../../src/parsers/free.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const HOTSOS = fixture('free', 'hotsos-openstack-compute4/sos_commands/memory/free');
const HOTSOS_M = fixture('free', 'hotsos-openstack-compute4/sos_commands/memory/free_-m');
const PBENCH = fixture('free', 'pbench-fedora27-dhcp31-44/sos_commands/memory/free');
// procps < 3.3.10 layout (documented in free(1) of that era).
const OLD = '             total       used       free     shared    buffers     cached\nMem:       8061316    7812052     249264          0     312220    5391352\n-/+ buffers/cache:    2108480    5952836\nSwap:      2097148      43192    2053956\n';

describe('free', () => {
  it('reads KiB output', () => {
    const c = parseText(freeParser, HOTSOS, { path: 'sos_commands/memory/free' });
    expect(fact(c, 'free.memTotalKiB')).toBe(16393164);
    expect(fact(c, 'free.memAvailableKiB')).toBe(8638440);
    expect(fact(c, 'free.swapUsedKiB')).toBe(67584);
    expect(c.diagnostics).toEqual([]);
    expect(fact(parseText(freeParser, PBENCH, { path: 'free' }), 'free.memBuffCacheKiB')).toBe(4361096);
  });

  it('scales free -m by the unit in the file name', () => {
    const c = parseText(freeParser, HOTSOS_M, { path: 'sos_commands/memory/free_-m' });
    expect(fact(c, 'free.memTotalKiB')).toBe(16008 * 1024);
  });

  it('reads the old buffers/cached layout and skips the -/+ row', () => {
    const c = parseText(freeParser, OLD, { path: 'sos_commands/memory/free' });
    expect(fact(c, 'free.memCachedKiB')).toBe(5391352);
    expect(fact(c, 'free.swapFreeKiB')).toBe(2053956);
    expect(c.diagnostics).toEqual([]);
  });

  it('reads human units', () => {
    expect(humanToKiB('15Gi')).toBe(15 * 1024 * 1024);
    expect(humanToKiB('1.5M')).toBe(1536);
    expect(humanToKiB('0B')).toBe(0);
    expect(humanToKiB('x')).toBeNaN();
  });

  it('never throws on random or damaged input', () => {
    fuzz(freeParser, [HOTSOS, PBENCH, OLD], 'sos_commands/memory/free');
    fuzz(freeParser, [HOTSOS], 'sos_commands/memory/free_-h', 50);
  });
});
