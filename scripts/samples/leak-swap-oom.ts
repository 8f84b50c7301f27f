/**
 * db01: a Java service leaks about 24 MiB/min from 08:00; by 13:00 the host is
 * out of memory and thrashes swap on sda (dm-1), I/O saturates, postgres
 * blocks in D state, and at 14:21 the kernel's global OOM killer ends java.
 */
import { hhmmss, kmsg, pmapX, psAux, rng, sarText, Tree, type SarRow } from './lib.js';
import { uptimeAt, writeHostBasics, type HostSpec } from './host.js';

export function makeLeakSwapOom(dir: string): void {
  const h: HostSpec = {
    host: 'db01.example.com',
    short: 'db01',
    kernel: '5.14.0-427.13.1.el9_4.x86_64',
    cpus: 8,
    memTotalKiB: 16303932,
    swapTotalKiB: 4194300,
    collectedWall: new Date(Date.UTC(2026, 10, 20, 16, 5, 12)),
    offsetMin: 60,
    zone: 'Europe/Berlin',
    abbrev: 'CET',
    btime: Math.floor(Date.UTC(2026, 10, 2, 5, 12, 40) / 1000),
  };
  const r = rng(20261120);
  const jitter = (x: number, frac = 0.05): number => x * (1 + (r() * 2 - 1) * frac);
  const t = new Tree(`${dir}/sosreport-db01-2026-11-20-kqzvbnd`);
  const leakStart = 8 * 3600;
  const oomAt = 14 * 3600 + 21 * 60 + 7;
  const leakRate = 24 * 1024; // KiB per minute
  const javaRss = (sec: number): number => (sec < leakStart ? 2097152 : 2097152 + ((sec - leakStart) / 60) * leakRate);
  const otherUsed = 4800000;
  const rows: SarRow[] = [];
  for (let sec = 600; sec <= 16 * 3600; sec += 600) {
    const java = sec < oomAt ? javaRss(sec) : 0;
    const wanted = otherUsed + java;
    const cap = h.memTotalKiB - 220000;
    const thrash = sec >= 13 * 3600 && sec < oomAt + 300;
    // Once thrashing starts, swap fills until the OOM kill (the trace says Free swap = 0kB).
    const fill = thrash ? Math.min(1, (sec - 13 * 3600) / (oomAt - 13 * 3600)) : 0;
    const swapped = Math.max(0, Math.min(h.swapTotalKiB - 20000, Math.max(wanted - cap, fill * h.swapTotalKiB)));
    const after = sec >= oomAt;
    const used = Math.min(cap, wanted);
    const cached = Math.max(180000, 6200000 - java * 0.6);
    const pswp = thrash ? jitter(sec < 13.5 * 3600 ? 900 : 2400, 0.2) : after ? jitter(3, 0.5) : 0;
    rows.push({
      t: sec,
      cpu: thrash ? { usr: jitter(18), sys: jitter(14), iowait: jitter(38, 0.1), steal: 0 } : { usr: jitter(22), sys: jitter(4), iowait: jitter(0.6, 0.5), steal: 0 },
      runq: thrash ? Math.round(jitter(3, 0.3)) : Math.round(jitter(2, 0.5)),
      blocked: thrash ? Math.round(jitter(9, 0.3)) : 0,
      plist: 412 + Math.round(r() * 8),
      ldavg: thrash ? [jitter(12), jitter(11), jitter(9)] : [jitter(1.8), jitter(1.7), jitter(1.6)],
      mem: {
        free: Math.round(Math.max(120000, h.memTotalKiB - used - cached - 90000)),
        avail: Math.round(Math.max(90000, h.memTotalKiB - used)),
        used: Math.round(used),
        buffers: 4212,
        cached: Math.round(cached),
        commit: Math.round(wanted + 1200000),
        active: Math.round(used * 0.7),
        inact: Math.round(used * 0.25 + cached * 0.5),
        dirty: Math.round(jitter(900, 0.5)),
      },
      swap: { free: Math.round(h.swapTotalKiB - (after ? swapped * 0.3 : swapped)), used: Math.round(after ? swapped * 0.3 : swapped), cad: Math.round(swapped * 0.1) },
      pswpin: thrash ? pswp * 0.9 : after ? pswp : 0,
      pswpout: thrash ? pswp : 0,
      fault: jitter(thrash ? 5200 : 2100),
      majflt: thrash ? jitter(850, 0.2) : jitter(0.4, 0.5),
      pgscank: thrash ? jitter(26000, 0.2) : 0,
      pgsteal: thrash ? jitter(14000, 0.2) : 0,
      disks: [
        thrash
          ? { dev: 'dev8-0', tps: jitter(620), rkB: jitter(9800), wkB: jitter(11200), aqu: jitter(7.5, 0.2), await: jitter(78, 0.25), util: Math.min(100, jitter(97.5, 0.02)) }
          : { dev: 'dev8-0', tps: jitter(95), rkB: jitter(420), wkB: jitter(2100), aqu: jitter(0.12, 0.3), await: jitter(1.4, 0.2), util: jitter(9, 0.3) },
        { dev: 'dev253-0', tps: jitter(thrash ? 160 : 80), rkB: jitter(400), wkB: jitter(2000), aqu: jitter(0.1, 0.3), await: jitter(thrash ? 9 : 1.3, 0.2), util: jitter(thrash ? 35 : 8, 0.3) },
        thrash
          ? { dev: 'dev253-1', tps: jitter(460), rkB: jitter(9400), wkB: jitter(9200), aqu: jitter(7.2, 0.2), await: jitter(82, 0.25), util: Math.min(100, jitter(96.5, 0.02)) }
          : { dev: 'dev253-1', tps: 0, rkB: 0, wkB: 0, aqu: 0, await: 0, util: 0 },
      ],
      proc: jitter(3.2),
      cswch: jitter(thrash ? 9800 : 4100),
    });
  }
  t.write('sos_commands/sar/sar20', sarText({ kernel: h.kernel, host: h.host, date: new Date(Date.UTC(2026, 10, 20)), cpus: h.cpus, memTotalKiB: h.memTotalKiB, swapTotalKiB: h.swapTotalKiB, rows }));

  const utcOf = (secOfDay: number): number => Date.UTC(2026, 10, 20) + secOfDay * 1000 - h.offsetMin * 60000;
  const up = (secOfDay: number): number => uptimeAt(h, utcOf(secOfDay));
  const dm: string[] = [
    kmsg(0, `Linux version ${h.kernel} (mockbuild@x86-vm-08.build.eng.bos.redhat.com) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9) #1 SMP PREEMPT_DYNAMIC Tue Oct 14 09:12:44 EDT 2026`),
    kmsg(0, 'Command line: BOOT_IMAGE=(hd0,msdos1)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64 root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap'),
    kmsg(0.000001, 'BIOS-provided physical RAM map:'),
    kmsg(2.481234, 'Adding 4194300k swap on /dev/mapper/rhel-swap.  Priority:-2 extents:1 across:4194300k FS'),
    kmsg(3.004512, 'XFS (dm-0): Mounting V5 Filesystem'),
  ];
  const hung = 13 * 3600 + 41 * 60 + 12;
  dm.push(
    kmsg(up(hung), 'INFO: task postgres:2210 blocked for more than 122 seconds.'),
    kmsg(up(hung), '      Not tainted 5.14.0-427.13.1.el9_4.x86_64 #1'),
    kmsg(up(hung), '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.'),
    kmsg(up(hung), 'task:postgres        state:D stack:0     pid:2210  ppid:2180   flags:0x00000002'),
    kmsg(up(hung), 'Call Trace:'),
    kmsg(up(hung), ' <TASK>'),
    kmsg(up(hung), ' __schedule+0x229/0x550'),
    kmsg(up(hung), ' schedule+0x2e/0xd0'),
    kmsg(up(hung), ' io_schedule+0x42/0x70'),
    kmsg(up(hung), ' folio_wait_bit_common+0x12d/0x350'),
    kmsg(up(hung), ' swap_readpage+0x1a4/0x2a0'),
    kmsg(up(hung), ' do_swap_page+0x1f8/0x8b0'),
    kmsg(up(hung), ' __handle_mm_fault+0x4e7/0x6b0'),
    kmsg(up(hung), ' </TASK>'),
  );
  const o = up(oomAt);
  dm.push(
    kmsg(o, 'java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0'),
    kmsg(o, 'CPU: 5 PID: 4242 Comm: java Not tainted 5.14.0-427.13.1.el9_4.x86_64 #1'),
    kmsg(o, 'Hardware name: Dell Inc. PowerEdge R650/0Y2G81, BIOS 1.13.2 12/14/2023'),
    kmsg(o, 'Call Trace:'),
    kmsg(o, ' <TASK>'),
    kmsg(o, ' dump_stack_lvl+0x34/0x48'),
    kmsg(o, ' dump_header+0x4a/0x201'),
    kmsg(o, ' oom_kill_process.cold+0xb/0x10'),
    kmsg(o, ' out_of_memory+0xed/0x2e0'),
    kmsg(o, ' __alloc_pages_slowpath.constprop.0+0x6e8/0x960'),
    kmsg(o, ' </TASK>'),
    kmsg(o, 'Mem-Info:'),
    kmsg(o, 'active_anon:3012334 inactive_anon:702112 isolated_anon:0'),
    kmsg(o, ' active_file:1201 inactive_file:988 isolated_file:0'),
    kmsg(o, ' free:33612 free_pcp:412 free_cma:0'),
    kmsg(o, 'Free swap  = 0kB'),
    kmsg(o, 'Total swap = 4194300kB'),
    kmsg(o, 'Tasks state (memory values in pages):'),
    kmsg(o, '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name'),
    kmsg(o, '[    812]     0   812    12345     1534   110592        0             0 systemd-journal'),
    kmsg(o, '[   2180]    26  2180   1092834    402211  3891200    98211             0 postgres'),
    kmsg(o, '[   4242]  1001  4242  3601234  2553210 23977984   921334             0 java'),
    kmsg(o, 'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/orders-api.service,task=java,pid=4242,uid=1001'),
    kmsg(o, 'Out of memory: Killed process 4242 (java) total-vm:14404936kB, anon-rss:10212840kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:23416kB oom_score_adj:0'),
    kmsg(o + 0.83, 'oom_reaper: reaped process 4242 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB'),
  );
  t.write('sos_commands/kernel/dmesg', dm.join('\n'));

  writeHostBasics(t, h, {
    MemTotal: h.memTotalKiB,
    MemFree: 9512204,
    MemAvailable: 10981312,
    Buffers: 4212,
    Cached: 1680212,
    SwapCached: 12044,
    SwapTotal: h.swapTotalKiB,
    SwapFree: 2931000,
    AnonPages: 4412312,
    Shmem: 21204,
    Slab: 412332,
    SReclaimable: 212004,
    SUnreclaim: 200328,
    CommitLimit: 12346264,
    Committed_AS: 6201212,
    HugePages_Total: 0,
    HugePages_Free: 0,
    HugePages_Rsvd: 0,
    HugePages_Surp: 0,
    Hugepagesize: 2048,
  });
  t.write(
    'sos_commands/process/ps_auxwww',
    psAux([
      { user: 'root', pid: 1, cpu: 0.0, mem: 0.1, vsz: 174412, rss: 17632, stat: 'Ss', start: 'Nov02', time: '1:22', cmd: '/usr/lib/systemd/systemd --switched-root --system --deserialize 31' },
      { user: 'postgres', pid: 2180, cpu: 3.1, mem: 9.8, vsz: 4371336, rss: 1608844, stat: 'Ss', start: 'Nov02', time: '412:10', cmd: '/usr/bin/postgres -D /var/lib/pgsql/data' },
      { user: 'postgres', pid: 2210, cpu: 0.4, mem: 1.1, vsz: 4381120, rss: 181232, stat: 'Ss', start: 'Nov02', time: '31:44', cmd: 'postgres: checkpointer ' },
      { user: 'orders', pid: 5120, cpu: 41.2, mem: 13.2, vsz: 8412312, rss: 2152432, stat: 'Ssl', start: '14:22', time: '32:10', cmd: '/usr/lib/jvm/java-17/bin/java -Xms2g -jar /opt/orders/orders-api.jar' },
    ]),
  );

  // The customer's pmap loop (pmap -x every 30 min), attached beside the bundle.
  const att = new Tree(`${dir}/attachments`);
  for (let sec = 8 * 3600 + 62; sec < oomAt; sec += 1800) {
    const rss = Math.round(javaRss(sec) * (1 + (r() - 0.5) * 0.004));
    const heap = rss - 210000;
    const name = `pmap-x-4242-20261120T${hhmmss(sec).replaceAll(':', '')}.txt`;
    att.write(
      name,
      pmapX(4242, '/usr/lib/jvm/java-17/bin/java -Xms2g -jar /opt/orders/orders-api.jar', [
        { addr: '0000556f2a1c4000', kb: 4, rss: 4, dirty: 0, mode: 'r----', name: 'java' },
        { addr: '0000556f2a1c5000', kb: 4, rss: 4, dirty: 0, mode: 'r-x--', name: 'java' },
        { addr: '00000006c0000000', kb: 12582912, rss: heap, dirty: heap, mode: 'rw---', name: '  [ anon ]' },
        { addr: '00007f3a10000000', kb: 262144, rss: 131072, dirty: 131072, mode: 'rw---', name: '  [ anon ]' },
        { addr: '00007f3a6c000000', kb: 24512, rss: 22100, dirty: 0, mode: 'r-x--', name: 'libjvm.so' },
        { addr: '00007f3a7e000000', kb: 1864, rss: 1812, dirty: 0, mode: 'r-x--', name: 'libc.so.6' },
        { addr: '00007ffc1a2f1000', kb: 132, rss: 52, dirty: 52, mode: 'rw---', name: '  [ stack ]' },
      ]),
    );
  }
}
