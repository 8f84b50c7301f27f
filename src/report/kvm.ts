/**
 * The KVM section as plain rows, shared by the Markdown and HTML renderers:
 * guest inventory, vCPU → CPU → node map, memory per node, overcommit against
 * RHEL guidance, and placement observations. Observations are not findings:
 * rules decide severity; this only points at what a reader should look at.
 */
import { expandCpuList, type GuestView, type KvmInventory } from '../timeline/kvm.js';
import { formatKiB, trimNumber } from './format.js';
import type { ReportModel } from './model.js';

/** RHEL virtualization tuning guide: up to 5 vCPUs per host CPU while guest load stays below 100%. */
export const VCPU_PER_CPU_GUIDANCE = 5;
/** RHEL virtualization tuning guide: never more than 10 vCPUs per physical core. */
export const VCPU_PER_CORE_LIMIT = 10;
export const GUIDANCE_SOURCE = 'RHEL virtualization tuning guide';

export type Status = 'ok' | 'warn' | 'over' | 'unknown';

export interface GuestRow {
  domain: string;
  state: string;
  vcpus: string;
  memory: string;
  pinning: string;
  emulatorpin: string | null;
  numatune: string;
  hugepages: string;
  disks: string[];
  balloon: string;
}

export interface CpuMapRow {
  domain: string;
  vcpus: string;
  cpus: string;
  nodes: string;
}

export interface OvercommitRow {
  what: string;
  value: string;
  guidance: string;
  status: Status;
  verdict: string;
}

export interface KvmView {
  summary: string;
  nodes: { node: string; cpus: string; size: string; free: string }[];
  guests: GuestRow[];
  cpuMap: CpuMapRow[];
  memory: { nodes: string[]; rows: { domain: string; cells: string[]; total: string; offNode: string }[] } | null;
  overcommit: OvercommitRow[];
  observations: { domain: string; text: string }[];
}

/** 0,1,2,3,8 → "0-3,8" */
export function compressList(values: readonly number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/** "0→2, 1→3-4,8" back into pairs; cpusets hold commas but never ", ". */
export function parsePins(vcpupin: string | null): { vcpu: number; cpus: number[] }[] {
  if (!vcpupin) return [];
  const out: { vcpu: number; cpus: number[] }[] = [];
  for (const part of vcpupin.split(', ')) {
    const [v, set] = part.split('→');
    const vcpu = Number(v);
    if (set === undefined || !Number.isInteger(vcpu)) continue;
    out.push({ vcpu, cpus: expandCpuList(set) });
  }
  return out;
}

function cpuNodes(kvm: KvmInventory): Map<number, string> {
  const map = new Map<number, string>();
  for (const n of kvm.nodes) if (n.cpus) for (const c of expandCpuList(n.cpus)) map.set(c, n.node);
  return map;
}

function mib(v: number | null): string {
  return v === null ? '—' : formatKiB(v * 1024);
}

function ratio(v: number): string {
  return `${trimNumber(v, v < 10 ? 2 : 1)}:1`;
}

/** Node numbers out of a numatune text such as "strict 0-1" or "preferred 1". */
function numatuneNodes(numatune: string | null): string[] {
  const set = numatune?.split(' ')[1];
  return set ? expandCpuList(set).map(String) : [];
}

function disksText(g: GuestView): string[] {
  return g.disks.map((d) => `${d.target} (${d.bus}) cache=${d.cache} io=${d.io}`);
}

function pinningText(g: GuestView, pins: { vcpu: number; cpus: number[] }[]): string {
  if (pins.length === 0) return 'not pinned';
  const of = g.vcpus !== null ? ` of ${g.vcpus}` : '';
  const nodes = g.pinnedNodes.length ? ` → node ${g.pinnedNodes.join(',')}` : '';
  return `${pins.length}${of} vCPUs pinned${nodes}`;
}

/** Host CPU busy (user + system + steal) at its highest sample, when sar/vmstat was there. */
export function hostBusyPeakPct(model: ReportModel): number | null {
  const busy = new Map<number, number>();
  for (const s of model.series) {
    if (!['cpu.userPct', 'cpu.systemPct', 'cpu.stealPct'].includes(s.metric) || (s.labels['cpu'] ?? 'all') !== 'all') continue;
    for (const [t, v] of s.points) busy.set(t, (busy.get(t) ?? 0) + v);
  }
  if (busy.size === 0) return null;
  return Math.min(100, Math.max(...busy.values()));
}

function overcommit(model: ReportModel, kvm: KvmInventory): OvercommitRow[] {
  const rows: OvercommitRow[] = [];
  const running = kvm.guests.filter((g) => g.state === 'running');
  const runningVcpus = running.reduce((s, g) => s + (g.vcpus ?? 0), 0);
  const busy = hostBusyPeakPct(model);
  const busyText = busy === null ? 'host CPU load not known' : `host CPU busy peaked at ${Math.round(busy)}%`;
  if (kvm.hostCpus) {
    const r = kvm.vcpuTotal / kvm.hostCpus;
    const runText = running.length && running.length < kvm.guests.length ? ` (${ratio(runningVcpus / kvm.hostCpus)} for the ${running.length} running)` : '';
    const status: Status = r <= VCPU_PER_CPU_GUIDANCE ? 'ok' : 'over';
    rows.push({
      what: 'vCPUs per host CPU',
      value: `${kvm.vcpuTotal} vCPUs / ${kvm.hostCpus} CPUs = ${ratio(r)}${runText}`,
      guidance: `up to ${VCPU_PER_CPU_GUIDANCE}:1 while load stays below 100%`,
      status: status === 'ok' && busy !== null && busy >= 100 ? 'warn' : status,
      verdict: `${status === 'ok' ? 'within guidance' : 'above guidance'}; ${busyText}`,
    });
  } else {
    rows.push({ what: 'vCPUs per host CPU', value: `${kvm.vcpuTotal} vCPUs; host CPU count not known`, guidance: `up to ${VCPU_PER_CPU_GUIDANCE}:1 while load stays below 100%`, status: 'unknown', verdict: 'cannot be checked' });
  }
  const cores = model.hostCores ?? null;
  if (cores) {
    const r = kvm.vcpuTotal / cores;
    rows.push({
      what: 'vCPUs per physical core',
      value: `${kvm.vcpuTotal} vCPUs / ${cores} cores = ${ratio(r)}`,
      guidance: `never more than ${VCPU_PER_CORE_LIMIT} per core`,
      status: r <= VCPU_PER_CORE_LIMIT ? 'ok' : 'over',
      verdict: r <= VCPU_PER_CORE_LIMIT ? 'within guidance' : 'beyond guidance',
    });
  } else if (kvm.hostCpus && kvm.vcpuTotal / kvm.hostCpus > VCPU_PER_CORE_LIMIT) {
    // per CPU thread already above the per-core limit: per core can only be higher
    rows.push({ what: 'vCPUs per physical core', value: `at least ${ratio(kvm.vcpuTotal / kvm.hostCpus)} (core count not known)`, guidance: `never more than ${VCPU_PER_CORE_LIMIT} per core`, status: 'over', verdict: 'beyond guidance' });
  }
  if (kvm.hostMemKiB) {
    const r = kvm.guestMemKiBTotal / kvm.hostMemKiB;
    rows.push({
      what: 'Guest memory / host memory',
      value: `${formatKiB(kvm.guestMemKiBTotal)} / ${formatKiB(kvm.hostMemKiB)} = ${ratio(r)}`,
      guidance: 'above 1:1 relies on ballooning, KSM or swap',
      status: r <= 1 ? 'ok' : 'warn',
      verdict: r <= 1 ? 'not overcommitted' : 'overcommitted',
    });
  }
  return rows;
}

function observations(model: ReportModel, kvm: KvmInventory): { domain: string; text: string }[] {
  const out: { domain: string; text: string }[] = [];
  const nodeCount = Math.max(kvm.nodes.length, model.report.bundle.numaNodes ?? 0);
  const multi = nodeCount > 1;
  for (const g of kvm.guests) {
    const pins = parsePins(g.vcpupin);
    // one line per guest for the common case, so a host of unplaced guests does not read as twice as many problems
    if (multi && pins.length === 0 && !g.numatune) {
      out.push({ domain: g.domain, text: `neither vCPUs pinned nor <numatune> on a ${nodeCount}-node host: the scheduler may run its vCPUs on one node and allocate its memory on another.` });
    } else if (multi && pins.length === 0) {
      out.push({ domain: g.domain, text: `vCPUs not pinned on a ${nodeCount}-node host: the scheduler may run them on a node away from their memory.` });
    } else if (multi && !g.numatune) {
      out.push({ domain: g.domain, text: `no <numatune>: memory may be allocated on any of the ${nodeCount} nodes.` });
    }
    if (g.pinnedNodes.length > 1) out.push({ domain: g.domain, text: `vCPUs span nodes ${g.pinnedNodes.join(', ')}.` });
    const tuned = numatuneNodes(g.numatune);
    if (tuned.length && g.pinnedNodes.length && !g.pinnedNodes.every((n) => tuned.includes(n))) {
      out.push({ domain: g.domain, text: `memory bound to node ${tuned.join(',')} but vCPUs pinned to node ${g.pinnedNodes.join(',')}: every access is remote.` });
    }
    if (g.memoryByNodeMiB && g.pinnedNodes.length === 0) {
      const entries = Object.entries(g.memoryByNodeMiB).sort((a, b) => b[1] - a[1]);
      const total = entries.reduce((s, [, v]) => s + v, 0);
      const [main, mainMiB] = entries[0] ?? ['', 0];
      if (total > 0 && entries.length > 1 && mainMiB / total < 0.9) {
        out.push({ domain: g.domain, text: `memory split across nodes: ${Math.round((mainMiB / total) * 100)}% on node ${main}, ${mib(total - mainMiB)} elsewhere.` });
      }
    }
    if (g.memoryByNodeMiB && g.pinnedNodes.length) {
      const total = Object.values(g.memoryByNodeMiB).reduce((s, v) => s + v, 0);
      const off = Object.entries(g.memoryByNodeMiB).filter(([n]) => !g.pinnedNodes.includes(n)).reduce((s, [, v]) => s + v, 0);
      if (total > 0 && off / total > 0.1) out.push({ domain: g.domain, text: `${Math.round((off / total) * 100)}% of its memory (${mib(off)}) sits outside node ${g.pinnedNodes.join(',')} where its vCPUs run.` });
    }
    const slow = g.disks.filter((d) => d.cache !== 'none' || d.io !== 'native');
    if (slow.length) {
      out.push({
        domain: g.domain,
        text: `disk ${slow.map((d) => `${d.target} cache=${d.cache} io=${d.io}`).join('; ')}: ${GUIDANCE_SOURCE} recommends cache=none with io=native for block-backed disks ("default" = not set in the XML).`,
      });
    }
  }
  return out;
}

/** A frozen guest's reason beside its state: "paused (ioerror)", "crashed (panicked)". */
function stateText(g: KvmInventory['guests'][number]): string {
  if (g.state === null) return '—';
  return g.stateReason !== null && g.state !== 'running' && g.state !== 'shut off' ? `${g.state} (${g.stateReason})` : g.state;
}

export function kvmView(model: ReportModel): KvmView | null {
  const kvm = model.kvm;
  if (!kvm) return null;
  const nodeOf = cpuNodes(kvm);
  const guests: GuestRow[] = [];
  const cpuMap: CpuMapRow[] = [];
  for (const g of kvm.guests) {
    const pins = parsePins(g.vcpupin);
    guests.push({
      domain: g.domain,
      state: stateText(g),
      vcpus: g.vcpus === null ? '—' : String(g.vcpus),
      memory: g.memoryKiB === null ? '—' : formatKiB(g.memoryKiB),
      pinning: pinningText(g, pins),
      emulatorpin: g.emulatorpin,
      numatune: g.numatune ?? 'none',
      hugepages: g.hugepages ? `yes${g.hugepageSizeKiB ? ` (${formatKiB(g.hugepageSizeKiB)})` : ''}` : 'no',
      disks: disksText(g),
      balloon: g.balloon ?? '—',
    });
    if (pins.length === 0) {
      const all = kvm.nodes.map((n) => n.node);
      cpuMap.push({ domain: g.domain, vcpus: g.vcpus === null ? 'all' : g.vcpus > 1 ? `0-${g.vcpus - 1}` : '0', cpus: 'any (not pinned)', nodes: all.length ? `any of ${all.join(',')}` : '—' });
      continue;
    }
    // consecutive vCPUs on the same node set collapse into one row, so a 64-vCPU guest stays short
    const groups = new Map<string, { vcpus: number[]; cpus: number[] }>();
    for (const p of pins) {
      const nodes = [...new Set(p.cpus.map((c) => nodeOf.get(c) ?? '?'))].sort().join(',');
      const grp = groups.get(nodes) ?? { vcpus: [], cpus: [] };
      grp.vcpus.push(p.vcpu);
      grp.cpus.push(...p.cpus);
      groups.set(nodes, grp);
    }
    for (const [nodes, grp] of groups) cpuMap.push({ domain: g.domain, vcpus: compressList(grp.vcpus), cpus: compressList(grp.cpus), nodes: nodes === '?' ? 'unknown' : nodes });
  }
  let memory: KvmView['memory'] = null;
  const withMem = kvm.guests.filter((g) => g.memoryByNodeMiB);
  if (withMem.length) {
    const nodes = [...new Set([...kvm.nodes.map((n) => n.node), ...withMem.flatMap((g) => Object.keys(g.memoryByNodeMiB ?? {}))])].sort((a, b) => Number(a) - Number(b));
    memory = {
      nodes,
      rows: withMem.map((g) => {
        const m = g.memoryByNodeMiB ?? {};
        const total = Object.values(m).reduce((s, v) => s + v, 0);
        const off = g.pinnedNodes.length ? Object.entries(m).filter(([n]) => !g.pinnedNodes.includes(n)).reduce((s, [, v]) => s + v, 0) : null;
        return {
          domain: g.domain,
          cells: nodes.map((n) => (m[n] === undefined ? '—' : mib(m[n] ?? 0))),
          total: mib(total),
          offNode: off === null ? 'not pinned' : total === 0 ? '—' : `${Math.round((off / total) * 100)}%`,
        };
      }),
    };
  }
  const running = kvm.guests.filter((g) => g.state === 'running').length;
  const hostParts = [
    kvm.nodes.length ? `${kvm.nodes.length} NUMA node(s)` : null,
    kvm.hostCpus ? `${kvm.hostCpus} CPUs` : null,
    kvm.hostMemKiB ? formatKiB(kvm.hostMemKiB) : null,
  ].filter((x): x is string => x !== null);
  return {
    summary: `${kvm.guests.length} guest(s), ${running} running${hostParts.length ? `, on ${hostParts.join(', ')}` : ''}.`,
    nodes: kvm.nodes.map((n) => ({ node: n.node, cpus: n.cpus ?? '—', size: mib(n.sizeMiB), free: mib(n.freeMiB) })),
    guests,
    cpuMap,
    memory,
    overcommit: overcommit(model, kvm),
    observations: observations(model, kvm),
  };
}
