/**
 * The parts every sample bundle shares: host identity, clock files, /proc
 * snapshots, sysctl and THP settings, written where sos puts them.
 */
import { dateLine, meminfo, timedatectl, Tree } from './lib.js';

export interface HostSpec {
  host: string;
  short: string;
  kernel: string;
  cpus: number;
  memTotalKiB: number;
  swapTotalKiB: number;
  /** wall clock of collection, as UTC fields */
  collectedWall: Date;
  /** offset of the zone from UTC in minutes at collection */
  offsetMin: number;
  zone: string;
  abbrev: string;
  /** boot time as epoch seconds (UTC) */
  btime: number;
  swappiness?: number;
  thp?: 'always' | 'madvise' | 'never';
  numaNodes?: number;
  /** lsblk rows for disks beyond the system disk (sda with the rhel LVM) */
  extraLsblk?: string[];
}

export function collectedUtc(h: HostSpec): Date {
  return new Date(h.collectedWall.getTime() - h.offsetMin * 60000);
}

export function uptimeAt(h: HostSpec, utcMs: number): number {
  return (utcMs - h.btime * 1000) / 1000;
}

/** Writes the host facts a sosreport always has. `memFreeKiB` etc. describe the state at collection. */
export function writeHostBasics(t: Tree, h: HostSpec, mem: Record<string, number>): void {
  const utc = collectedUtc(h);
  const off = `${h.offsetMin < 0 ? '-' : '+'}${String(Math.floor(Math.abs(h.offsetMin) / 60)).padStart(2, '0')}${String(Math.abs(h.offsetMin) % 60).padStart(2, '0')}`;
  t.write('version.txt', 'sosreport: 4.7.2\n');
  t.write('sos_commands/date/date', dateLine(h.collectedWall, h.abbrev));
  t.write('sos_commands/date/date_--utc', dateLine(utc, 'UTC'));
  t.write('sos_commands/systemd/timedatectl', timedatectl(h.collectedWall, utc, h.zone, h.abbrev, off));
  t.write('sos_commands/host/hostname', h.host);
  t.write('sos_commands/kernel/uname_-a', `Linux ${h.host} ${h.kernel} #1 SMP PREEMPT_DYNAMIC Tue Oct 14 09:12:44 EDT 2026 x86_64 x86_64 x86_64 GNU/Linux`);
  const up = uptimeAt(h, utc.getTime());
  const days = Math.floor(up / 86400);
  const hh = Math.floor((up % 86400) / 3600);
  const mm = Math.floor((up % 3600) / 60);
  const wall = h.collectedWall;
  const clock = `${String(wall.getUTCHours()).padStart(2, '0')}:${String(wall.getUTCMinutes()).padStart(2, '0')}:${String(wall.getUTCSeconds()).padStart(2, '0')}`;
  t.write('sos_commands/host/uptime', ` ${clock} up ${days} days, ${String(hh).padStart(2, ' ')}:${String(mm).padStart(2, '0')},  1 user,  load average: 0.42, 0.51, 0.48`);
  const nodes = h.numaNodes ?? 1;
  const perNode = h.cpus / nodes;
  const lscpu = [
    'Architecture:                       x86_64',
    'CPU op-mode(s):                     32-bit, 64-bit',
    'Byte Order:                         Little Endian',
    `CPU(s):                             ${h.cpus}`,
    `On-line CPU(s) list:                0-${h.cpus - 1}`,
    'Vendor ID:                          GenuineIntel',
    'Model name:                         Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz',
    'Thread(s) per core:                 2',
    `Core(s) per socket:                 ${h.cpus / 2 / nodes}`,
    `Socket(s):                          ${nodes}`,
    `NUMA node(s):                       ${nodes}`,
    ...Array.from({ length: nodes }, (_, n) => `NUMA node${n} CPU(s):                  ${n * perNode}-${(n + 1) * perNode - 1}`),
  ];
  t.write('sos_commands/processor/lscpu', lscpu.join('\n'));
  const cpuLines: string[] = [`cpu  4705 356 584 3699176 23060 0 277 0 0 0`];
  for (let i = 0; i < h.cpus; i++) cpuLines.push(`cpu${i} 1393280 32966 572056 13343292 6130 0 17875 0 0 0`);
  t.write('proc/stat', [...cpuLines, 'intr 114930548 113199788 3 0 5 263 0 0 0 1 0 0 0 0', 'ctxt 1990473', `btime ${h.btime}`, 'processes 2915', 'procs_running 1', 'procs_blocked 0'].join('\n'));
  t.write('proc/meminfo', meminfo(mem));
  t.write('proc/swaps', ['Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority', `/dev/dm-1                               partition\t${h.swapTotalKiB}\t\t0\t\t-2`].join('\n'));
  t.write('sys/kernel/mm/transparent_hugepage/enabled', h.thp === 'always' ? '[always] madvise never' : h.thp === 'never' ? 'always madvise [never]' : 'always [madvise] never');
  t.write('sys/kernel/mm/transparent_hugepage/defrag', 'always defer defer+madvise [madvise] never');
  t.write('sos_commands/kernel/sysctl_-a', [`kernel.hostname = ${h.short}`, 'kernel.numa_balancing = 1', `vm.swappiness = ${h.swappiness ?? 60}`, 'vm.dirty_ratio = 20', 'vm.dirty_background_ratio = 10', 'vm.min_free_kbytes = 67584', 'vm.overcommit_memory = 0', 'vm.nr_hugepages = 0'].join('\n'));
  t.write(
    'sos_commands/block/lsblk',
    [
      'NAME          MAJ:MIN RM   SIZE RO TYPE MOUNTPOINTS',
      'sda             8:0    0   480G  0 disk ',
      '├─sda1          8:1    0     1G  0 part /boot',
      '└─sda2          8:2    0   479G  0 part ',
      '  ├─rhel-root 253:0    0   400G  0 lvm  /',
      '  └─rhel-swap 253:1    0     4G  0 lvm  [SWAP]',
      ...(h.extraLsblk ?? []),
    ].join('\n'),
  );
  t.write(
    'proc/diskstats',
    [
      '   8       0 sda 1823342 4012 98234121 1203944 9123442 223412 312341234 23412344 0 8123412 24616288 0 0 0 0 0 0',
      '   8       1 sda1 1234 0 98234 1203 12 0 1234 23 0 1201 1226 0 0 0 0 0 0',
      '   8       2 sda2 1822108 4012 98135887 1202741 9123430 223412 312340000 23412321 0 8122211 24615062 0 0 0 0 0 0',
      ' 253       0 dm-0 1700342 0 90234121 1103944 8123442 0 292341234 21412344 0 7123412 22516288 0 0 0 0 0 0',
      ' 253       1 dm-1 122000 0 8000000 100000 1000000 0 20000000 2000000 0 1000000 2100000 0 0 0 0 0 0',
    ].join('\n'),
  );
}
