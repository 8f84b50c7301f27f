import { describe, expect, it } from 'vitest';
import { RecordCollector } from '../../src/parsers/collect.js';
import { KernelEventScanner } from '../../src/parsers/kernel-events.js';
import { eventsOf, scanKernel as scan } from './logs-helpers.js';

// Message shapes as printed by mm/oom_kill.c in the kernels named; values are made up.
describe('kernel-events: OOM', () => {
  it("names the libvirt guest whose QEMU was killed, from its cgroup (real lines: libvirt 9.0's limit on a guest, kernel 6.18)", () => {
    const c = scan(
      [
        'CPU 0/TCG invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        'memory: usage 307200kB, limit 307200kB, failcnt 73',
        'Memory cgroup stats for /machine/qemu-4-oom01.libvirt-qemu:',
        'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=vcpu0,mems_allowed=0,oom_memcg=/machine/qemu-4-oom01.libvirt-qemu,task_memcg=/machine/qemu-4-oom01.libvirt-qemu,task=qemu-system-x86,pid=28476,uid=64055',
        'Memory cgroup out of memory: Killed process 28476 (qemu-system-x86) total-vm:1886084kB, anon-rss:306192kB, file-rss:23716kB, shmem-rss:0kB, UID:64055 pgtables:820kB oom_score_adj:0',
      ].join('\n'),
    );
    const [e] = eventsOf(c, 'oom-kill');
    expect(e?.attrs).toMatchObject({ pid: 28476, comm: 'qemu-system-x86', memcg: true, cgroup: '/machine/qemu-4-oom01.libvirt-qemu', guest: 'oom01', memcgLimitKiB: 307200, invokedBy: 'CPU 0/TCG' });
  });

  it('names the guest by the victim\'s own cgroup when a global OOM kills it, and none for other victims', () => {
    const c = scan(
      [
        'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/machine.slice/machine-qemu\\x2d2\\x2dweb\\x2d01.scope/libvirt/emulator,task=qemu-kvm,pid=4242,uid=107',
        'Out of memory: Killed process 4242 (qemu-kvm) total-vm:9000000kB, anon-rss:8000000kB, file-rss:1000kB, shmem-rss:0kB, UID:107 pgtables:16000kB oom_score_adj:0',
        'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/mariadb.service,task=mariadbd,pid=1040,uid=992',
        'Out of memory: Killed process 1040 (mariadbd) total-vm:2000000kB, anon-rss:1000000kB, file-rss:0kB, shmem-rss:0kB, UID:992 pgtables:4000kB oom_score_adj:0',
      ].join('\n'),
    );
    const [qemu, db] = eventsOf(c, 'oom-kill');
    expect(qemu?.attrs).toMatchObject({ comm: 'qemu-kvm', memcg: false, guest: 'web-01' });
    expect(db?.attrs['guest']).toBeUndefined();
  });

  it('reads a 5.x memcg OOM: constraint line gives the limited cgroup', () => {
    const c = scan(
      [
        'java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        'CPU: 1 PID: 1234 Comm: java Not tainted 5.14.0-362.el9.x86_64 #1',
        'memory: usage 1048576kB, limit 1048576kB, failcnt 42',
        'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/app.service,task_memcg=/system.slice/app.service,task=java,pid=1234,uid=0',
        'Memory cgroup out of memory: Killed process 1234 (java) total-vm:4000000kB, anon-rss:1000000kB, file-rss:2000kB, shmem-rss:0kB, UID:0 pgtables:2400kB oom_score_adj:-500',
      ].join('\n'),
    );
    const [e, ...rest] = eventsOf(c, 'oom-kill');
    expect(rest).toEqual([]);
    expect(e?.attrs).toEqual({
      pid: 1234,
      comm: 'java',
      anonRssKiB: 1000000,
      fileRssKiB: 2000,
      shmemRssKiB: 0,
      rssKiB: 1002000,
      totalVmKiB: 4000000,
      memcg: true,
      cgroup: '/system.slice/app.service',
      constraint: 'CONSTRAINT_MEMCG',
      invokedBy: 'java',
      oomScoreAdj: -500,
      // the limited cgroup's "memory: usage …, limit …" line
      memcgUsageKiB: 1048576,
      memcgLimitKiB: 1048576,
    });
    expect(e?.t).toBe(1);
    // in the log's order, with the "memory: usage …, limit …" line that holds the limit
    expect(e?.lines.map((l) => l.line)).toEqual([1, 3, 4, 5]);
  });

  it('takes a cgroup v1 "no limit" (2^63 bytes) for none, and a "memory: usage" line outside an OOM report for nothing', () => {
    const c = scan(
      [
        'memory: usage 4kB, limit 8kB, failcnt 1',
        'cat invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
        'memory: usage 32768kB, limit 9007199254740988kB, failcnt 0',
        'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/thrash,task_memcg=/thrash,task=cat,pid=7,uid=0',
        'Memory cgroup out of memory: Killed process 7 (cat) total-vm:4360kB, anon-rss:256kB, file-rss:2876kB, shmem-rss:0kB, UID:0 pgtables:52kB oom_score_adj:0',
      ].join('\n'),
    );
    const [e] = eventsOf(c, 'oom-kill');
    expect(e?.attrs).toMatchObject({ pid: 7, memcgUsageKiB: 32768 });
    expect(e?.attrs).not.toHaveProperty('memcgLimitKiB');
  });

  it('gives the kills of a rate-limited OOM storm the cgroup of the report within a minute of them, after as well as before (a wrapped ring buffer starts mid-storm)', () => {
    const bare = (pid: number): string => `Memory cgroup out of memory: Killed process ${pid} (stress-ng-vm) total-vm:548352kB, anon-rss:10688kB, file-rss:440kB, shmem-rss:0kB, UID:0 pgtables:104kB oom_score_adj:1000`;
    // [uptime seconds, message]: dmesg's stamps, prefix removed as the dmesg parser removes it.
    const lines: [number, string][] = [
      [8000.0, bare(1)], // two minutes before the report: its own storm, cgroup unknown
      [8100.85, bare(2)],
      [8150.878, 'oom_kill_process: 120 callbacks suppressed'],
      [8150.994, 'stress-ng-vm invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=1000'],
      [8150.9947, 'memory: usage 16384kB, limit 16384kB, failcnt 40625406'],
      [8150.9948, 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/thrash,task_memcg=/thrash,task=stress-ng-vm,pid=3,uid=0'],
      [8150.9949, bare(3)],
      [8151.01, bare(4)],
      [8300.0, bare(5)], // minutes later: no report near it
    ];
    const c = new RecordCollector('test');
    const scanner = new KernelEventScanner(c);
    lines.forEach(([t, m], i) => scanner.feed(m, i + 1, 'uptime', t));
    scanner.end();
    const kills = eventsOf(c, 'oom-kill').sort((a, b) => Number(a.attrs['pid']) - Number(b.attrs['pid']));
    expect(kills.map((k) => [k.attrs['pid'], k.attrs['cgroup'] ?? null, k.attrs['cgroupInferred'] ?? false, k.attrs['memcgLimitKiB'] ?? null])).toEqual([
      [1, null, false, null],
      [2, '/thrash', true, 16384],
      [3, '/thrash', false, 16384],
      [4, '/thrash', true, 16384],
      [5, null, false, null],
    ]);
  });

  it('reads the pre-4.19 "Kill process … or sacrifice child" + "Killed process" pair', () => {
    const c = scan(
      [
        'httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0',
        'Out of memory: Kill process 2102 (java) score 924 or sacrifice child',
        'Killed process 2102 (java) total-vm:8372812kB, anon-rss:3713552kB, file-rss:0kB, shmem-rss:0kB',
      ].join('\n'),
    );
    const [e] = eventsOf(c, 'oom-kill');
    expect(e?.attrs).toMatchObject({ pid: 2102, comm: 'java', anonRssKiB: 3713552, rssKiB: 3713552, memcg: false, invokedBy: 'httpd' });
    expect(e?.attrs.oomScoreAdj).toBeUndefined();
  });

  it('reads the RHEL 6 "Killed process N, UID n, (comm)" form and a pre-4.19 memcg "Task in … limit of" line', () => {
    const c = scan(
      [
        'java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0',
        'Task in /docker/abc killed as a result of limit of /docker/abc',
        'Memory cgroup out of memory: Kill process 77 (java) score 999 or sacrifice child',
        'Killed process 77, UID 500, (java) total-vm:100kB, anon-rss:60kB, file-rss:4kB',
      ].join('\n'),
    );
    expect(eventsOf(c, 'oom-kill')[0]?.attrs).toMatchObject({ pid: 77, comm: 'java', memcg: true, cgroup: '/docker/abc', anonRssKiB: 60, fileRssKiB: 4, shmemRssKiB: 0 });
  });

  it('keeps a victim named with spaces and parentheses', () => {
    const c = scan('Out of memory: Killed process 5 (Web Content (x)) total-vm:10kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:1000');
    expect(eventsOf(c, 'oom-kill')[0]?.attrs.comm).toBe('Web Content (x)');
  });

  it('still reports an old-style kill whose "Killed process" line is missing, and notes an invocation with no victim', () => {
    const c = scan(['a invoked oom-killer: gfp_mask=0x0, order=0', 'Out of memory: Kill process 9 (db) score 1 or sacrifice child', 'b invoked oom-killer: gfp_mask=0x0, order=0'].join('\n'));
    const [e] = eventsOf(c, 'oom-kill');
    expect(e?.attrs).toEqual({ pid: 9, comm: 'db', memcg: false, invokedBy: 'a' });
    expect(c.diagnostics.map((d) => [d.line, d.severity])).toEqual([[3, 'info']]);
  });
});

describe('kernel-events: hung tasks', () => {
  it('splits a comm holding colons at the last one and keeps reliable frames only', () => {
    const c = scan(
      [
        'INFO: task kworker/1:2:123 blocked for more than 245 seconds.',
        '      Not tainted 5.4.0 #1',
        '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
        'task:kworker/1:2     state:D stack:    0 pid:  123 ppid:     2 flags:0x00004000',
        'Call Trace:',
        ' <TASK>',
        ' __schedule+0x2cd/0x890',
        ' ? stale_word+0x1/0x2',
        ' schedule+0x69/0x110',
        ' </TASK>',
        'e1000e: eth0 NIC Link is Up',
      ].join('\n'),
    );
    const [e] = eventsOf(c, 'hung-task');
    expect(e?.attrs).toEqual({ pid: 123, comm: 'kworker/1:2', blockedSec: 245, stack: '__schedule < schedule' });
    expect(e?.line).toBe(1);
  });

  it('ends a report at end of input and caps the stack at 8 frames', () => {
    const frames = Array.from({ length: 12 }, (_, i) => ` f${i}+0x1/0x2`);
    const c = scan(['INFO: task a:1 blocked for more than 120 seconds.', 'Call Trace:', ...frames].join('\n'));
    expect(String(eventsOf(c, 'hung-task')[0]?.attrs.stack).split(' < ')).toHaveLength(8);
  });
});

describe('kernel-events: single-line events', () => {
  it('reads every I/O error form', () => {
    const c = scan(
      [
        'blk_update_request: I/O error, dev sda, sector 123 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0',
        'I/O error, dev sdb, sector 2048 op 0x1:(WRITE) flags 0x0 phys_seg 1 prio class 2',
        'Buffer I/O error on dev sda1, logical block 0, async page read',
        'end_request: I/O error, dev sdc, sector 1234',
        'sd 2:0:0:0: [sdd] tag#0 FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_SENSE',
        'critical medium error, dev sde, sector 99 op 0x0:(READ) flags 0x0',
      ].join('\n'),
    );
    expect(eventsOf(c, 'io-error').map((e) => e.attrs)).toEqual([
      { device: 'sda', kind: 'blk_update_request', error: 'I/O error', sector: 123, op: 'READ' },
      { device: 'sdb', kind: 'blk', error: 'I/O error', sector: 2048, op: 'WRITE' },
      { device: 'sda1', kind: 'buffer', block: 0 },
      { device: 'sdc', kind: 'end_request', error: 'I/O error', sector: 1234 },
      { device: 'sdd', kind: 'scsi', result: 'hostbyte=DID_OK driverbyte=DRIVER_SENSE' },
      { device: 'sde', kind: 'blk', error: 'critical medium error', sector: 99, op: 'READ' },
    ]);
  });

  it('reads soft lockups, allocation failures, boots and KVM errors; ignores routine KVM lines', () => {
    const c = scan(
      [
        'watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [java:1234]',
        'java: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0',
        'Linux version 5.14.0-362.8.1.el9_3.x86_64 (mockbuild@x) #1 SMP',
        'kvm: vcpu 0: requested 191999 ns lapic timer period limited to 200000 ns',
        'kvm [4321]: vcpu0, guest rIP: 0xffffffff emulation failed',
        'NMI watchdog: Watchdog detected hard LOCKUP on cpu 5',
      ].join('\n'),
    );
    expect(eventsOf(c, 'soft-lockup')[0]?.attrs).toEqual({ cpu: 3, stuckSec: 22, comm: 'java', pid: 1234 });
    expect(eventsOf(c, 'alloc-failure')[0]?.attrs).toEqual({ comm: 'java', order: 4, gfp: '0x40cc0(GFP_KERNEL|__GFP_COMP)' });
    expect(eventsOf(c, 'boot')[0]?.attrs).toEqual({ kernel: '5.14.0-362.8.1.el9_3.x86_64' });
    expect(eventsOf(c, 'kvm-error').map((e) => e.line)).toEqual([5]);
    expect(eventsOf(c, 'hard-lockup')[0]?.attrs).toEqual({ cpu: 5 });
  });

  // Shapes as printed by kernel/watchdog.c and the x86 show_regs/dump_stack of the kernels named; values made up.
  it('reads where a soft-locked CPU was stuck: the RIP function and the task frames, not the watchdog interrupt', () => {
    const c = scan(
      [
        'watchdog: BUG: soft lockup - CPU#7 stuck for 26s! [kworker/7:2:41881]',
        'Modules linked in: xfs libcrc32c sd_mod t10_pi sg ahci libahci virtio_net net_failover',
        'CPU: 7 PID: 41881 Comm: kworker/7:2 Not tainted 6.5.5-200.fc38.x86_64 #1',
        'Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2 04/01/2014',
        'Workqueue: events free_work',
        'RIP: 0010:smp_call_function_many_cond+0x12e/0x560',
        'Code: 7f 08 48 63 d0 e8 e2 2d 5f 00 3b 05 2c ea 31 02 73 25 <8b> 4e 08 83 e1 01 75 f6',
        'RSP: 0018:ffffb1a9c0d3bd70 EFLAGS: 00000202',
        'RAX: 0000000000000001 RBX: 0000000000000246 RCX: 0000000000000001',
        'CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033',
        'Call Trace:',
        ' <IRQ>',
        ' ? watchdog_timer_fn+0x1b8/0x220',
        ' __hrtimer_run_queues+0x10f/0x2b0',
        ' hrtimer_interrupt+0xf8/0x230',
        ' </IRQ>',
        ' <TASK>',
        ' on_each_cpu_cond_mask+0x24/0x40',
        ' __purge_vmap_area_lazy+0xc3/0x6f0',
        ' drain_vmap_area_work+0x25/0x40',
        ' process_one_work+0x1c7/0x3d0',
        ' </TASK>',
        'xfs filesystem being mounted at /data supports timestamps until 2038',
      ].join('\n'),
    );
    const [e, ...rest] = eventsOf(c, 'soft-lockup');
    expect(rest).toEqual([]);
    expect(e?.attrs).toEqual({
      cpu: 7,
      stuckSec: 26,
      comm: 'kworker/7:2',
      pid: 41881,
      rip: 'smp_call_function_many_cond',
      stack: 'on_each_cpu_cond_mask < __purge_vmap_area_lazy < drain_vmap_area_work < process_one_work',
    });
    // The headline and the RIP line prove it.
    expect(e?.lines.map((l) => l.line)).toEqual([1, 6]);
  });

  it('reads an old-style RIP with addresses, and a lockup that panicked the kernel', () => {
    const c = scan(
      [
        'BUG: soft lockup - CPU#5 stuck for 23s! [modprobe:4176]',
        'Kernel panic - not syncing: softlockup: hung tasks',
        'CPU: 5 PID: 4176 Comm: modprobe Tainted: G           OE   3.10.0-1160.el7.x86_64 #1',
        'task: ffff880337f12990 ti: ffff880337514000 task.ti: ffff880337514000',
        'RIP: 0010:[<ffffffff81088847>]  [<ffffffff81088847>] csd_lock_wait.isra.1+0x4/0xa',
        'RSP: 0018:ffff880337517d50  EFLAGS: 00000202',
        'INFO: task jbd2/sda1-8:412 blocked for more than 120 seconds.',
      ].join('\n'),
    );
    expect(eventsOf(c, 'soft-lockup')[0]?.attrs).toEqual({ cpu: 5, stuckSec: 23, comm: 'modprobe', pid: 4176, panic: true, rip: 'csd_lock_wait.isra.1' });
    expect(eventsOf(c, 'hung-task')).toHaveLength(1);
  });

  it('reads a hard lockup the same way: RIP of the interrupted code, frames outside the NMI, the panic', () => {
    const c = scan(
      [
        'NMI watchdog: Watchdog detected hard LOCKUP on cpu 12',
        'Modules linked in: mlx5_core nvme nvme_core',
        'CPU: 12 PID: 0 Comm: swapper/12 Not tainted 4.18.0-553.el8_10.x86_64 #1',
        'RIP: 0010:native_queued_spin_lock_slowpath+0x2e/0x1d0',
        'Call Trace:',
        ' <NMI>',
        ' ? watchdog_overflow_callback+0x8e/0xa0',
        ' </NMI>',
        ' _raw_spin_lock_irqsave+0x3a/0x40',
        ' mlx5_eq_comp_int+0x2b/0x90 [mlx5_core]',
        'Kernel panic - not syncing: Hard LOCKUP',
        'Linux version 4.18.0-553.el8_10.x86_64 (mockbuild@x) #1 SMP',
      ].join('\n'),
    );
    expect(eventsOf(c, 'hard-lockup')[0]?.attrs).toEqual({ cpu: 12, comm: 'swapper/12', pid: 0, rip: 'native_queued_spin_lock_slowpath', stack: '_raw_spin_lock_irqsave < mlx5_eq_comp_int', panic: true });
    expect(eventsOf(c, 'boot')).toHaveLength(1);
  });

  it('keeps one panic line of a lockup report however often the log repeats it', () => {
    const c = scan(['BUG: soft lockup - CPU#0 stuck for 23s! [a:1]', ...Array<string>(5000).fill('Kernel panic - not syncing: softlockup: hung tasks')].join('\n'));
    expect(eventsOf(c, 'soft-lockup')[0]?.lines.map((l) => l.line)).toEqual([1, 2]);
  });

  it('does not take trace lines or Mem-Info continuations for events', () => {
    const c = scan([' Killed process 1 (x) total-vm:1kB', '  I/O error, dev sda, sector 1', ' INFO: task a:1 blocked for more than 1 seconds.'].join('\n'));
    expect(c.events).toEqual([]);
  });
});

describe('kernel-events: false friends', () => {
  it('ignores a "Killed process" line that is not the OOM killer\'s', () => {
    expect(scan('systemd[1]: Killed process 77 (agent) with signal SIGKILL.').events).toEqual([]);
  });
});

describe('kernel-events: user-space faults', () => {
  it("reads a QEMU segfault and a python3 one as this project's machine logged them (kernel 6.18), with the library the fault was in", () => {
    const c = scan(
      [
        'python3[28042]: segfault at 0 ip 00007fddbbb85ad8 sp 00007ffdb6018b08 error 4 in libc.so.6[167ad8,7fddbba44000+156000] likely on CPU 1 (core 1, socket 0)',
        'Code: e1 ff ff ff c3 66 2e 0f 1f 84 00 00 00 00 00 0f 1f 00 89 f8 62 a1 fd 00 ef c0 25 ff 0f 00 00 3d e0 0f 00 00 0f 87 38 01 00 00 <62> f3 7d 20 3f 07 00 c5',
        'qemu-system-x86[28212]: segfault at fffffffffffffffe ip fffffffffffffffe sp 00007fff91992150 error 15 likely on CPU 0 (core 0, socket 0)',
        'Code: Unable to access opcode bytes at 0xffffffffffffffd4.',
      ].join('\n'),
    );
    const faults = eventsOf(c, 'segfault');
    expect(faults.map((e) => e.attrs)).toEqual([
      { comm: 'python3', pid: 28042, fault: 'segfault', addr: '0', ip: '00007fddbbb85ad8', error: '4', lib: 'libc.so.6' },
      { comm: 'qemu-system-x86', pid: 28212, fault: 'segfault', addr: 'fffffffffffffffe', ip: 'fffffffffffffffe', error: '15' },
    ]);
    // the pid is an attribute only: a crash-looping service is one storm of its command
    expect(faults.map((e) => e.labels)).toEqual([{ comm: 'python3' }, { comm: 'qemu-system-x86' }]);
    expect(faults.map((e) => e.line)).toEqual([1, 3]);
  });

  it("reads a vCPU thread's segfault (QEMU names its threads with debug-threads=on) and the traps of arch/x86/kernel/traps.c", () => {
    const c = scan(
      [
        'CPU 3/KVM[5121]: segfault at 18 ip 000055d0c3a1f2b4 sp 00007f2a3bffe6c0 error 4 in qemu-kvm[55d0c3600000+9b3000] likely on CPU 5 (core 5, socket 0)',
        'traps: qemu-kvm[4242] general protection fault ip:7f4c2a1b2c3d sp:7ffd5e6f7a80 error:0 in libc.so.6[7f4c2a000000+1bc000]',
        'traps: worker[77] trap invalid opcode ip:55d0c3a1f2b4 sp:7f2a3bffe6c0 error:0 in qemu-kvm[55d0c3600000+9b3000]',
      ].join('\n'),
    );
    expect(eventsOf(c, 'segfault').map((e) => [e.attrs.comm, e.attrs.pid, e.attrs.fault, e.attrs.lib])).toEqual([
      ['CPU 3/KVM', 5121, 'segfault', 'qemu-kvm'],
      ['qemu-kvm', 4242, 'general protection fault', 'libc.so.6'],
      ['worker', 77, 'invalid opcode', 'qemu-kvm'],
    ]);
  });

  it('takes no other line for a fault: a user-space message that quotes one, a kernel oops', () => {
    const c = scan(
      [
        'app[12]: worker said: segfault at startup',
        'BUG: unable to handle page fault for address: ffffffffc0a1b2c3',
        'traps: missing fields here',
      ].join('\n'),
    );
    expect(eventsOf(c, 'segfault')).toEqual([]);
  });
});

describe('kernel-events: driver probe failures', () => {
  it('reads the driver, the device and the error of a failed probe, in both of drivers/base/dd.c\'s shapes', () => {
    const c = scan(
      [
        // 6.1, a real capture kernel's line
        'ahci: probe of 0000:00:1f.2 failed with error -12',
        // newer kernels name the device first (from source)
        'nvme 0000:03:00.0: probe with driver nvme failed with error -5',
        // not a probe: a message that merely ends the same way
        'mlx5_core 0000:41:00.0: mlx5_cmd_check: QUERY_VPORT failed with error -22',
      ].join('\n'),
    );
    expect(eventsOf(c, 'probe-failed').map((e) => e.attrs)).toEqual([
      { driver: 'ahci', device: '0000:00:1f.2', errno: -12 },
      { driver: 'nvme', device: '0000:03:00.0', errno: -5 },
    ]);
  });
});
