import { describe, expect, it } from 'vitest';
import { libvirtGuestOfCgroup } from '../../src/parsers/libvirt-machine.js';

describe('libvirtGuestOfCgroup', () => {
  it('reads the guest from libvirt 9.0 without systemd (a real capture: the OOM report of a guest killed for memory)', () => {
    expect(libvirtGuestOfCgroup('/machine/qemu-4-oom01.libvirt-qemu')).toBe('oom01');
    expect(libvirtGuestOfCgroup('/machine/qemu-4-oom01.libvirt-qemu/emulator')).toBe('oom01');
    // before libvirt 3.x: no id
    expect(libvirtGuestOfCgroup('/machine/web01.libvirt-qemu/vcpu0')).toBe('web01');
  });

  it('reads the guest from a systemd machine scope, unescaping the unit name (libvirt.org/cgroups.html)', () => {
    expect(libvirtGuestOfCgroup('/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope')).toBe('vm1');
    expect(libvirtGuestOfCgroup('/machine.slice/machine-qemu\\x2d12\\x2ddb\\x2dprod\\x2d01.scope/libvirt/emulator')).toBe('db-prod-01');
    expect(libvirtGuestOfCgroup('/machine.slice/machine-qemu\\x2dvm1.scope/vcpu0')).toBe('vm1');
  });

  it('names no guest for other cgroups: services, containers, LXC guests, a scope cut short', () => {
    for (const path of [
      '/system.slice/libvirtd.service',
      '/',
      '/machine.slice',
      '/docker/abc',
      '/machine/lxc-3-ct1.libvirt-lxc',
      '/machine.slice/machine-lxc\\x2d3\\x2dct1.scope',
      '/machine.slice/machine-qemu\\x2d1\\x2dvm1',
      '',
    ])
      expect(libvirtGuestOfCgroup(path), path).toBeUndefined();
  });
});
