import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { procVmstatParser } from '../../src/parsers/proc-vmstat.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const TWO_NODE = fixture('proc-vmstat', '2node-vm_vmstat.txt');
const UBUNTU = fixture('proc-vmstat', 'ubuntu20.04_5.4_k8s-worker_vmstat.txt');
const PBENCH = fixture('proc-vmstat', 'pbench-fedora27-dhcp31-44/proc/vmstat');

describe('proc-vmstat', () => {
  it('keeps every counter under its kernel name', () => {
    const c = parseText(procVmstatParser, PBENCH, { path: 'proc/vmstat' });
    expect(fact(c, 'vmstat.nr_free_pages')).toBe(902877);
    expect(c.facts.length).toBe(PBENCH.trim().split('\n').length);
    expect(c.diagnostics).toEqual([]);
    const u = parseText(procVmstatParser, UBUNTU, { path: 'proc/vmstat' });
    expect(fact(u, 'vmstat.nr_free_pages')).toBe(32312);
    expect(u.facts.some((f) => f.name === 'vmstat.oom_kill')).toBe(true);
  });

  it('warns on lines that are not "name value"', () => {
    const c = parseText(procVmstatParser, 'pgfault 10\npgmajfault\nnuma_hit 3\n', { path: 'proc/vmstat' });
    expect(c.facts.map((f) => f.name)).toEqual(['vmstat.pgfault', 'vmstat.numa_hit']);
    expect(c.diagnostics[0]?.line).toBe(2);
  });

  it('never throws on random or damaged input', () => {
    fuzz(procVmstatParser, [TWO_NODE, UBUNTU], 'proc/vmstat');
  });
});
