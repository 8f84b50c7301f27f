import type { Timeline } from './timeline.js';

/** One guest as the bundle describes it: placement, backing and where its memory sits. */
export interface GuestView {
  domain: string;
  state: string | null;
  vcpus: number | null;
  memoryKiB: number | null;
  /** vcpu → cpuset, e.g. "0→2, 1→3"; null when not pinned */
  vcpupin: string | null;
  emulatorpin: string | null;
  numatune: string | null;
  hugepages: boolean;
  hugepageSizeKiB: number | null;
  /**
   * The hugepage pool its memory comes from, in KiB per page: the size its XML names, else the
   * host's default (meminfo's Hugepagesize), which is what QEMU then maps; null without <hugepages/>.
   */
  hugepagePoolKiB: number | null;
  /**
   * Whether its QEMU held its memory at collection: false when virsh listed it shut off (QEMU gone,
   * its hugepages back in the free pool), true when listed in any other state or a QEMU process of
   * it was seen; null when the bundle does not say.
   */
  memoryHeld: boolean | null;
  /** why, from libvirt's live status (run/libvirt/qemu/<guest>.xml): a paused guest's ioerror, a crashed one's panicked */
  stateReason: string | null;
  /**
   * The nodes its hugepages must come from when it is bound (numatune memory mode strict): the kernel
   * allocates a bound guest's pages on those nodes only, so free pages elsewhere do not count for it.
   */
  hugepageNodes: string | null;
  /** free pages of its pool on those nodes (hugepages.node.free), when sysfs gave them */
  hugepageNodesFree: number | null;
  nosharepages: boolean;
  disks: { target: string; bus: string; cache: string; io: string; source?: string }[];
  /**
   * The fullest filesystem holding one of its disk images (df's mount point with the longest prefix of
   * the image's path), when df was collected: a guest whose image cannot grow is paused by QEMU.
   */
  fullestDiskMount: string | null;
  fullestDiskUsedPct: number | null;
  fullestDiskAvailKiB: number | null;
  fullestDiskSource: string | null;
  balloon: string | null;
  /** MiB of the guest's qemu process per NUMA node (numastat -p / numa_maps), when collected */
  memoryByNodeMiB: Record<string, number> | null;
  /** node names of the CPUs its vCPUs are pinned to */
  pinnedNodes: string[];
}

export interface KvmInventory {
  guests: GuestView[];
  hostCpus: number | null;
  hostMemKiB: number | null;
  nodes: { node: string; cpus: string | null; sizeMiB: number | null; freeMiB: number | null }[];
  vcpuTotal: number;
  guestMemKiBTotal: number;
  /** vCPUs per host CPU; RHEL guidance: up to 5:1 when load stays below 100% */
  vcpuOvercommit: number | null;
  /** guest memory over host memory */
  memoryOvercommit: number | null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}
function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null;
}

/** Expands a cpulist such as "0-3,8" into CPU numbers. */
export function expandCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.trim().split('-').map((x) => Number(x));
    if (a === undefined || !Number.isInteger(a)) continue;
    const end = b !== undefined && Number.isInteger(b) ? b : a;
    for (let c = a; c <= end && out.length < 4096; c++) out.push(c);
  }
  return out;
}

/** The mounted filesystem a path lies on: the mount point that is the longest prefix of it, by whole components. */
export function filesystemOf(file: string, mounts: ReadonlyMap<string, { usedPct: number; availKiB: number | null }>): { mount: string; usedPct: number; availKiB: number | null } | null {
  let best: string | null = null;
  for (const m of mounts.keys()) {
    const inside = m === '/' || file === m || file.startsWith(m.endsWith('/') ? m : `${m}/`);
    if (inside && (best === null || m.length > best.length)) best = m;
  }
  const fs = best === null ? undefined : mounts.get(best);
  return best === null || fs === undefined ? null : { mount: best, ...fs };
}

const inventories = new WeakMap<Timeline, KvmInventory | null>();

/**
 * The guest inventory from domain XML, virsh, numastat -p and numactl facts; null when the host runs
 * no guests. Built once per timeline: the rules (guests()) and the report's KVM section both read it.
 */
export function kvmInventory(timeline: Timeline): KvmInventory | null {
  if (inventories.has(timeline)) return inventories.get(timeline) ?? null;
  const inventory = buildInventory(timeline);
  inventories.set(timeline, inventory);
  return inventory;
}

function buildInventory(timeline: Timeline): KvmInventory | null {
  const domains = new Set<string>();
  for (const f of timeline.facts) if (f.name.startsWith('vm.') && f.labels['domain']) domains.add(f.labels['domain']);
  if (domains.size === 0) return null;
  const fact = (name: string, domain: string): unknown => timeline.factEntry(name, { domain })?.value;
  const nodes = new Map<string, { node: string; cpus: string | null; sizeMiB: number | null; freeMiB: number | null }>();
  for (const f of timeline.facts) {
    const node = f.labels['node'];
    if (node === undefined || !['numa.cpus', 'numa.sizeMiB', 'numa.freeMiB'].includes(f.name) || Object.keys(f.labels).length !== 1) continue;
    const n = nodes.get(node) ?? { node, cpus: null, sizeMiB: null, freeMiB: null };
    if (f.name === 'numa.cpus') n.cpus = str(f.value);
    if (f.name === 'numa.sizeMiB') n.sizeMiB = num(f.value);
    if (f.name === 'numa.freeMiB') n.freeMiB = num(f.value);
    nodes.set(node, n);
  }
  // Without numactl --hardware (sos's numa plugin needs the numactl package), sysfs's node meminfo says the same.
  for (const [name, key] of [
    ['nodeMeminfo.MemTotal', 'sizeMiB'],
    ['nodeMeminfo.MemFree', 'freeMiB'],
  ] as const) {
    for (const f of timeline.factsNamed(name)) {
      const node = f.labels['node'];
      const kib = num(f.value);
      if (node === undefined || kib === null) continue;
      const n = nodes.get(node) ?? { node, cpus: null, sizeMiB: null, freeMiB: null };
      n[key] ??= Math.round(kib / 1024);
      nodes.set(node, n);
    }
  }
  const cpuNode = new Map<number, string>();
  for (const n of nodes.values()) if (n.cpus) for (const c of expandCpuList(n.cpus)) cpuNode.set(c, n.node);
  const pidDomain = new Map<string, string>();
  for (const f of timeline.factsNamed('proc.libvirtDomain')) if (f.labels['pid'] && typeof f.value === 'string') pidDomain.set(f.labels['pid'], f.value);
  const withProcess = new Set(pidDomain.values());
  const mounts = new Map<string, { usedPct: number; availKiB: number | null }>();
  for (const f of timeline.factsNamed('fs.usedPct')) {
    const mount = f.labels['mount'];
    const pct = num(f.value);
    if (mount === undefined || pct === null || mounts.has(mount)) continue;
    mounts.set(mount, { usedPct: pct, availKiB: num(timeline.factEntry('fs.availKiB', { mount })?.value) });
  }
  const defaultHugepageKiB = num(timeline.facts.find((f) => f.name === 'meminfo.Hugepagesize' && Object.keys(f.labels).length === 0)?.value);

  const guests: GuestView[] = [];
  for (const domain of [...domains].sort()) {
    let pins: { vcpu: number | string; cpuset: string }[] = [];
    const pinRaw = fact('vm.vcpupin', domain);
    if (typeof pinRaw === 'string') {
      try {
        const parsed: unknown = JSON.parse(pinRaw);
        if (Array.isArray(parsed)) pins = parsed.filter((p): p is { vcpu: number | string; cpuset: string } => typeof p === 'object' && p !== null && 'cpuset' in p);
      } catch {
        pins = [];
      }
    }
    const pinnedNodes = [...new Set(pins.flatMap((p) => expandCpuList(String(p.cpuset)).map((c) => cpuNode.get(c)).filter((x): x is string => x !== undefined)))].sort();
    const disks: GuestView['disks'] = [];
    for (const f of timeline.factsNamed('vm.disk')) {
      if (f.labels['domain'] !== domain || typeof f.value !== 'string') continue;
      // etc/libvirt/qemu/<guest>.xml and `virsh dumpxml` describe the same disks: each target once.
      if (disks.some((d) => d.target === (f.labels['target'] ?? '?'))) continue;
      try {
        const d = JSON.parse(f.value) as Record<string, unknown>;
        disks.push({
          target: f.labels['target'] ?? '?',
          bus: String(d['bus'] ?? '?'),
          cache: String(d['cache'] ?? 'default'),
          io: String(d['io'] ?? 'default'),
          ...(typeof d['source'] === 'string' && d['source'] !== '' ? { source: d['source'] } : {}),
        });
      } catch {
        /* a malformed disk fact is left out */
      }
    }
    let byNode: Record<string, number> | null = null;
    for (const f of timeline.factsNamed('numa.procMiB')) {
      const pid = f.labels['pid'];
      const node = f.labels['node'];
      if (!pid || node === undefined || pidDomain.get(pid) !== domain) continue;
      byNode ??= {};
      byNode[node] = (byNode[node] ?? 0) + (num(f.value) ?? 0);
    }
    const mode = str(fact('vm.numatuneMode', domain));
    const nodeset = str(fact('vm.numatuneNodeset', domain));
    // virsh list's word, else libvirt's live status (which exists only while the guest's QEMU does)
    const state = str(fact('vm.state', domain)) ?? str(fact('vm.liveState', domain));
    const hugepages = fact('vm.hugepages', domain) === true;
    const hugepageSizeKiB = num(fact('vm.hugepageSizeKiB', domain));
    // libvirt binds a guest's memory, hugepages included, to the nodeset of <numatune><memory mode='strict'>
    const boundNodes = hugepages && (mode ?? 'strict') === 'strict' && nodeset ? expandCpuList(nodeset).map(String) : null;
    const poolKiB = hugepages ? (hugepageSizeKiB ?? defaultHugepageKiB) : null;
    let nodesFree: number | null = null;
    if (boundNodes !== null && poolKiB !== null) {
      for (const n of boundNodes) {
        const free = num(timeline.factEntry('hugepages.node.free', { sizeKiB: String(poolKiB), node: n })?.value);
        if (free !== null) nodesFree = (nodesFree ?? 0) + free;
      }
    }
    let fullest: { mount: string; usedPct: number; availKiB: number | null; source: string } | null = null;
    for (const d of disks) {
      const fs = d.source?.startsWith('/') ? filesystemOf(d.source, mounts) : null;
      if (fs && (fullest === null || fs.usedPct > fullest.usedPct)) fullest = { ...fs, source: d.source as string };
    }
    guests.push({
      domain,
      state,
      vcpus: num(fact('vm.vcpus', domain)) ?? num(fact('vm.qemuSmp', domain)),
      memoryKiB: num(fact('vm.memoryKiB', domain)) ?? ((num(fact('vm.qemuMemoryMiB', domain)) ?? NaN) * 1024 || null),
      vcpupin: pins.length ? pins.map((p) => `${p.vcpu}→${p.cpuset}`).join(', ') : null,
      emulatorpin: str(fact('vm.emulatorpin', domain)),
      numatune: mode || nodeset ? `${mode ?? '?'} ${nodeset ?? ''}`.trim() : null,
      hugepages,
      hugepageSizeKiB,
      hugepagePoolKiB: poolKiB,
      hugepageNodes: boundNodes?.join(',') ?? null,
      hugepageNodesFree: nodesFree,
      fullestDiskMount: fullest?.mount ?? null,
      fullestDiskUsedPct: fullest?.usedPct ?? null,
      fullestDiskAvailKiB: fullest?.availKiB ?? null,
      fullestDiskSource: fullest?.source ?? null,
      stateReason: str(fact('vm.liveStateReason', domain)),
      memoryHeld: state !== null ? state !== 'shut off' : withProcess.has(domain) ? true : null,
      nosharepages: fact('vm.nosharepages', domain) === true,
      disks,
      balloon: str(fact('vm.memballoon', domain)),
      memoryByNodeMiB: byNode,
      pinnedNodes,
    });
  }
  const hostCpus = num(timeline.fact('host.cpus'));
  const hostMemKiB = num(timeline.facts.find((f) => f.name === 'meminfo.MemTotal' && Object.keys(f.labels).length === 0)?.value);
  const vcpuTotal = guests.reduce((s, g) => s + (g.vcpus ?? 0), 0);
  const guestMem = guests.reduce((s, g) => s + (g.memoryKiB ?? 0), 0);
  return {
    guests,
    hostCpus,
    hostMemKiB,
    nodes: [...nodes.values()].sort((a, b) => Number(a.node) - Number(b.node)),
    vcpuTotal,
    guestMemKiBTotal: guestMem,
    vcpuOvercommit: hostCpus ? vcpuTotal / hostCpus : null,
    memoryOvercommit: hostMemKiB ? guestMem / hostMemKiB : null,
  };
}
