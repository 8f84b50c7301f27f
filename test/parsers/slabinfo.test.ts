import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { slabinfoParser } from '../../src/parsers/slabinfo.js';
import { fact, fuzz } from './system-helpers.js';

// Synthetic, in the slabinfo 2.1 layout of slabinfo(5) (no licensed real capture in the corpus).
const SLAB = [
  'slabinfo - version: 2.1',
  '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>',
  'dentry            2048000 2048000    192   21    1 : tunables    0    0    0 : slabdata  97524  97524      0',
  'kmalloc-64          12800  12800     64   64    1 : tunables    0    0    0 : slabdata    200    200      0',
  'inode_cache          5000   5200    600   13    2 : tunables    0    0    0 : slabdata    400    400      0',
].join('\n');

describe('slabinfo', () => {
  it('ranks caches by size', () => {
    const c = parseText(slabinfoParser, SLAB, { path: 'proc/slabinfo' });
    expect(fact(c, 'slab.topKiB', { rank: '1' })).toBe(384000);
    expect(c.facts.find((f) => f.name === 'slab.topKiB' && f.labels['rank'] === '1')?.labels['slab']).toBe('dentry');
    expect(fact(c, 'slab.topKiB', { slab: 'inode_cache' })).toBe(3047);
    expect(fact(c, 'slab.totalKiB')).toBe(384000 + 800 + 3047);
    expect(c.formats).toEqual(['slabinfo - version: 2.1']);
  });

  it('never throws on random or damaged input', () => {
    fuzz(slabinfoParser, [SLAB], 'proc/slabinfo');
  });
});
