import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '../../src/parsers/collect.js';
import { compressCpuList, numactl } from '../../src/parsers/numactl.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/numactl/${name}`, import.meta.url), 'utf8');
const HW = fixture('numactl_--hardware');
const SHOW = fixture('numactl_--show');
const node = (n: number): string => fixture(`pcp-4node-vm-sysfs/sys/devices/system/node/node${n}/numastat`);

function parse(text: string, path: string) {
  return parseText(numactl, text, { path });
}

const TWO_NODES = `available: 2 nodes (0-1)
node 0 cpus: 0 1 2 3 8 9 10 11
node 0 size: 32133 MB
node 0 free: 1024 MB
node 1 cpus: 4 5 6 7 12 13 14 15
node 1 size: 32254 MB
node 1 free: 30000 MB
node distances:
node   0   1 
  0:  10  21 
  1:  21  10 
`;

describe('numactl', () => {
  it('reads compute4 numactl --hardware: 1 node, CPUs 0-1, 16008 MiB with 165 free', () => {
    const r = parse(HW, 'sos_commands/numa/numactl_--hardware');
    const m = new Map(r.facts.map((f) => [`${f.name}${JSON.stringify(f.labels)}`, f.value]));
    expect(m.get('host.numaNodes{}')).toBe(1);
    expect(m.get('numa.cpus{"node":"0"}')).toBe('0-1');
    expect(m.get('numa.sizeMiB{"node":"0"}')).toBe(16008);
    expect(m.get('numa.freeMiB{"node":"0"}')).toBe(165);
    expect(m.get('numa.distance{"from":"0","to":"0"}')).toBe(10);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads a two-node distance matrix and compresses CPU lists', () => {
    const r = parse(TWO_NODES, 'sos_commands/numa/numactl_--hardware');
    const d = r.facts.filter((f) => f.name === 'numa.distance');
    expect(d.map((f) => [f.labels['from'], f.labels['to'], f.value])).toEqual([['0', '0', 10], ['0', '1', 21], ['1', '0', 21], ['1', '1', 10]]);
    expect(r.facts.find((f) => f.name === 'numa.cpus' && f.labels['node'] === '1')?.value).toBe('4-7,12-15');
    expect(r.facts.find((f) => f.name === 'numa.freeMiB' && f.labels['node'] === '1')?.line).toBe(7);
    expect(compressCpuList([5, 1, 2, 3])).toBe('1-3,5');
    expect(compressCpuList([])).toBe('');
  });

  it('reads numactl --show policy facts', () => {
    const r = parse(SHOW, 'sos_commands/numa/numactl_--show');
    const m = new Map(r.facts.map((f) => [f.name, f.value]));
    expect(m.get('numa.policy')).toBe('default');
    expect(m.get('numa.preferredNode')).toBe('current');
    expect(m.get('numa.physcpubind')).toBe('0 1');
    expect(m.get('numa.membind')).toBe('0');
  });

  it('knows the "preferred:" line numactl 2.0.16 prints (a real capture: it was "not recognised")', () => {
    const r = parse('policy: default\npreferred node: current\nphyscpubind: 0 1 \ncpubind: 0 1 \nnodebind: 0 1 \nmembind: 0 1 \npreferred: \n', 'sos_commands/numa/numactl_--show');
    expect(r.diagnostics).toEqual([]);
    expect(r.facts.find((f) => f.name === 'numa.preferredMany')?.value).toBe('');
  });

  it('reads sysfs node numastat with the node from the path and computes locality', () => {
    const r = parse(node(1), 'sys/devices/system/node/node1/numastat');
    const m = new Map(r.facts.map((f) => [f.name, f]));
    expect(m.get('numa.numa_hit')?.value).toBe(32056504);
    expect(m.get('numa.numa_hit')?.labels).toEqual({ node: '1' });
    expect(m.get('numa.numa_miss')?.value).toBe(1438275);
    expect(m.get('numa.numa_foreign')?.value).toBe(244665);
    expect(m.get('numa.localityPct')?.value).toBeCloseTo((32048777 / (32048777 + 1446002)) * 100, 9);
    expect(parse(node(0), 'sys/devices/system/node/node0/numastat').facts[0]?.value).toBe(32242670);
  });

  it('reads sysfs distance and cpulist', () => {
    const d = parse('10 20 20 20\n', 'sys/devices/system/node/node2/distance');
    expect(d.facts.map((f) => [f.labels['from'], f.labels['to'], f.value])).toEqual([['2', '0', 10], ['2', '1', 20], ['2', '2', 20], ['2', '3', 20]]);
    expect(parse('0-3,8\n', 'sys/devices/system/node/node0/cpulist').facts[0]?.value).toBe('0-3,8');
  });

  it('never throws on random or mutated input', () => {
    const lines = (TWO_NODES + SHOW).split('\n');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.shuffledSubarray(lines).map((l) => l.join('\n'))), fc.constantFrom('sos_commands/numa/numactl_--hardware', 'sys/devices/system/node/node0/numastat', 'sys/devices/system/node/node3/distance'), (text, path) => {
        const r = parse(text, path);
        for (const d of r.diagnostics) expect(d.severity).not.toBe('error');
      }),
      { numRuns: 300 },
    );
  });
});
