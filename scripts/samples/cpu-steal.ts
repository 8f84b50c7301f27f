/**
 * app03: a 4-vCPU guest on an overcommitted hypervisor. From 10:20 to 12:40
 * the hypervisor takes 20-30% of its CPU (steal); the run queue climbs from
 * about 2 to 9-14 and idle time vanishes, so the guest's own work queues.
 */
import { kmsg, psAux, rng, sarText, Tree, type SarRow } from './lib.js';
import { writeHostBasics, type HostSpec } from './host.js';

export function makeCpuSteal(dir: string): void {
  const h: HostSpec = {
    host: 'app03.example.com',
    short: 'app03',
    kernel: '5.14.0-427.13.1.el9_4.x86_64',
    cpus: 4,
    memTotalKiB: 16132588,
    swapTotalKiB: 2097148,
    collectedWall: new Date(Date.UTC(2026, 10, 18, 14, 12, 40)),
    offsetMin: -300,
    zone: 'America/New_York',
    abbrev: 'EST',
    btime: Math.floor(Date.UTC(2026, 10, 2, 9, 30, 0) / 1000),
  };
  const r = rng(3003);
  const j = (x: number, f = 0.1): number => x * (1 + (r() * 2 - 1) * f);
  const t = new Tree(`${dir}/sosreport-app03-2026-11-18-bvcnxle`);
  const from = 10 * 3600 + 20 * 60;
  const to = 12 * 3600 + 40 * 60;
  const rows: SarRow[] = [];
  for (let sec = 600; sec <= 14 * 3600; sec += 300) {
    const stolen = sec > from && sec <= to;
    const steal = stolen ? j(sec < 11 * 3600 ? 21 : 27, 0.12) : j(0.6, 0.5);
    const usr = stolen ? j(56, 0.05) : j(31, 0.1);
    const sys = stolen ? j(14, 0.1) : j(6, 0.1);
    rows.push({
      t: sec,
      cpu: { usr, sys, iowait: j(0.4, 0.5), steal, idle: stolen ? Math.max(0, 100 - usr - sys - steal - 0.4) : undefined },
      runq: stolen ? Math.round(j(11, 0.25)) : Math.round(j(2, 0.5)),
      blocked: 0,
      plist: 512 + Math.round(r() * 9),
      ldavg: stolen ? [j(11.2), j(10.4), j(8.1)] : [j(1.9), j(1.8), j(1.7)],
      mem: { free: Math.round(j(6100000, 0.02)), avail: Math.round(j(9800000, 0.02)), used: Math.round(j(5900000, 0.02)), buffers: 5120, cached: 3900000, commit: 7100000, active: 6200000, inact: 3100000, dirty: Math.round(j(900, 0.5)) },
      swap: { free: h.swapTotalKiB, used: 0, cad: 0 },
      pswpin: 0,
      pswpout: 0,
      fault: j(4100),
      majflt: j(0.2, 0.5),
      pgscank: 0,
      pgsteal: 0,
      disks: [
        { dev: 'dev252-0', tps: j(55), rkB: j(310), wkB: j(1200), aqu: j(0.05), await: j(0.8), util: j(4) },
        { dev: 'dev253-0', tps: j(52), rkB: j(300), wkB: j(1150), aqu: j(0.05), await: j(0.9), util: j(4) },
      ],
      proc: j(6.1),
      cswch: j(stolen ? 21000 : 12000),
    });
  }
  t.write('sos_commands/sar/sar18', sarText({ kernel: h.kernel, host: h.host, date: new Date(Date.UTC(2026, 10, 18)), cpus: h.cpus, memTotalKiB: h.memTotalKiB, swapTotalKiB: h.swapTotalKiB, rows }));
  t.write(
    'sos_commands/kernel/dmesg',
    [
      kmsg(0, `Linux version ${h.kernel} (mockbuild@x86-vm-08.build.eng.bos.redhat.com) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9) #1 SMP PREEMPT_DYNAMIC Tue Oct 14 09:12:44 EDT 2026`),
      kmsg(0, 'Hypervisor detected: KVM'),
      kmsg(0.000012, 'kvm-clock: Using msrs 4b564d01 and 4b564d00'),
      kmsg(0.31, 'smpboot: Allowing 4 CPUs, 0 hotplug CPUs'),
      kmsg(2.9, 'XFS (dm-0): Mounting V5 Filesystem'),
      kmsg(4.4, 'virtio_net virtio1 ens3: renamed from eth0'),
    ].join('\n'),
  );
  writeHostBasics(t, h, { MemTotal: h.memTotalKiB, MemFree: 6102112, MemAvailable: 9812020, Buffers: 5120, Cached: 3901212, SwapCached: 0, SwapTotal: h.swapTotalKiB, SwapFree: h.swapTotalKiB, AnonPages: 5012332, Slab: 412332, SReclaimable: 212004, SUnreclaim: 200328, Committed_AS: 7101212, HugePages_Total: 0, HugePages_Free: 0, HugePages_Rsvd: 0, HugePages_Surp: 0, Hugepagesize: 2048 });
  t.write(
    'sos_commands/block/lsblk',
    ['NAME          MAJ:MIN RM  SIZE RO TYPE MOUNTPOINTS', 'vda           252:0    0  100G  0 disk ', '├─vda1        252:1    0    1G  0 part /boot', '└─vda2        252:2    0   99G  0 part ', '  ├─rhel-root 253:0    0   95G  0 lvm  /', '  └─rhel-swap 253:1    0    2G  0 lvm  [SWAP]'].join('\n'),
  );
  t.write(
    'sos_commands/process/ps_auxwww',
    psAux([
      { user: 'root', pid: 1, cpu: 0.0, mem: 0.1, vsz: 174412, rss: 17632, stat: 'Ss', start: 'Nov02', time: '1:02', cmd: '/usr/lib/systemd/systemd --switched-root --system --deserialize 31' },
      { user: 'app', pid: 2281, cpu: 182.0, mem: 24.1, vsz: 6812312, rss: 3889112, stat: 'Ssl', start: 'Nov02', time: '9120:10', cmd: '/usr/lib/jvm/java-17/bin/java -Xmx4g -jar /opt/billing/billing.jar' },
      { user: 'nginx', pid: 1412, cpu: 3.1, mem: 0.4, vsz: 122312, rss: 72112, stat: 'S', start: 'Nov02', time: '112:11', cmd: 'nginx: worker process' },
    ]),
  );
}
