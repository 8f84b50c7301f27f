import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { sysctlParser } from '../../src/parsers/sysctl.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('sysctl', 'pbench-fedora27-dhcp31-44/sos_commands/kernel/sysctl_-a');
const HOTSOS = fixture('sysctl', 'hotsos-openstack-compute4/sos_commands/kernel/sysctl_-a');

describe('sysctl', () => {
  it('keeps every setting, numbers as numbers', () => {
    const c = parseText(sysctlParser, PBENCH, { path: 'sos_commands/kernel/sysctl_-a' });
    expect(fact(c, 'sysctl.vm.swappiness')).toBe(60);
    expect(fact(c, 'sysctl.dev.cdrom.info')).toBe('CD-ROM information, Id: cdrom.c 3.20 2003/12/17');
    expect(typeof fact(c, 'sysctl.kernel.shmmax')).toBe('string');
    expect(c.facts.length).toBeGreaterThan(900);
  });

  it('joins tab-separated multi-value knobs and skips sysctl: error lines', () => {
    const c = parseText(sysctlParser, 'sysctl: reading key "net.ipv6.conf.all.stable_secret"\nnet.ipv4.tcp_rmem = 4096\t87380\t6291456\nvm.numa_stat = 1\n', { path: 'x' });
    expect(fact(c, 'sysctl.net.ipv4.tcp_rmem')).toBe('4096 87380 6291456');
    expect(fact(c, 'sysctl.vm.numa_stat')).toBe(1);
    expect(c.diagnostics).toEqual([]);
  });

  it('never throws on random or damaged input', () => {
    fuzz(sysctlParser, [PBENCH.slice(0, 20000), HOTSOS.slice(0, 20000)], 'sos_commands/kernel/sysctl_-a', 60);
  });
});
