import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

const domainXml = (name: string, gib: number): string =>
  `<domain type='kvm'>\n  <name>${name}</name>\n  <memory unit='GiB'>${gib}</memory>\n  <vcpu>4</vcpu>\n</domain>\n`;

// A global OOM on a KVM host (kernel 5.14 line shapes; a systemd machine scope, as libvirt names it
// under systemd): the guests' memory adds up past the host's RAM, and the kernel kills the largest QEMU.
describe("a global OOM kill of a guest's QEMU", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-oom-guest-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const bundle = path.join(dir, 'sosreport-kvm01-2026-12-07-abcdefg');
  for (const d of ['sos_commands/kernel', 'sos_commands/date', 'proc', 'etc/libvirt/qemu']) await mkdir(path.join(bundle, d), { recursive: true });
  await writeFile(
    path.join(bundle, 'sos_commands/kernel/dmesg'),
    [
      '[    0.000000] Linux version 5.14.0-427.el9.x86_64 (mockbuild@x86-vm-08) (gcc 11.4.1) #1 SMP PREEMPT_DYNAMIC',
      '[ 9000.100000] qemu-kvm invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0',
      '[ 9000.100100] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=emulator,mems_allowed=0,global_oom,task_memcg=/machine.slice/machine-qemu\\x2d2\\x2dweb\\x2d01.scope/libvirt/emulator,task=qemu-kvm,pid=4242,uid=107',
      '[ 9000.100200] Out of memory: Killed process 4242 (qemu-kvm) total-vm:17800000kB, anon-rss:16500000kB, file-rss:20000kB, shmem-rss:0kB, UID:107 pgtables:33000kB oom_score_adj:0',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(bundle, 'proc/stat'), 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1765060000\n');
  await writeFile(path.join(bundle, 'proc/meminfo'), 'MemTotal:       25165824 kB\nMemFree:          204800 kB\nMemAvailable:     307200 kB\n');
  await writeFile(path.join(bundle, 'sos_commands/date/date'), 'Mon Dec  7 08:02:48 UTC 2026\n');
  await writeFile(path.join(bundle, 'etc/libvirt/qemu/web-01.xml'), domainXml('web-01', 16));
  await writeFile(path.join(bundle, 'etc/libvirt/qemu/db01.xml'), domainXml('db01', 12));
  const { model } = await analyze([bundle]);
  const oom = model.report.findings.find((f) => f.rule === 'oom-kill');

  it("names the guest, and adds the guests' memory up against the host's instead of advising a MemoryMax", () => {
    expect(oom?.title).toBe("Global OOM kill of guest web-01's QEMU (pid 4242, 15.8 GiB)");
    expect(oom?.subject['domain']).toBe('web-01');
    expect(oom?.remediation.map((r) => r.action)).toEqual(["Bring the guests' memory under what the host has: guest web-01 paid for the shortfall"]);
    expect(oom?.remediation[0]?.detail).toContain("The domain XMLs in this bundle give 2 guests 28 GiB of memory in all, against the host's 24 GiB (117%)");
  });
});
