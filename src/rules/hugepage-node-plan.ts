import type { GuestView } from '../timeline/kvm.js';

/** One NUMA node's share of a hugepage pool, and what to keep of it. */
export interface NodeHugepages {
  node: string;
  total: number;
  free: number;
  /** pages of shut-off guests bound to this node (numatune strict), which they need to start again */
  boundIdlePages: number;
  keep: number;
  release: number;
  /** the shut-off guests bound to it */
  guests: string;
  /** "node0 to 24 of 1024" */
  summary: string;
  /**
   * One shell line that sets every node's share, and one that puts them back (the same on every node's
   * entry: a rule's text cannot hold a line break in its code, nor the braces of ${n%:*} in a template)
   */
  script: string;
  undoScript: string;
}

/**
 * How to shrink a hugepage pool node by node, when guests are bound to nodes: the global count
 * (vm.nr_hugepages) frees free pages from whichever nodes it likes (mm/hugetlb.c frees round-robin
 * over the allowed nodes), and can take from a node the pages a bound guest needs there.
 *
 * Each node keeps the pages in use on it and those of the shut-off guests bound to it; a guest bound
 * to several nodes is counted on each of them for an even share, rounded up, since the kernel may place
 * its pages on any of them. What the pool must keep beyond that (`keepPages`: promised pages, guests
 * bound to no node, the most sar saw in use, which no node is known for) goes to the nodes with the most
 * pages left to give. Null when sysfs gives fewer than two nodes' counts for this page size.
 */
export function hugepageNodePlan(
  nodes: readonly { node: string; total: number; free: number }[],
  guests: readonly GuestView[],
  sizeKiB: number,
  keepPages: number,
): NodeHugepages[] | null {
  if (nodes.length < 2 || !(sizeKiB > 0)) return null;
  const bound = new Map<string, number>();
  const names = new Map<string, string[]>();
  for (const g of guests) {
    if (g.hugepagePoolKiB !== sizeKiB || g.memoryHeld !== false || !g.hugepageNodes || !g.memoryKiB) continue;
    const set = g.hugepageNodes.split(',');
    const share = Math.ceil(Math.ceil(g.memoryKiB / sizeKiB) / set.length);
    for (const n of set) {
      bound.set(n, (bound.get(n) ?? 0) + share);
      names.set(n, [...(names.get(n) ?? []), g.domain]);
    }
  }
  const plan = [...nodes]
    .sort((a, b) => Number(a.node) - Number(b.node))
    .map((n) => {
      const boundIdlePages = bound.get(n.node) ?? 0;
      const keep = Math.min(n.total, n.total - n.free + boundIdlePages);
      return {
        node: n.node,
        total: n.total,
        free: n.free,
        boundIdlePages,
        keep,
        release: 0,
        guests: (names.get(n.node) ?? []).join(', '),
        summary: '',
        script: '',
        undoScript: '',
      };
    });
  let owed = Math.max(0, keepPages - plan.reduce((s, n) => s + n.keep, 0));
  while (owed > 0) {
    const roomiest = plan.reduce((best, n) => (n.total - n.keep > best.total - best.keep ? n : best));
    const room = roomiest.total - roomiest.keep;
    if (room <= 0) break;
    const take = Math.min(room, owed);
    roomiest.keep += take;
    owed -= take;
  }
  const loop = (pairs: string): string =>
    `for n in ${pairs}; do echo \${n#*:} > /sys/devices/system/node/node\${n%:*}/hugepages/hugepages-${sizeKiB}kB/nr_hugepages; done`;
  const script = loop(plan.map((n) => `${n.node}:${n.keep}`).join(' '));
  const undoScript = loop(plan.map((n) => `${n.node}:${n.total}`).join(' '));
  for (const n of plan) {
    n.release = n.total - n.keep;
    n.summary = `node${n.node} to ${n.keep} of ${n.total}${n.guests ? ` (${n.guests})` : ''}`;
    n.script = script;
    n.undoScript = undoScript;
  }
  return plan;
}
