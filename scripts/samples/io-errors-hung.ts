/**
 * fs01: a file server whose data disk sdb starts failing at 14:10 local time:
 * medium errors and failed writes in dmesg, sdb saturated (99% busy, await in
 * the hundreds of ms) while the driver retries, and the ext4 journal thread and
 * nfsd block in D state for minutes.
 */
import { kmsg, psAux, rng, sarText, Tree, type SarRow } from './lib.js';
import { uptimeAt, writeHostBasics, type HostSpec } from './host.js';

export function makeIoErrorsHung(dir: string): void {
  const h: HostSpec = {
    host: 'fs01.example.com',
    short: 'fs01',
    kernel: '5.14.0-427.13.1.el9_4.x86_64',
    cpus: 8,
    memTotalKiB: 32612644,
    swapTotalKiB: 4194300,
    collectedWall: new Date(Date.UTC(2026, 10, 19, 17, 42, 3)),
    offsetMin: 60,
    zone: 'Europe/Paris',
    abbrev: 'CET',
    btime: Math.floor(Date.UTC(2026, 9, 28, 6, 1, 17) / 1000),
    extraLsblk: ['sdb             8:16   0   3.6T  0 disk ', '└─sdb1          8:17   0   3.6T  0 part /srv/export'],
  };
  const r = rng(1914);
  const j = (x: number, f = 0.1): number => x * (1 + (r() * 2 - 1) * f);
  const t = new Tree(`${dir}/sosreport-fs01-2026-11-19-tmrkwqa`);
  const failStart = 14 * 3600 + 10 * 60;
  const failEnd = 16 * 3600 + 30 * 60;
  const rows: SarRow[] = [];
  for (let sec = 600; sec <= 17 * 3600 + 30 * 60; sec += 600) {
    const bad = sec > failStart && sec <= failEnd;
    rows.push({
      t: sec,
      cpu: bad ? { usr: j(6), sys: j(5), iowait: j(46, 0.1), steal: 0 } : { usr: j(9), sys: j(4), iowait: j(1.5, 0.4), steal: 0 },
      runq: Math.round(j(2, 0.5)),
      blocked: bad ? Math.round(j(14, 0.3)) : Math.round(r()),
      plist: 602 + Math.round(r() * 9),
      ldavg: bad ? [j(17), j(16), j(13)] : [j(2.1), j(2), j(1.9)],
      mem: { free: Math.round(j(1800000, 0.05)), avail: Math.round(j(24100000, 0.02)), used: Math.round(j(7200000, 0.02)), buffers: 412000, cached: 22600000, commit: 9100000, active: 11000000, inact: 17200000, dirty: bad ? Math.round(j(1900000, 0.2)) : Math.round(j(42000, 0.5)) },
      swap: { free: h.swapTotalKiB, used: 0, cad: 0 },
      pswpin: 0,
      pswpout: 0,
      fault: j(1800),
      majflt: j(0.6, 0.5),
      pgscank: 0,
      pgsteal: 0,
      disks: [
        { dev: 'dev8-0', tps: j(40), rkB: j(220), wkB: j(610), aqu: j(0.05), await: j(0.9), util: j(3) },
        bad
          ? { dev: 'dev8-16', tps: j(38, 0.3), rkB: j(310, 0.3), wkB: j(1400, 0.3), aqu: j(11.5, 0.2), await: j(310, 0.3), util: Math.min(100, j(99.2, 0.01)) }
          : { dev: 'dev8-16', tps: j(420), rkB: j(18200), wkB: j(9100), aqu: j(0.6, 0.3), await: j(1.5, 0.2), util: j(31, 0.2) },
      ],
      proc: j(2.2),
      cswch: j(bad ? 2400 : 6100),
    });
  }
  t.write('sos_commands/sar/sar19', sarText({ kernel: h.kernel, host: h.host, date: new Date(Date.UTC(2026, 10, 19)), cpus: h.cpus, memTotalKiB: h.memTotalKiB, swapTotalKiB: h.swapTotalKiB, rows }));

  const utcOf = (secOfDay: number): number => Date.UTC(2026, 10, 19) + secOfDay * 1000 - h.offsetMin * 60000;
  const up = (secOfDay: number): number => uptimeAt(h, utcOf(secOfDay)) + (secOfDay % 7) * 0.000131;
  const dm: string[] = [
    kmsg(0, `Linux version ${h.kernel} (mockbuild@x86-vm-08.build.eng.bos.redhat.com) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9) #1 SMP PREEMPT_DYNAMIC Tue Oct 14 09:12:44 EDT 2026`),
    kmsg(1.82, 'sd 2:0:1:0: [sdb] 7814037168 512-byte logical blocks: (4.00 TB/3.64 TiB)'),
    kmsg(1.83, 'sd 2:0:1:0: [sdb] Write cache: enabled, read cache: enabled, doesn\'t support DPO or FUA'),
    kmsg(3.004512, 'XFS (dm-0): Mounting V5 Filesystem'),
    kmsg(5.2, 'EXT4-fs (sdb1): mounted filesystem with ordered data mode. Quota mode: none.'),
    kmsg(9.4, 'NFSD: Using nfsdcld client tracking operations.'),
  ];
  const sectors = [1953525160, 1953525168, 845219840, 845220096, 412003328, 1953525176, 2210044416, 845220352];
  sectors.forEach((s, i) => {
    const at = failStart + 90 + i * 840;
    const read = i % 3 !== 2;
    if (i % 2 === 0) {
      dm.push(
        kmsg(up(at), `sd 2:0:1:0: [sdb] tag#${12 + i} FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_OK cmd_age=${30 + i}s`),
        kmsg(up(at), `sd 2:0:1:0: [sdb] tag#${12 + i} Sense Key : Medium Error [current]`),
        kmsg(up(at), `sd 2:0:1:0: [sdb] tag#${12 + i} Add. Sense: Unrecovered read error`),
      );
    }
    dm.push(kmsg(up(at) + 0.001, `${read ? 'critical medium error' : 'I/O error'}, dev sdb, sector ${s} op 0x${read ? '0:(READ)' : '1:(WRITE)'} flags 0x${read ? '0' : '800'} phys_seg ${read ? 1 : 32} prio class 0`));
    if (!read) dm.push(kmsg(up(at) + 0.002, `Buffer I/O error on dev sdb1, logical block ${Math.floor(s / 8)}, lost async page write`));
  });
  const hung = (at: number, comm: string, pid: number, ppid: number, secs: number, frames: string[]): void => {
    dm.push(
      kmsg(up(at), `INFO: task ${comm}:${pid} blocked for more than ${secs} seconds.`),
      kmsg(up(at), `      Not tainted ${h.kernel} #1`),
      kmsg(up(at), '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.'),
      kmsg(up(at), `task:${comm.padEnd(15)} state:D stack:0     pid:${String(pid).padEnd(5)} ppid:${String(ppid).padEnd(6)} flags:0x00004000`),
      kmsg(up(at), 'Call Trace:'),
      kmsg(up(at), ' <TASK>'),
      ...frames.map((f) => kmsg(up(at), ` ${f}`)),
      kmsg(up(at), ' </TASK>'),
    );
  };
  const jbd2 = ['__schedule+0x229/0x550', 'schedule+0x2e/0xd0', 'io_schedule+0x42/0x70', 'bit_wait_io+0xd/0x60', '__wait_on_bit+0x2a/0x90', 'out_of_line_wait_on_bit+0x92/0xb0', 'jbd2_journal_commit_transaction+0x16a6/0x1ad0 [jbd2]', 'kjournald2+0xab/0x270 [jbd2]', 'kthread+0xdd/0x100'];
  const nfsd = ['__schedule+0x229/0x550', 'schedule+0x2e/0xd0', 'io_schedule+0x42/0x70', 'folio_wait_bit_common+0x12d/0x350', 'filemap_get_pages+0x5f6/0x670', 'filemap_read+0xb2/0x330', 'nfsd_splice_read+0x7c/0x100 [nfsd]', 'nfsd4_read+0x1e6/0x330 [nfsd]'];
  hung(failStart + 1500, 'jbd2/sdb1-8', 1187, 2, 122, jbd2);
  hung(failStart + 1623, 'jbd2/sdb1-8', 1187, 2, 245, jbd2);
  hung(failStart + 3300, 'nfsd', 2410, 2, 122, nfsd);
  hung(failStart + 4100, 'jbd2/sdb1-8', 1187, 2, 368, jbd2);
  hung(failStart + 5200, 'nfsd', 2412, 2, 122, nfsd);
  // dmesg is in time order only within each source; keep the ring buffer sorted as the kernel prints it
  const sorted = dm.map((l, i) => ({ l, i, u: Number(/^\[\s*([\d.]+)\]/.exec(l)?.[1] ?? 0) })).sort((a, b) => a.u - b.u || a.i - b.i).map((x) => x.l);
  t.write('sos_commands/kernel/dmesg', sorted.join('\n'));
  writeHostBasics(t, h, { MemTotal: h.memTotalKiB, MemFree: 1812204, MemAvailable: 24181312, Buffers: 412000, Cached: 22612004, SwapCached: 0, SwapTotal: h.swapTotalKiB, SwapFree: h.swapTotalKiB, AnonPages: 5412312, Dirty: 1812332, Writeback: 81232, Slab: 1412332, SReclaimable: 1212004, SUnreclaim: 200328, Committed_AS: 9101212, HugePages_Total: 0, HugePages_Free: 0, HugePages_Rsvd: 0, HugePages_Surp: 0, Hugepagesize: 2048 });
  t.write(
    'sos_commands/process/ps_auxwww',
    psAux([
      { user: 'root', pid: 1, cpu: 0.0, mem: 0.0, vsz: 174412, rss: 17632, stat: 'Ss', start: 'Oct28', time: '2:01', cmd: '/usr/lib/systemd/systemd --switched-root --system --deserialize 31' },
      { user: 'root', pid: 1187, cpu: 0.1, mem: 0.0, vsz: 0, rss: 0, stat: 'D', start: 'Oct28', time: '4:12', cmd: '[jbd2/sdb1-8]' },
      { user: 'root', pid: 2410, cpu: 0.6, mem: 0.0, vsz: 0, rss: 0, stat: 'D', start: 'Oct28', time: '81:02', cmd: '[nfsd]' },
      { user: 'root', pid: 2412, cpu: 0.6, mem: 0.0, vsz: 0, rss: 0, stat: 'D', start: 'Oct28', time: '80:44', cmd: '[nfsd]' },
    ]),
  );
}
