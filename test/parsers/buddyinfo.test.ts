import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { buddyinfoParser } from '../../src/parsers/buddyinfo.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const TWO_NODE = fixture('buddyinfo', '2node_buddyinfo.txt');
const PBENCH = fixture('buddyinfo', 'pbench-fedora27-dhcp31-44/proc/buddyinfo');

describe('buddyinfo', () => {
  it('reads free blocks per node, zone and order', () => {
    const c = parseText(buddyinfoParser, TWO_NODE, { path: 'proc/buddyinfo' });
    expect(fact(c, 'buddy.free', { node: '1', zone: 'Normal', order: '2' })).toBe(1783);
    expect(fact(c, 'buddy.free', { node: '0', zone: 'Normal', order: '10' })).toBe(6120);
    // Node 0 Normal orders 4..10: 3201 2187 1437 844 487 247 6120.
    expect(fact(c, 'buddy.highOrderFree', { node: '0', zone: 'Normal' })).toBe(3201 + 2187 + 1437 + 844 + 487 + 247 + 6120);
    expect(fact(c, 'buddy.freePages', { node: '0', zone: 'DMA' })).toBe(256 + 512 + 2 * 1024);
    expect(c.diagnostics).toEqual([]);
  });

  it('warns on a corrupted count', () => {
    const c = parseText(buddyinfoParser, 'Node 0, zone   Normal  1 2 x 4\n', { path: 'proc/buddyinfo' });
    expect(c.facts.some((f) => f.name === 'buddy.highOrderFree')).toBe(false);
    expect(c.diagnostics[0]?.line).toBe(1);
  });

  it('never throws on random or damaged input', () => {
    fuzz(buddyinfoParser, [TWO_NODE, PBENCH], 'proc/buddyinfo');
  });
});
