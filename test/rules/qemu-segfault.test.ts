import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

// A fault in one of QEMU's threads (debug-threads=on names a vCPU thread "CPU 1/KVM") kills the whole
// process: the kernel names the thread and its id, not QEMU and its pid (arch/x86/kernel/traps.c's line shape).
describe('a fault in a QEMU vCPU thread', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-qemu-thread-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const bundle = path.join(dir, 'sosreport-kvm03-2026-12-07-abcdefg');
  for (const d of ['sos_commands/kernel', 'sos_commands/date', 'proc']) await mkdir(path.join(bundle, d), { recursive: true });
  await writeFile(
    path.join(bundle, 'sos_commands/kernel/dmesg'),
    '[ 9000.100000] traps: CPU 1/KVM[5122] general protection fault ip:55d0c3a1f2b4 sp:7f2a3bffe6c0 error:0 in qemu-kvm[55d0c3600000+9b3000]\n',
  );
  await writeFile(path.join(bundle, 'proc/stat'), 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1796599945\n');
  await writeFile(path.join(bundle, 'sos_commands/date/date'), 'Mon Dec  7 10:50:15 UTC 2026\n');
  const { model } = await analyze([bundle]);
  const f = model.report.findings.find((x) => x.rule === 'qemu-segfault');

  it('says QEMU died of a fault in that thread, named with its thread id', () => {
    expect(f?.title).toBe('QEMU crashed: a general protection fault in its thread CPU 1/KVM (5122), in qemu-kvm');
    expect(f?.message).toContain(
      "the host's kernel killed QEMU for a fault in its thread **CPU 1/KVM** (thread id 5122): a general protection fault, instruction pointer 55d0c3a1f2b4, in qemu-kvm (error 0).",
    );
  });
});
