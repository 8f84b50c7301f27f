import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { cpuinfoParser } from '../../src/parsers/cpuinfo.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('cpuinfo', 'pbench-fedora27-dhcp31-44/proc/cpuinfo');
const HOTSOS = fixture('cpuinfo', 'hotsos-openstack-compute4/proc/cpuinfo');

describe('cpuinfo', () => {
  it('counts processors and sees the hypervisor flag', () => {
    const c = parseText(cpuinfoParser, HOTSOS, { path: 'proc/cpuinfo' });
    expect(fact(c, 'host.cpus')).toBe(2);
    expect(fact(c, 'host.model')).toBe('Intel Core Processor (Skylake, IBRS)');
    expect(fact(c, 'host.virtualized')).toBe(true);
    expect(fact(parseText(cpuinfoParser, PBENCH, { path: 'proc/cpuinfo' }), 'host.cpus')).toBe(1);
  });

  it('says bare metal when flags lack hypervisor', () => {
    const c = parseText(cpuinfoParser, 'processor\t: 0\nmodel name\t: X\nflags\t\t: fpu vme sse2\n', { path: 'proc/cpuinfo' });
    expect(fact(c, 'host.virtualized')).toBe(false);
  });

  it('reads the s390x processor count', () => {
    const c = parseText(cpuinfoParser, 'vendor_id       : IBM/S390\n# processors    : 4\nbogomips per cpu: 3033.00\n', { path: 'proc/cpuinfo' });
    expect(fact(c, 'host.cpus')).toBe(4);
  });

  it('never throws on random or damaged input', () => {
    fuzz(cpuinfoParser, [PBENCH, HOTSOS], 'proc/cpuinfo');
  });
});
