import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '../../src/parsers/collect.js';
import { domainXml, toKiB } from '../../src/parsers/domain-xml.js';

const NOVA = readFileSync(new URL('../fixtures/domain-xml/ubuntu20.04_nova_domain_instance-00000001.xml', import.meta.url), 'utf8');

function parse(text: string, path = 'etc/libvirt/qemu/guest.xml') {
  return parseText(domainXml, text, { path });
}
function factMap(r: ReturnType<typeof parse>): Map<string, string | number | boolean> {
  return new Map(r.facts.map((f) => [f.labels['target'] ? `${f.name}[${f.labels['target']}]` : f.name, f.value]));
}

// A pinned, hugepage-backed guest in the layout of formatdomain.html (CPU tuning, NUMA tuning, memory backing)
const PINNED = `<domstatus state='running' reason='booted' pid='4242'>
  <domain type='kvm' id='3'>
    <name>db01</name>
    <uuid>11111111-2222-3333-4444-555555555555</uuid>
    <memory unit='GiB'>16</memory>
    <currentMemory unit='MiB'>8192</currentMemory>
    <memtune>
      <hard_limit unit='GiB'>20</hard_limit>
    </memtune>
    <memoryBacking>
      <hugepages>
        <page size='1' unit='G' nodeset='0'/>
      </hugepages>
      <nosharepages/>
    </memoryBacking>
    <vcpu placement='static'>2</vcpu>
    <cputune>
      <vcpupin vcpu='0' cpuset='2'/>
      <vcpupin vcpu='1' cpuset='3'/>
      <emulatorpin cpuset='0-1'/>
    </cputune>
    <numatune>
      <memory mode='strict' nodeset='0'/>
    </numatune>
    <cpu mode='host-passthrough' check='none'/>
    <devices>
      <disk type='file' device='disk'>
        <driver name='qemu' type='qcow2' cache='writeback' io='threads'/>
        <source file='/var/lib/libvirt/images/db01.qcow2'/>
        <target dev='vda' bus='virtio'/>
      </disk>
      <disk type='block' device='disk'>
        <driver name='qemu' type='raw' cache='none' io='native'/>
        <source dev='/dev/mapper/data'/>
        <target dev='sdb' bus='scsi'/>
      </disk>
      <interface type='network'><model type='virtio'/></interface>
      <interface type='bridge'><model type='e1000'/></interface>
      <memballoon model='virtio' autodeflate='on'><stats period='5'/></memballoon>
    </devices>
  </domain>
</domstatus>
`;

describe('domain-xml', () => {
  it('reads the Nova domain: 1 vCPU, 2 GiB, one rbd disk with cache=none, virtio balloon every 10 s', () => {
    const r = parse(NOVA, 'etc/libvirt/qemu/instance-00000001.xml');
    const f = factMap(r);
    expect(f.get('vm.name')).toBe('instance-00000001');
    expect(f.get('vm.uuid')).toBe('d1d75e2f-ada4-49bc-a963-528d89dfda25');
    expect(f.get('vm.vcpus')).toBe(1);
    expect(f.get('vm.memoryKiB')).toBe(2097152);
    expect(f.get('vm.currentMemoryKiB')).toBe(2097152);
    expect(f.has('vm.hardLimitKiB')).toBe(false);
    expect(f.get('vm.hugepages')).toBe(false);
    expect(f.get('vm.nosharepages')).toBe(false);
    expect(f.has('vm.vcpupin')).toBe(false);
    expect(f.has('vm.numatuneMode')).toBe(false);
    expect(f.get('vm.cpuMode')).toBe('custom');
    expect(f.get('vm.diskCount')).toBe(1);
    expect(JSON.parse(String(f.get('vm.disk[vda]')))).toMatchObject({ bus: 'virtio', cache: 'none', io: 'default', type: 'network', source: 'rbd:nova/d1d75e2f-ada4-49bc-a963-528d89dfda25_disk' });
    expect(f.get('vm.interfaceModels')).toBe('virtio');
    expect(f.get('vm.memballoon')).toBe('virtio');
    expect(f.get('vm.memballoonStatsPeriodSec')).toBe(10);
    expect(r.facts.find((x) => x.name === 'vm.vcpus')?.line).toBe(32);
    expect(r.facts.every((x) => x.labels['domain'] === 'instance-00000001')).toBe(true);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads pinning, NUMA tuning, hugepages and units from a live status XML', () => {
    const r = parse(PINNED, 'run/libvirt/qemu/db01.xml');
    const f = factMap(r);
    expect(r.formats).toEqual(['libvirt domain status XML']);
    expect(f.get('vm.memoryKiB')).toBe(16 * 1024 * 1024);
    expect(f.get('vm.currentMemoryKiB')).toBe(8192 * 1024);
    expect(JSON.parse(String(f.get('vm.vcpupin')))).toEqual([{ vcpu: 0, cpuset: '2' }, { vcpu: 1, cpuset: '3' }]);
    expect(f.get('vm.emulatorpin')).toBe('0-1');
    expect(f.get('vm.numatuneMode')).toBe('strict');
    expect(f.get('vm.numatuneNodeset')).toBe('0');
    expect(f.get('vm.hugepages')).toBe(true);
    expect(f.get('vm.hugepageSizeKiB')).toBe(1048576);
    expect(f.get('vm.nosharepages')).toBe(true);
    expect(f.get('vm.cpuMode')).toBe('host-passthrough');
    expect(f.get('vm.diskCount')).toBe(2);
    expect(JSON.parse(String(f.get('vm.disk[sdb]')))).toMatchObject({ bus: 'scsi', cache: 'none', io: 'native', type: 'block', source: '/dev/mapper/data' });
    expect(f.get('vm.interfaceModels')).toBe('virtio,e1000');
    expect(f.get('vm.memballoonAutodeflate')).toBe(true);
    expect(r.facts.find((x) => x.name === 'vm.disk' && x.labels['target'] === 'sdb')?.line).toBe(32);
    // <memtune><hard_limit>: the cgroup limit that gets the guest's QEMU OOM-killed when set too low
    expect(f.get('vm.hardLimitKiB')).toBe(20 * 1024 * 1024);
    expect(r.facts.find((x) => x.name === 'vm.hardLimitKiB')?.line).toBe(8);
  });

  it('converts libvirt units: KB is 1000 bytes, k/KiB 1024, bytes', () => {
    expect(toKiB('1024', 'KB')).toBe(1000);
    expect(toKiB('2', 'G')).toBe(2097152);
    expect(toKiB('2048', 'bytes')).toBe(2);
    expect(toKiB('5', undefined)).toBe(5);
    expect(Number.isNaN(toKiB('5', 'furlongs'))).toBe(true);
  });

  it('takes the domain from the dumpxml file name when <name> is missing', () => {
    const r = parse("<domain type='kvm'><vcpu>4</vcpu></domain>", 'sos_commands/virsh/virsh_-r_dumpxml_web7');
    expect(r.facts.find((x) => x.name === 'vm.vcpus')?.labels).toEqual({ domain: 'web7' });
  });

  it('reports broken XML as one located warning and no facts', () => {
    const r = parse("<domain type='kvm'>\n<name>x</name>\n<vcpu>2</cpu>\n</domain>");
    expect(r.facts).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.severity).toBe('warning');
    expect(r.diagnostics[0]?.line).toBe(3);
  });

  it('never throws on random or truncated XML', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.nat(NOVA.length).map((n) => NOVA.slice(0, n)), fc.nat(PINNED.length).map((n) => PINNED.slice(n))), (text) => {
        const r = parse(text);
        for (const d of r.diagnostics) expect(d.severity).not.toBe('error');
      }),
      { numRuns: 200 },
    );
  });
});
