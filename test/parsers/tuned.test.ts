import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { tunedParser } from '../../src/parsers/tuned.js';
import { fuzz } from './system-helpers.js';

// Debian 12's tuned 2.20.0 profiles, byte for byte (test/fixtures/SOURCES-system.md).
const profile = (name: string): string => readFileSync(path.resolve(import.meta.dirname, '../fixtures/tuned', name, 'tuned.conf'), 'utf8');

describe('TuneD', () => {
  it("reads a profile's include and its unconditional sysctl lines, where they are, and passes over hardware-specific sections", () => {
    const r = parseText(tunedParser, profile('throughput-performance'), { path: 'usr/lib/tuned/throughput-performance/tuned.conf' });
    const labels = { profile: 'throughput-performance', dir: 'usr' };
    expect(r.facts.filter((f) => f.name === 'tuned.sysctl').map((f) => [f.labels['key'], f.value, f.line])).toEqual([
      ['vm.dirty_ratio', '40', 38],
      ['vm.dirty_background_ratio', '10', 42],
      ['vm.swappiness', '10', 59],
      // tuned's ">": set only when it raises the value
      ['net.core.somaxconn', '>2048', 64],
    ]);
    expect(r.facts.find((f) => f.name === 'tuned.sysctl')?.labels).toEqual({ ...labels, key: 'vm.dirty_ratio' });
    // [sysctl.thunderx] (type=sysctl, uname_regex=aarch64) sets kernel.numa_balancing on a ThunderX only
    expect(r.facts.some((f) => f.labels['key'] === 'kernel.numa_balancing')).toBe(false);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      '1 sysctl setting(s) in sections for particular hardware (uname_regex, cpuinfo_regex) are not counted as boot settings',
    ]);
    expect(r.facts.find((f) => f.name === 'tuned.profile')).toMatchObject({ value: 'throughput-performance', labels });
    // the [variables] of the profile are kept for the settings that name them
    expect(r.facts.filter((f) => f.name === 'tuned.variable').map((f) => f.labels['name'])).toEqual(['thunderx_cpuinfo_regex', 'amd_cpuinfo_regex']);

    const host = parseText(tunedParser, profile('virtual-host'), { path: 'etc/tuned/virtual-host/tuned.conf' });
    expect(host.facts.filter((f) => f.name !== 'tuned.summary').map((f) => [f.name, f.value, f.labels])).toEqual([
      ['tuned.include', 'throughput-performance', { profile: 'virtual-host', dir: 'etc' }],
      ['tuned.sysctl', '5', { profile: 'virtual-host', dir: 'etc', key: 'vm.dirty_background_ratio' }],
      ['tuned.profile', 'virtual-host', { profile: 'virtual-host', dir: 'etc' }],
    ]);
    // tuned 2.23+ keeps the shipped profiles under profiles/
    expect(
      parseText(tunedParser, profile('virtual-guest'), { path: 'usr/lib/tuned/profiles/virtual-guest/tuned.conf' }).facts.filter(
        (f) => f.name === 'tuned.sysctl',
      ),
    ).toHaveLength(2);
  });

  it('reads [vm] transparent_hugepages, but not from a section for particular hardware', () => {
    const hpc = parseText(tunedParser, profile('hpc-compute'), { path: 'usr/lib/tuned/hpc-compute/tuned.conf' });
    expect(hpc.facts.filter((f) => f.name === 'tuned.thp').map((f) => [f.value, f.line])).toEqual([['always', 12]]);
    // throughput-performance sets never only in [vm.thunderx] (uname_regex=aarch64)
    expect(
      parseText(tunedParser, profile('throughput-performance'), { path: 'usr/lib/tuned/throughput-performance/tuned.conf' }).facts.some(
        (f) => f.name === 'tuned.thp',
      ),
    ).toBe(false);
  });

  it('notes replace=1, and a section typed sysctl under another name', () => {
    const text = '[main]\ninclude=virtual-host\n\n[my_sysctl]\ntype=sysctl\nreplace=1\nvm.nr_hugepages=1024\nkernel/numa_balancing = 0\n';
    const r = parseText(tunedParser, text, { path: 'etc/tuned/kvm-hugepages/tuned.conf' });
    expect(r.facts.map((f) => [f.name, f.value, f.labels['key'] ?? ''])).toEqual([
      ['tuned.include', 'virtual-host', ''],
      ['tuned.sysctlReplace', 1, ''],
      ['tuned.sysctl', '1024', 'vm.nr_hugepages'],
      ['tuned.sysctl', '0', 'kernel.numa_balancing'],
      ['tuned.profile', 'kvm-hugepages', ''],
    ]);
  });

  it('reads the active profile from active_profile and tuned-adm active, and reapply_sysctl from tuned-main.conf', () => {
    expect(parseText(tunedParser, 'virtual-host\n', { path: 'etc/tuned/active_profile' }).facts.map((f) => [f.name, f.value])).toEqual([
      ['tuned.activeProfile', 'virtual-host'],
    ]);
    expect(parseText(tunedParser, 'Current active profile: virtual-host\n', { path: 'sos_commands/tuned/tuned-adm_active' }).facts.map((f) => f.value)).toEqual(
      ['virtual-host'],
    );
    expect(parseText(tunedParser, 'No current active profile.\n', { path: 'sos_commands/tuned/tuned-adm_active' }).facts.map((f) => f.value)).toEqual(['']);
    const main = '# Whether to reapply sysctl from /run/sysctl.d/, /etc/sysctl.d/ and\n# /etc/sysctl.conf.\nreapply_sysctl = 0\n';
    expect(parseText(tunedParser, main, { path: 'etc/tuned/tuned-main.conf' }).facts.map((f) => [f.name, f.value, f.line])).toEqual([
      ['tuned.reapplySysctl', 0, 3],
    ]);
  });

  it('survives hostile input', () => {
    fuzz(tunedParser, [profile('throughput-performance'), profile('cpu-partitioning')], 'usr/lib/tuned/x/tuned.conf');
    fuzz(tunedParser, ['virtual-host\n'], 'etc/tuned/active_profile');
  });
});
