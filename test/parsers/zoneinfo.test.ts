import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { zoneinfoParser } from '../../src/parsers/zoneinfo.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const MODERN = fixture('zoneinfo', '2node-vm_zoneinfo_per-node-stats-format.txt');
const OLD = fixture('zoneinfo', '2socket-xeon-e5-2690_2node_zoneinfo_old-format.txt');
const PBENCH = fixture('zoneinfo', 'pbench-fedora27-dhcp31-44/proc/zoneinfo');

describe('zoneinfo', () => {
  it('reads watermarks after the per-node stats block', () => {
    const c = parseText(zoneinfoParser, MODERN, { path: 'proc/zoneinfo' });
    expect(fact(c, 'zoneinfo.freePages', { node: '0', zone: 'DMA' })).toBe(3580);
    expect(fact(c, 'zoneinfo.minPages', { node: '0', zone: 'DMA' })).toBe(42);
    expect(fact(c, 'zoneinfo.lowPages', { node: '0', zone: 'DMA' })).toBe(52);
    expect(fact(c, 'zoneinfo.highPages', { node: '0', zone: 'DMA' })).toBe(62);
    expect(fact(c, 'zoneinfo.managedPages', { node: '0', zone: 'DMA' })).toBe(3840);
    expect(c.formats).toEqual(['zoneinfo (per-node stats)']);
    expect(c.diagnostics).toEqual([]);
  });

  it('reads the pre-4.8 layout and ignores the pagesets "high:" lines', () => {
    const c = parseText(zoneinfoParser, OLD, { path: 'proc/zoneinfo' });
    expect(fact(c, 'zoneinfo.freePages', { node: '0', zone: 'DMA' })).toBe(3830);
    expect(fact(c, 'zoneinfo.highPages', { node: '0', zone: 'DMA' })).toBe(3);
    expect(c.facts.filter((f) => f.name === 'zoneinfo.highPages')).toHaveLength(4);
    expect(c.formats).toEqual(['zoneinfo (pre-4.8)']);
  });

  it('never throws on random or damaged input', () => {
    fuzz(zoneinfoParser, [MODERN, OLD, PBENCH], 'proc/zoneinfo', 60);
  });
});
