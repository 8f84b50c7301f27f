import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { meminfoParser } from '../../src/parsers/meminfo.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const RHEL73 = fixture('meminfo', 'rhel7.3_3.10_meminfo.txt');
const RHEL67 = fixture('meminfo', 'rhel6.7_2.6.32_meminfo_no-MemAvailable_no-final-newline.txt');
const UBUNTU = fixture('meminfo', 'ubuntu20.04_5.4_k8s-worker_meminfo.txt');
const PBENCH = fixture('meminfo', 'pbench-fedora27-dhcp31-44/proc/meminfo');
const NODE3 = fixture('meminfo', 'pcp-4node-vm-sysfs/sys/devices/system/node/node3/meminfo');

describe('meminfo', () => {
  it('reads the RHEL 7.3 meminfo in KiB and HugePages_* as counts', () => {
    const c = parseText(meminfoParser, RHEL73, { path: 'proc/meminfo' });
    expect(fact(c, 'meminfo.MemTotal')).toBe(1014976);
    expect(fact(c, 'meminfo.MemAvailable')).toBe(717180);
    expect(fact(c, 'meminfo.Active(anon)')).toBe(70328);
    expect(fact(c, 'meminfo.VmallocTotal')).toBe(34359738367);
    expect(fact(c, 'meminfo.HugePages_Total')).toBe(0);
    expect(fact(c, 'meminfo.Hugepagesize')).toBe(2048);
    expect(fact(c, 'meminfo.DirectMap2M')).toBe(993280);
    expect(c.diagnostics).toEqual([]);
  });

  it('handles pre-3.14 files without MemAvailable or a final newline', () => {
    const c = parseText(meminfoParser, RHEL67, { path: 'proc/meminfo' });
    expect(fact(c, 'meminfo.MemTotal')).toBe(1018512);
    expect(c.facts.some((f) => f.name === 'meminfo.MemAvailable')).toBe(false);
    expect(c.diagnostics).toEqual([]);
  });

  it('reads per-node meminfo under its own name with the node label', () => {
    const c = parseText(meminfoParser, NODE3, { path: 'sys/devices/system/node/node3/meminfo' });
    expect(fact(c, 'nodeMeminfo.MemTotal', { node: '3' })).toBe(1006408);
    expect(c.facts.some((f) => f.name.startsWith('meminfo.'))).toBe(false);
    expect(c.diagnostics).toEqual([]);
  });

  it('warns on a malformed line and keeps going', () => {
    const c = parseText(meminfoParser, 'MemTotal: 100 kB\nMemFree 5 kB\nCached: 7 MB\nBuffers: 1 kB\n', { path: 'proc/meminfo' });
    expect(c.facts.map((f) => f.name)).toEqual(['meminfo.MemTotal', 'meminfo.Buffers']);
    expect(c.diagnostics.map((d) => d.line)).toEqual([2, 3]);
  });

  it('never throws on random or damaged input', () => {
    fuzz(meminfoParser, [RHEL73, UBUNTU, PBENCH], 'proc/meminfo');
    fuzz(meminfoParser, [NODE3], 'sys/devices/system/node/node3/meminfo', 50);
  });
});
