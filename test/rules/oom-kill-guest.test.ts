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

// libvirt names a guest's cgroup after its machine name, which keeps only letters, digits, '-' and '.'
// and stops at 64 characters (virDomainDriverGenerateMachineName): a long domain name is cut there.
describe('a cgroup OOM kill of a guest whose long name libvirt cut in its machine name', async () => {
  const domain = 'prod_billing.database-primary.eu-west-1.example.internal.replica-0001';
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-oom-guest-cut-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const bundle = path.join(dir, 'sosreport-kvm02-2026-12-07-abcdefg');
  for (const d of ['sos_commands/kernel', 'sos_commands/date', 'proc', 'etc/libvirt/qemu', 'var/log/libvirt/qemu'])
    await mkdir(path.join(bundle, d), { recursive: true });
  const scope = '/machine.slice/machine-qemu\\x2d3\\x2dprodbilling.database\\x2dprimary.eu\\x2dwest\\x2d1.example.internal.r.scope';
  await writeFile(
    path.join(bundle, 'sos_commands/kernel/dmesg'),
    [
      '[    0.000000] Linux version 5.14.0-427.el9.x86_64 (mockbuild@x86-vm-08) (gcc 11.4.1) #1 SMP PREEMPT_DYNAMIC',
      '[ 9000.100000] CPU 0/KVM invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '[ 9000.100050] memory: usage 4194304kB, limit 4194304kB, failcnt 12',
      `[ 9000.100100] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=emulator,mems_allowed=0,oom_memcg=${scope},task_memcg=${scope}/libvirt/emulator,task=qemu-kvm,pid=5151,uid=107`,
      '[ 9000.100200] Memory cgroup out of memory: Killed process 5151 (qemu-kvm) total-vm:9800000kB, anon-rss:4150000kB, file-rss:20000kB, shmem-rss:0kB, UID:107 pgtables:9000kB oom_score_adj:0',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(bundle, 'proc/stat'), 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1765060000\n');
  await writeFile(path.join(bundle, 'proc/meminfo'), 'MemTotal:       25165824 kB\nMemFree:         8204800 kB\nMemAvailable:    9307200 kB\n');
  await writeFile(path.join(bundle, 'sos_commands/date/date'), 'Mon Dec  7 08:02:48 UTC 2026\n');
  await writeFile(path.join(bundle, `etc/libvirt/qemu/${domain}.xml`), domainXml(domain, 8));
  // the same guest's QEMU log: libvirt's stop line two seconds after the kill (btime 1765060000 + 9000 s)
  await writeFile(
    path.join(bundle, `var/log/libvirt/qemu/${domain}.log`),
    [
      `2025-12-07 00:00:00.000+0000: starting up libvirt version: 9.0.0, qemu version: 8.0.0, kernel: 5.14.0-427.el9.x86_64, hostname: kvm02.example.com`,
      `LC_ALL=C /usr/libexec/qemu-kvm -name guest=${domain},debug-threads=on -m 8192 -smp 4`,
      `${new Date((1765060000 + 9002) * 1000)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '.000+0000')}: shutting down, reason=crashed`,
      '',
    ].join('\n'),
  );
  const { model } = await analyze([bundle]);
  const oom = model.report.findings.find((f) => f.rule === 'oom-kill');
  const crash = model.report.findings.find((f) => f.rule === 'vm-crash');

  it('names the domain, not the cut name, so its RAM is read from its XML and its crash links to the kill', () => {
    expect(oom?.title).toBe(`cgroup OOM kill of guest ${domain}'s QEMU (pid 5151, 3.98 GiB)`);
    expect(oom?.subject['domain']).toBe(domain);
    expect(oom?.message).toContain('(8 GiB of RAM in its domain XML)');
    expect(oom?.message).toContain('The limit, 4 GiB, was below the guest');
    expect(crash?.subject['domain']).toBe(domain);
    expect(crash?.causes).toContain(oom?.id);
  });
});
