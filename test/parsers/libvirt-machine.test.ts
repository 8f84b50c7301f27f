import { describe, expect, it } from 'vitest';
import { guestAttrsOfCgroup, libvirtGuestOfCgroup, libvirtMachineNamePart, resolveGuestName } from '../../src/parsers/libvirt-machine.js';

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

describe("libvirt's machine names (virDomainMachineNameAppendValid)", () => {
  it('keeps letters, digits and the first of a run of - or .; none at either end', () => {
    expect(libvirtMachineNamePart('web_01')).toBe('web01');
    expect(libvirtMachineNamePart('-a..b--c.-')).toBe('a.b-c');
    expect(libvirtMachineNamePart('vm name (copy)')).toBe('vmnamecopy');
  });

  it("marks a machine name at libvirt's 64-character cap as possibly cut, and a shorter one not", () => {
    const cut = '/machine.slice/machine-qemu\\x2d3\\x2dprodbilling.database\\x2dprimary.eu\\x2dwest\\x2d1.example.internal.r.scope';
    expect(guestAttrsOfCgroup(cut)).toEqual({ guest: 'prodbilling.database-primary.eu-west-1.example.internal.r', guestNameCut: true });
    expect(guestAttrsOfCgroup('/machine/qemu-4-oom01.libvirt-qemu')).toEqual({ guest: 'oom01' });
    expect(guestAttrsOfCgroup('/system.slice/sshd.service')).toEqual({});
  });

  it("resolves a cgroup's guest name to the one domain it can be, and to none when it is ambiguous or not cut", () => {
    const domains = new Set(['web_01', 'prod_billing.database-primary.eu-west-1.example.internal.replica-0001', 'db-a', 'db-b']);
    expect(resolveGuestName('web01', false, domains)).toBe('web_01');
    expect(resolveGuestName('prodbilling.database-primary.eu-west-1.example.internal.r', true, domains)).toBe(
      'prod_billing.database-primary.eu-west-1.example.internal.replica-0001',
    );
    // not at the cap: a prefix is another guest, not this one
    expect(resolveGuestName('prodbilling.database-primary.eu-west-1.example.internal.r', false, domains)).toBeUndefined();
    // two domains fit: neither is claimed
    expect(resolveGuestName('db', true, domains)).toBeUndefined();
    // already a domain's name
    expect(resolveGuestName('db-a', true, domains)).toBeUndefined();
  });
});
