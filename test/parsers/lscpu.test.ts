import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { lscpuParser } from '../../src/parsers/lscpu.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('lscpu', 'pbench-fedora27-dhcp31-44/sos_commands/processor/lscpu');
const HOTSOS = fixture('lscpu', 'hotsos-openstack-compute4/sos_commands/processor/lscpu');

// util-linux 2.37+ nests keys under section headers; written in that documented layout.
const NESTED = [
  'Architecture:            x86_64',
  'CPU(s):                  8',
  'Vendor ID:               GenuineIntel',
  '  Model name:            Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
  '    Socket(s):           2',
  'NUMA:',
  '  NUMA node(s):          2',
  '  NUMA node0 CPU(s):     0-3',
  '  NUMA node1 CPU(s):     4-7',
].join('\n');

describe('lscpu', () => {
  it('reads the hotsos compute node: 2 CPUs on 2 sockets, 1 node, KVM', () => {
    const c = parseText(lscpuParser, HOTSOS, { path: 'sos_commands/processor/lscpu' });
    expect(fact(c, 'host.cpus')).toBe(2);
    expect(fact(c, 'host.sockets')).toBe(2);
    expect(fact(c, 'host.numaNodes')).toBe(1);
    expect(fact(c, 'host.model')).toBe('Intel Core Processor (Skylake, IBRS)');
    expect(fact(c, 'host.hypervisor')).toBe('KVM');
    expect(fact(c, 'host.virtualized')).toBe(true);
    expect(fact(c, 'numa.cpulist', { node: '0' })).toBe('0,1');
  });

  it('reads the nested layout of newer util-linux', () => {
    const c = parseText(lscpuParser, NESTED, { path: 'sos_commands/processor/lscpu' });
    expect(fact(c, 'host.cpus')).toBe(8);
    expect(fact(c, 'host.numaNodes')).toBe(2);
    expect(fact(c, 'host.sockets')).toBe(2);
    expect(fact(c, 'numa.cpulist', { node: '1' })).toBe('4-7');
    expect(fact(c, 'host.model')).toBe('Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz');
  });

  it('never throws on random or damaged input', () => {
    fuzz(lscpuParser, [PBENCH, HOTSOS, NESTED], 'sos_commands/processor/lscpu');
  });
});
