import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { sysMmParser, sysfsValue } from '../../src/parsers/sys-mm.js';
import { fact, fuzz } from './system-helpers.js';

// One-value sysfs files, in the formats of the kernel's transhuge.rst, ksm.rst and hugetlbpage.rst.
describe('sys-mm', () => {
  it('reads the bracketed THP mode', () => {
    expect(fact(parseText(sysMmParser, 'always [madvise] never\n', { path: 'sys/kernel/mm/transparent_hugepage/enabled' }), 'thp.enabled')).toBe('madvise');
    expect(fact(parseText(sysMmParser, '[always] defer defer+madvise madvise never\n', { path: 'sys/kernel/mm/transparent_hugepage/defrag' }), 'thp.defrag')).toBe('always');
    expect(fact(parseText(sysMmParser, '[always] madvise never\n', { path: 'sys/kernel/mm/redhat_transparent_hugepage/enabled' }), 'thp.enabled')).toBe('always');
    expect(fact(parseText(sysMmParser, '1\n', { path: 'sys/kernel/mm/transparent_hugepage/khugepaged/defrag' }), 'thp.khugepaged.defrag')).toBe(1);
  });

  it('names KSM counters in camelCase', () => {
    expect(fact(parseText(sysMmParser, '5321\n', { path: 'sys/kernel/mm/ksm/pages_sharing' }), 'ksm.pagesSharing')).toBe(5321);
    expect(fact(parseText(sysMmParser, '0\n', { path: 'sys/kernel/mm/ksm/merge_across_nodes' }), 'ksm.mergeAcrossNodes')).toBe(0);
  });

  it('labels hugepage pools by size and node', () => {
    const global = parseText(sysMmParser, '512\n', { path: 'sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages' });
    expect(fact(global, 'hugepages.total', { sizeKiB: '2048' })).toBe(512);
    expect(global.facts[0]?.labels).toEqual({ sizeKiB: '2048' });
    const node = parseText(sysMmParser, '3\n', { path: 'sys/devices/system/node/node1/hugepages/hugepages-1048576kB/free_hugepages' });
    expect(fact(node, 'hugepages.node.free', { sizeKiB: '1048576', node: '1' })).toBe(3);
    // a node's share is not the host's pool: looked up by size alone, it is not found
    expect(node.facts.filter((f) => f.name === 'hugepages.free')).toEqual([]);
    expect(fact(parseText(sysMmParser, '7\n', { path: 'sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages' }), 'hugepages.reserved')).toBe(7);
  });

  it('keeps unbracketed text as written', () => {
    expect(sysfsValue('  never ')).toBe('never');
    expect(sysfsValue('[a')).toBe('[a');
  });

  it('never throws on random or damaged input', () => {
    fuzz(sysMmParser, ['always [madvise] never\n'], 'sys/kernel/mm/transparent_hugepage/enabled');
    fuzz(sysMmParser, ['512\n'], 'sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages', 50);
  });
});
