import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { kernelCmdlineParser, sizeToKiB } from '../../src/parsers/kernel-cmdline.js';
import { sysctlConfParser, sysctlKey } from '../../src/parsers/sysctl-conf.js';
import { fuzz } from './system-helpers.js';

// Debian 12's /etc/sysctl.conf (procps 2:4.0.2) opens like this: every setting commented out.
const DEBIAN_SYSCTL_CONF =
  '#\n# /etc/sysctl.conf - Configuration file for setting system variables\n# See /etc/sysctl.d/ for additional system variables.\n# See sysctl.conf (5) for information.\n#\n\n#kernel.domainname = example.com\n\n# Uncomment the following to stop low-level messages on console\n#kernel.printk = 3 4 1 3\n';
// RHEL 9's /usr/lib/sysctl.d/50-default.conf (systemd 252), in part.
const SYSTEMD_DEFAULT =
  '# Use the old behaviour of kernel.sysrq.\nkernel.sysrq = 16\n\n# Append the PID to the core filename\nkernel.core_uses_pid = 1\n\n# Source route verification\nnet.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.all.rp_filter\n\n# Promote secondary addresses\nnet.ipv4.conf.default.promote_secondaries = 1\n-net.ipv4.conf.*.promote_secondaries\n\n# Fair Queue CoDel packet scheduler\nnet.core.default_qdisc = fq_codel\n\nfs.protected_hardlinks = 1\nfs.protected_symlinks = 1\n';
const RHEL_CMDLINE =
  'BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap rhgb quiet default_hugepagesz=1G hugepagesz=1G hugepages=16 hugepagesz=2M hugepages=2048\n';

describe('sysctl.conf and sysctl.d', () => {
  it('reads settings with either separator, skips comments and keeps values typed', () => {
    const r = parseText(sysctlConfParser, SYSTEMD_DEFAULT, { path: 'usr/lib/sysctl.d/50-default.conf' });
    expect(r.facts.map((f) => [f.name, f.value, f.line])).toEqual([
      ['sysctl.file.kernel.sysrq', 16, 2],
      ['sysctl.file.kernel.core_uses_pid', 1, 5],
      ['sysctl.file.net.ipv4.conf.default.rp_filter', 2, 8],
      ['sysctl.file.net.ipv4.conf.*.rp_filter', 2, 9],
      ['sysctl.file.net.ipv4.conf.default.promote_secondaries', 1, 13],
      ['sysctl.file.net.core.default_qdisc', 'fq_codel', 17],
      ['sysctl.file.fs.protected_hardlinks', 1, 19],
      ['sysctl.file.fs.protected_symlinks', 1, 20],
    ]);
    // "-key" alone keeps a key out of a glob: not a setting, and not a mistake
    expect(r.diagnostics).toEqual([]);
    expect(parseText(sysctlConfParser, 'vm.swappiness 10\n', { path: 'etc/sysctl.conf' }).diagnostics.map((d) => d.line)).toEqual([1, undefined]);
    expect(sysctlKey('vm/nr_hugepages')).toBe('vm.nr_hugepages');
    expect(sysctlKey('net/ipv4/conf/enp3s0.200/forwarding')).toBe('net.ipv4.conf.enp3s0/200.forwarding');
    expect(sysctlKey('net.ipv4.conf.enp3s0/200.forwarding')).toBe('net.ipv4.conf.enp3s0/200.forwarding');
  });

  it('says a file of comments sets nothing, and reads a link to /dev/null as a mask', () => {
    const r = parseText(sysctlConfParser, DEBIAN_SYSCTL_CONF, { path: 'etc/sysctl.conf' });
    expect(r.facts).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['no settings in this file']);
    const masked = parseText(sysctlConfParser, '', { path: 'etc/sysctl.d/50-coredump.conf', linkTarget: '/dev/null' });
    expect(masked.facts.map((f) => [f.name, f.value])).toEqual([['sysctl.fileMasked', true]]);
    expect(parseText(sysctlConfParser, '', { path: 'etc/sysctl.d/99-sysctl.conf', linkTarget: '../sysctl.conf' }).facts).toEqual([]);
  });

  it('never throws on random or damaged input', () => {
    fuzz(sysctlConfParser, [SYSTEMD_DEFAULT, DEBIAN_SYSCTL_CONF], 'etc/sysctl.d/x.conf');
  });
});

describe('/proc/cmdline', () => {
  it('reads each hugepage pool with the size before it', () => {
    const r = parseText(kernelCmdlineParser, RHEL_CMDLINE, { path: 'proc/cmdline' });
    expect(r.facts.filter((f) => f.name.startsWith('boot.') && f.name !== 'boot.cmdline').map((f) => [f.name, f.value, f.labels])).toEqual([
      ['boot.defaultHugepageKiB', 1048576, {}],
      ['boot.hugepages', 16, { size: '1048576' }],
      ['boot.hugepages', 2048, { size: '2048' }],
      ['boot.cmdlineHugepagePools', 2, {}],
    ]);
    expect(sizeToKiB('2M')).toBe(2048);
    expect(sizeToKiB('2097152')).toBe(2048);
    expect(sizeToKiB('1g')).toBe(1048576);
    expect(sizeToKiB('huge')).toBeNull();
  });

  it("reads THP's mode from boot on, and only its three values", () => {
    const thp = (line: string): unknown[] =>
      parseText(kernelCmdlineParser, line, { path: 'proc/cmdline' })
        .facts.filter((f) => f.name === 'boot.thp')
        .map((f) => f.value);
    expect(thp('ro quiet transparent_hugepage=never\n')).toEqual(['never']);
    expect(thp('ro transparent_hugepage=sometimes\n')).toEqual([]);
  });

  it('says so when a count or a size cannot be read', () => {
    const r = parseText(kernelCmdlineParser, 'ro hugepagesz=big hugepages=lots\n', { path: 'proc/cmdline' });
    expect(r.diagnostics.map((d) => d.message)).toEqual(['hugepagesz=big is no size', 'hugepages=lots is no page count']);
    expect(r.facts.find((f) => f.name === 'boot.cmdlineHugepagePools')?.value).toBe(0);
  });

  it('never throws on random or damaged input', () => {
    fuzz(kernelCmdlineParser, [RHEL_CMDLINE], 'proc/cmdline');
  });
});
