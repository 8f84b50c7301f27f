/** web02: a quiet web server; every rule runs and none should fire above low. */
import { psAux, rng, sarText, Tree, type SarRow, kmsg } from './lib.js';
import { writeHostBasics, type HostSpec } from './host.js';

export function makeHealthy(dir: string): void {
  const h: HostSpec = {
    host: 'web02.example.com',
    short: 'web02',
    kernel: '5.14.0-427.13.1.el9_4.x86_64',
    cpus: 4,
    memTotalKiB: 8008724,
    swapTotalKiB: 2097148,
    collectedWall: new Date(Date.UTC(2026, 10, 21, 9, 30, 44)),
    offsetMin: -300,
    zone: 'America/New_York',
    abbrev: 'EST',
    btime: Math.floor(Date.UTC(2026, 9, 30, 12, 0, 3) / 1000),
  };
  const r = rng(42);
  const j = (x: number, f = 0.2): number => x * (1 + (r() * 2 - 1) * f);
  const t = new Tree(`${dir}/sosreport-web02-2026-11-21-pwmdxte`);
  const rows: SarRow[] = [];
  for (let sec = 600; sec <= 9 * 3600 + 20 * 60; sec += 600) {
    const busy = sec > 8 * 3600 ? 2.5 : 1;
    rows.push({
      t: sec,
      cpu: { usr: j(8 * busy), sys: j(2 * busy), iowait: j(0.3), steal: j(0.1) },
      runq: Math.round(j(1 * busy, 0.5)),
      blocked: 0,
      plist: 230 + Math.round(r() * 5),
      ldavg: [j(0.4 * busy), j(0.4 * busy), j(0.35 * busy)],
      mem: { free: Math.round(j(2100000, 0.02)), avail: Math.round(j(5600000, 0.02)), used: Math.round(j(2300000, 0.02)), buffers: 3120, cached: 3300000, commit: Math.round(j(3100000, 0.01)), active: 2900000, inact: 2100000, dirty: Math.round(j(300, 0.5)) },
      swap: { free: 2097148, used: 0, cad: 0 },
      pswpin: 0,
      pswpout: 0,
      fault: j(900),
      majflt: j(0.1),
      pgscank: 0,
      pgsteal: 0,
      disks: [
        { dev: 'dev8-0', tps: j(30 * busy), rkB: j(120), wkB: j(640), aqu: j(0.03), await: j(0.6), util: j(3 * busy) },
        { dev: 'dev253-0', tps: j(28 * busy), rkB: j(110), wkB: j(600), aqu: j(0.03), await: j(0.7), util: j(3 * busy) },
      ],
      proc: j(1.1),
      cswch: j(1800),
    });
  }
  t.write('sos_commands/sar/sar21', sarText({ kernel: h.kernel, host: h.host, date: new Date(Date.UTC(2026, 10, 21)), cpus: h.cpus, memTotalKiB: h.memTotalKiB, swapTotalKiB: h.swapTotalKiB, rows }));
  t.write(
    'sos_commands/kernel/dmesg',
    [
      kmsg(0, `Linux version ${h.kernel} (mockbuild@x86-vm-08.build.eng.bos.redhat.com) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9) #1 SMP PREEMPT_DYNAMIC Tue Oct 14 09:12:44 EDT 2026`),
      kmsg(2.1, 'Adding 2097148k swap on /dev/mapper/rhel-swap.  Priority:-2 extents:1 across:2097148k FS'),
      kmsg(3.2, 'XFS (dm-0): Mounting V5 Filesystem'),
      kmsg(4.9, 'IPv6: ADDRCONF(NETDEV_CHANGE): ens192: link becomes ready'),
    ].join('\n'),
  );
  writeHostBasics(t, h, { MemTotal: h.memTotalKiB, MemFree: 2102112, MemAvailable: 5612020, Buffers: 3120, Cached: 3301212, SwapCached: 0, SwapTotal: h.swapTotalKiB, SwapFree: h.swapTotalKiB, AnonPages: 1812332, Slab: 312332, SReclaimable: 212004, SUnreclaim: 100328, Committed_AS: 3101212, HugePages_Total: 0, HugePages_Free: 0, HugePages_Rsvd: 0, HugePages_Surp: 0, Hugepagesize: 2048 });
  t.write(
    'sos_commands/process/ps_auxwww',
    psAux([
      { user: 'root', pid: 1, cpu: 0.0, mem: 0.2, vsz: 174412, rss: 17632, stat: 'Ss', start: 'Oct30', time: '0:51', cmd: '/usr/lib/systemd/systemd --switched-root --system --deserialize 31' },
      { user: 'nginx', pid: 1412, cpu: 1.2, mem: 0.9, vsz: 122312, rss: 72112, stat: 'S', start: 'Oct30', time: '102:11', cmd: 'nginx: worker process' },
      { user: 'apache', pid: 1530, cpu: 4.1, mem: 12.1, vsz: 2912332, rss: 970112, stat: 'Sl', start: 'Oct30', time: '812:40', cmd: '/usr/bin/php-fpm --nodaemonize' },
    ]),
  );
}
