import { describe, expect, it } from 'vitest';
import { hugepageNodePlan } from '../../src/rules/hugepage-node-plan.js';
import type { GuestView } from '../../src/timeline/kvm.js';

const guest = (domain: string, memoryKiB: number, nodes: string | null, held: boolean | null = false): GuestView =>
  ({ domain, memoryKiB, hugepagePoolKiB: 2048, hugepageNodes: nodes, memoryHeld: held }) as GuestView;

describe('hugepageNodePlan', () => {
  const nodes = [
    { node: '1', total: 1024, free: 1024 },
    { node: '0', total: 1024, free: 1000 },
  ];

  it("keeps each node's pages in use and those of the shut-off guests bound to it, in node order", () => {
    const plan = hugepageNodePlan(nodes, [guest('db02', 1048576, '1'), guest('web01', 49152, '0', true)], 2048, 536);
    expect(plan?.map((n) => [n.node, n.keep, n.release, n.guests])).toEqual([
      ['0', 24, 1000, ''],
      ['1', 512, 512, 'db02'],
    ]);
    expect(plan?.[0]?.script).toBe('for n in 0:24 1:512; do echo ${n#*:} > /sys/devices/system/node/node${n%:*}/hugepages/hugepages-2048kB/nr_hugepages; done');
    expect(plan?.[0]?.undoScript).toContain('for n in 0:1024 1:1024;');
  });

  it('spreads a guest bound to several nodes evenly over them, and puts what the pool keeps beyond the nodes where most is left', () => {
    // 512 pages over nodes 0 and 1: 256 each; 300 more pages kept (a guest bound to no node) go to node 1, whose room is largest
    const plan = hugepageNodePlan(nodes, [guest('db02', 1048576, '0,1'), guest('free01', 614400, null)], 2048, 24 + 512 + 300);
    expect(plan?.map((n) => n.keep)).toEqual([280, 556]);
  });

  it('needs two nodes', () => {
    expect(hugepageNodePlan([{ node: '0', total: 8, free: 8 }], [], 2048, 0)).toBeNull();
  });
});
