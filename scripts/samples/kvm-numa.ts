/**
 * kvm01: a 2-node KVM host (32 CPUs, 128 GiB) whose guests have no NUMA
 * placement: numastat shows locality near 70%, web-vm's QEMU holds memory on
 * both nodes, 16 × 1 GiB hugepages are reserved that no guest uses, THP runs
 * with enabled=always and defrag=always and stalls in direct compaction, and
 * app-vm's QEMU died on an assertion at 13:02 UTC.
 */
import { kmsg, psAux, rng, sarText, Tree, type SarRow } from './lib.js';
import { collectedUtc, writeHostBasics, type HostSpec } from './host.js';

interface Guest {
  name: string;
  pid: number;
  vcpus: number;
  memMiB: number;
  uuid: string;
  /** MiB per node from numastat -p */
  perNode: [number, number];
}

function domainXml(g: Guest): string {
  return [
    "<domain type='kvm'>",
    `  <name>${g.name}</name>`,
    `  <uuid>${g.uuid}</uuid>`,
    `  <memory unit='KiB'>${g.memMiB * 1024}</memory>`,
    `  <currentMemory unit='KiB'>${g.memMiB * 1024}</currentMemory>`,
    `  <vcpu placement='static'>${g.vcpus}</vcpu>`,
    '  <os>',
    "    <type arch='x86_64' machine='pc-q35-rhel9.2.0'>hvm</type>",
    "    <boot dev='hd'/>",
    '  </os>',
    '  <features>',
    '    <acpi/>',
    '    <apic/>',
    '  </features>',
    "  <cpu mode='host-passthrough' check='none' migratable='on'/>",
    "  <clock offset='utc'/>",
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    '  <devices>',
    '    <emulator>/usr/libexec/qemu-kvm</emulator>',
    "    <disk type='file' device='disk'>",
    "      <driver name='qemu' type='qcow2' cache='none' io='native'/>",
    `      <source file='/var/lib/libvirt/images/${g.name}.qcow2'/>`,
    "      <target dev='vda' bus='virtio'/>",
    '    </disk>',
    "    <interface type='bridge'>",
    "      <source bridge='br0'/>",
    "      <model type='virtio'/>",
    '    </interface>',
    "    <memballoon model='virtio'>",
    "      <stats period='10'/>",
    '    </memballoon>',
    '  </devices>',
    '</domain>',
  ].join('\n');
}

function qemuLogStart(g: Guest, stamp: string, domId: number): string[] {
  return [
    `${stamp}: starting up libvirt version: 9.0.0, package: 10.2.el9_2 (Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla>, 2023-06-01-09:12:41, ), qemu version: 8.0.0qemu-kvm-8.0.0-16.el9_2, kernel: 5.14.0-427.13.1.el9_4.x86_64, hostname: kvm01.example.com`,
    'LC_ALL=C \\',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin \\',
    `HOME=/var/lib/libvirt/qemu/domain-${domId}-${g.name} \\`,
    `XDG_DATA_HOME=/var/lib/libvirt/qemu/domain-${domId}-${g.name}/.local/share \\`,
    '/usr/libexec/qemu-kvm \\',
    `-name guest=${g.name},debug-threads=on \\`,
    '-S \\',
    '-machine pc-q35-rhel9.2.0,usb=off,dump-guest-core=off,memory-backend=pc.ram \\',
    '-accel kvm \\',
    '-cpu host,migratable=on \\',
    `-m ${g.memMiB} \\`,
    `-object '{"qom-type":"memory-backend-ram","id":"pc.ram","size":${g.memMiB * 1048576}}' \\`,
    `-smp ${g.vcpus},sockets=${g.vcpus},dies=1,cores=1,threads=1 \\`,
    `-uuid ${g.uuid} \\`,
    '-no-user-config \\',
    '-nodefaults \\',
    `-blockdev '{"driver":"file","filename":"/var/lib/libvirt/images/${g.name}.qcow2","node-name":"libvirt-1-storage","cache":{"direct":true,"no-flush":false},"auto-read-only":true,"discard":"unmap"}' \\`,
    '-msg timestamp=on',
    'char device redirected to /dev/pts/1 (label charserial0)',
  ];
}

export function makeKvmNuma(dir: string): void {
  const h: HostSpec = {
    host: 'kvm01.example.com',
    short: 'kvm01',
    kernel: '5.14.0-427.13.1.el9_4.x86_64',
    cpus: 32,
    memTotalKiB: 131811656,
    swapTotalKiB: 8388604,
    collectedWall: new Date(Date.UTC(2026, 10, 20, 16, 5, 12)),
    offsetMin: 0,
    zone: 'UTC',
    abbrev: 'UTC',
    btime: Math.floor(Date.UTC(2026, 10, 6, 3, 40, 11) / 1000),
    thp: 'always',
    numaNodes: 2,
  };
  const r = rng(7011);
  const j = (x: number, f = 0.08): number => x * (1 + (r() * 2 - 1) * f);
  const t = new Tree(`${dir}/sosreport-kvm01-2026-11-20-hzqmvfe`);
  const guests: Guest[] = [
    { name: 'web-vm', pid: 4321, vcpus: 8, memMiB: 16384, uuid: '6f1c1a4e-2b7d-4a43-9a0e-2f9d3b1c7e11', perNode: [9012.44, 7421.1] },
    { name: 'db-vm', pid: 4388, vcpus: 8, memMiB: 32768, uuid: '0b8e5d2a-71c4-4f0e-8d55-3a6f9c2e4b70', perNode: [30120.5, 2712.3] },
    { name: 'build-vm', pid: 4410, vcpus: 4, memMiB: 8192, uuid: 'c3d9a1f7-5e26-4b8a-9f14-7d2e6b0a3c85', perNode: [2104.2, 6122.9] },
  ];
  const crashed: Guest = { name: 'app-vm', pid: 5120, vcpus: 4, memMiB: 8192, uuid: '9a2f4c61-3b8e-4d17-a5c0-e1f7b3d92a46', perNode: [0, 0] };

  const rows: SarRow[] = [];
  for (let sec = 600; sec <= 16 * 3600; sec += 600) {
    const day = sec > 8 * 3600 && sec < 18 * 3600 ? 1 : 0.6;
    rows.push({
      t: sec,
      cpu: { usr: j(34 * day), sys: j(9 * day), iowait: j(0.8, 0.4), steal: 0 },
      runq: Math.round(j(14 * day, 0.3)),
      blocked: Math.round(r() * 1.2),
      plist: 1412 + Math.round(r() * 20),
      ldavg: [j(15 * day), j(15 * day), j(14 * day)],
      mem: { free: Math.round(j(21800000, 0.03)), avail: Math.round(j(24900000, 0.03)), used: Math.round(j(103000000, 0.01)), buffers: 8120, cached: 3600000, commit: 76000000, active: 70000000, inact: 9000000, dirty: Math.round(j(4000, 0.5)) },
      swap: { free: 8388604, used: 0, cad: 0 },
      pswpin: 0,
      pswpout: 0,
      fault: j(48000 * day),
      majflt: j(0.4, 0.5),
      pgscank: 0,
      pgsteal: 0,
      disks: [
        { dev: 'dev8-0', tps: j(310 * day), rkB: j(5200), wkB: j(11200), aqu: j(0.4, 0.3), await: j(1.1, 0.2), util: j(22 * day, 0.2) },
        { dev: 'dev253-0', tps: j(300 * day), rkB: j(5000), wkB: j(11000), aqu: j(0.4, 0.3), await: j(1.2, 0.2), util: j(21 * day, 0.2) },
      ],
      proc: j(4.1),
      cswch: j(68000 * day),
    });
  }
  t.write('sos_commands/sar/sar20', sarText({ kernel: h.kernel, host: h.host, date: new Date(Date.UTC(2026, 10, 20)), cpus: h.cpus, memTotalKiB: h.memTotalKiB, swapTotalKiB: h.swapTotalKiB, rows }));

  t.write(
    'sos_commands/kernel/dmesg',
    [
      kmsg(0, `Linux version ${h.kernel} (mockbuild@x86-vm-08.build.eng.bos.redhat.com) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9) #1 SMP PREEMPT_DYNAMIC Tue Oct 14 09:12:44 EDT 2026`),
      kmsg(0, `Command line: BOOT_IMAGE=(hd0,msdos1)/vmlinuz-${h.kernel} root=/dev/mapper/rhel-root ro default_hugepagesz=1G hugepagesz=1G hugepages=16 rd.lvm.lv=rhel/root`),
      kmsg(0.21, 'ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x107fffffff]'),
      kmsg(0.21, 'ACPI: SRAT: Node 1 PXM 1 [mem 0x1080000000-0x207fffffff]'),
      kmsg(1.92, 'HugeTLB: registered 1.00 GiB page size, pre-allocated 16 pages'),
      kmsg(3.004512, 'XFS (dm-0): Mounting V5 Filesystem'),
      kmsg(14.2, 'bridge: filtering via arp/ip/ip6tables is no longer available by default.'),
      kmsg(15.8, 'br0: port 1(eno1) entered forwarding state'),
    ].join('\n'),
  );
  const hugeKiB = 16 * 1048576;
  writeHostBasics(t, h, {
    MemTotal: h.memTotalKiB,
    MemFree: 21803124,
    MemAvailable: 24911520,
    Buffers: 8120,
    Cached: 3612004,
    SwapCached: 0,
    SwapTotal: h.swapTotalKiB,
    SwapFree: h.swapTotalKiB,
    AnonPages: 70112332,
    AnonHugePages: 58720256,
    Shmem: 41204,
    Slab: 1912332,
    SReclaimable: 1012004,
    SUnreclaim: 900328,
    Committed_AS: 76012112,
    HugePages_Total: 16,
    HugePages_Free: 16,
    HugePages_Rsvd: 0,
    HugePages_Surp: 0,
    Hugepagesize: 1048576,
    Hugetlb: hugeKiB,
  });
  // THP left at the upstream "always" for both knobs: every anonymous fault may compact directly.
  t.write('sys/kernel/mm/transparent_hugepage/defrag', '[always] defer defer+madvise madvise never');
  // ksmtuned left KSM merging guest pages across both nodes (the RHEL default).
  for (const [k, v] of Object.entries({ run: '1', merge_across_nodes: '1', pages_shared: '48211', pages_sharing: '402117', pages_unshared: '1203334', pages_volatile: '2210', full_scans: '318', sleep_millisecs: '20' })) t.write(`sys/kernel/mm/ksm/${k}`, v);
  t.write('sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages', '16');
  t.write('sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages', '16');
  const upHours = (collectedUtc(h).getTime() / 1000 - h.btime) / 3600;
  t.write(
    'proc/vmstat',
    [
      'nr_free_pages 5450781',
      'nr_zone_inactive_anon 2250112',
      'nr_zone_active_anon 15278011',
      'nr_anon_transparent_hugepages 28672',
      'pgfault 91237755120',
      'pgmajfault 412',
      'pswpin 0',
      'pswpout 0',
      `compact_migrate_scanned ${Math.round(upHours * 9_800_000)}`,
      `compact_free_scanned ${Math.round(upHours * 41_200_000)}`,
      `compact_stall ${Math.round(upHours * 1840)}`,
      `compact_fail ${Math.round(upHours * 1120)}`,
      `compact_success ${Math.round(upHours * 720)}`,
      `thp_fault_alloc ${Math.round(upHours * 5200)}`,
      `thp_fault_fallback ${Math.round(upHours * 2100)}`,
      `thp_collapse_alloc ${Math.round(upHours * 42)}`,
    ].join('\n'),
  );
  t.write(
    'proc/buddyinfo',
    [
      'Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      2',
      'Node 0, zone    DMA32      8     10     12      9      9     11     10     12     12     11    569',
      'Node 0, zone   Normal  11460  10485   8375   4611   3201   1187    437    144     87     47   1120',
      'Node 1, zone   Normal  21201  17007   9783   6063   4773   2227   1299    399    129     30   4123',
    ].join('\n'),
  );
  t.write(
    'sos_commands/numa/numactl_--hardware',
    [
      'available: 2 nodes (0-1)',
      'node 0 cpus: 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23',
      'node 0 size: 64136 MB',
      'node 0 free: 5120 MB',
      'node 1 cpus: 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31',
      'node 1 size: 64507 MB',
      'node 1 free: 16180 MB',
      'node distances:',
      'node   0   1 ',
      '  0:  10  21 ',
      '  1:  21  10 ',
    ].join('\n'),
  );
  const col = (v: string | number, w: number): string => String(v).padStart(w);
  t.write(
    'sos_commands/numa/numastat',
    [
      `${' '.repeat(27)}${col('node0', 5)}${col('node1', 16)}`,
      `numa_hit${col(41735090719, 23)}${col(37270141501, 16)}`,
      `numa_miss${col(3120098812, 22)}${col(4891200312, 16)}`,
      `numa_foreign${col(4891200312, 19)}${col(3120098812, 16)}`,
      `interleave_hit${col(59485, 17)}${col(59445, 16)}`,
      `local_node${col(30934323881, 21)}${col(26769543674, 16)}`,
      `other_node${col(13920865650, 21)}${col(15391798139, 16)}`,
    ].join('\n'),
  );
  const line = '-'.repeat(32) + '  ' + ['', '', ''].map(() => '-'.repeat(15)).join(' ');
  const fmt = (x: number): string => x.toFixed(2).padStart(15);
  const totals: [number, number] = [0, 0];
  const rowsP = guests.map((g) => {
    totals[0] += g.perNode[0];
    totals[1] += g.perNode[1];
    return `${`${g.pid} (qemu-kvm)`.padEnd(32)}  ${fmt(g.perNode[0])} ${fmt(g.perNode[1])} ${fmt(g.perNode[0] + g.perNode[1])}`;
  });
  t.write(
    'sos_commands/numa/numastat_-p_qemu-kvm',
    ['', 'Per-node process memory usage (in MBs)', `${'PID'.padEnd(32)}  ${'Node 0'.padStart(15)} ${'Node 1'.padStart(15)} ${'Total'.padStart(15)}`, line, ...rowsP, line, `${'Total'.padEnd(32)}  ${fmt(totals[0])} ${fmt(totals[1])} ${fmt(totals[0] + totals[1])}`].join('\n'),
  );
  guests.forEach((g, i) => {
    const esc = g.name.replaceAll('-', '\\x2d');
    t.write(`proc/${g.pid}/cgroup`, `0::/machine.slice/machine-qemu\\x2d${i + 1}\\x2d${esc}.scope/libvirt/emulator`);
  });
  for (const g of [...guests, crashed]) t.write(`etc/libvirt/qemu/${g.name}.xml`, domainXml(g));
  t.write(
    'sos_commands/virsh/virsh_-r_list_--all',
    [' Id   Name       State', '---------------------------', ...guests.map((g, i) => ` ${i + 1}    ${g.name.padEnd(10)} running`), ' -    app-vm     shut off', ''].join('\n'),
  );
  guests.forEach((g, i) => {
    t.write(`var/log/libvirt/qemu/${g.name}.log`, qemuLogStart(g, `2026-11-06 03:4${i + 2}:0${i}.412+0000`, i + 1).join('\n'));
  });
  t.write(
    'var/log/libvirt/qemu/app-vm.log',
    [
      ...qemuLogStart(crashed, '2026-11-06 03:45:10.118+0000', 4),
      '2026-11-20T13:02:11.398112Z qemu-kvm: virtio: zero sized buffers are not allowed',
      "qemu-kvm: ../hw/virtio/virtio.c:1782: virtqueue_split_pop: Assertion `elem->in_num <= max' failed.",
      '2026-11-20 13:02:12.011+0000: shutting down, reason=crashed',
    ].join('\n'),
  );
  t.write(
    'sos_commands/process/ps_auxwww',
    psAux([
      { user: 'root', pid: 1, cpu: 0.0, mem: 0.0, vsz: 174412, rss: 17632, stat: 'Ss', start: 'Nov06', time: '3:12', cmd: '/usr/lib/systemd/systemd --switched-root --system --deserialize 31' },
      { user: 'root', pid: 1432, cpu: 0.3, mem: 0.0, vsz: 1712332, rss: 41232, stat: 'Ssl', start: 'Nov06', time: '41:02', cmd: '/usr/sbin/libvirtd --timeout 120' },
      ...guests.map((g) => ({ user: 'qemu', pid: g.pid, cpu: j(180, 0.3), mem: (100 * (g.perNode[0] + g.perNode[1]) * 1024) / h.memTotalKiB, vsz: g.memMiB * 1024 + 2412332, rss: Math.round((g.perNode[0] + g.perNode[1]) * 1024), stat: 'Sl', start: 'Nov06', time: '9812:10', cmd: `/usr/libexec/qemu-kvm -name guest=${g.name},debug-threads=on -S -machine pc-q35-rhel9.2.0 -m ${g.memMiB} -smp ${g.vcpus}` })),
    ]),
  );
}
