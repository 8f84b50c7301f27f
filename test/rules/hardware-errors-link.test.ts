import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { clockFiles, writeBundleDir } from '../helpers/bundle-dir.js';

/**
 * A guest's QEMU killed by the kernel for touching memory the hardware could not correct: the
 * hardware error is the cause of libvirt's crash. Corrected errors on the same host kill nothing
 * and are not linked. (btime 1796599945 places the dmesg: 9000 s is 2026-12-07 02:02:25 UTC.)
 */
describe('hardware errors and a guest that crashed', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-hw-link-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const bundleWith = (name: string, dmesg: string): Promise<string> =>
    writeBundleDir(dir, name, {
      ...clockFiles(1796599945, 'Mon Dec  7 10:50:15 UTC 2026'),
      'sos_commands/kernel/dmesg': dmesg,
      'var/log/libvirt/qemu/web01.log': [
        '2026-12-07 01:12:44.123+0000: starting up libvirt version: 9.0.0, qemu version: 7.2.0, kernel: 6.1.0-28-amd64, hostname: kvm03',
        '/usr/bin/qemu-system-x86_64 \\',
        '-name guest=web01,debug-threads=on \\',
        '-m 8192',
        '2026-12-07 02:02:27.011+0000: shutting down, reason=crashed',
        '',
      ].join('\n'),
    });

  it('links an uncorrected error that killed QEMU to the crash', async () => {
    const bundle = await bundleWith(
      'sosreport-kvm03-2026-12-07-aaaaaaa',
      [
        '[ 8999.900000] EDAC MC1: 1 UE memory read error on DIMM_B2 (channel:1 slot:0 page:0x1234 offset:0x0 grain:32 syndrome:0x0)',
        '[ 9000.000000] Memory failure: 0x1234: Sending SIGBUS to qemu-system-x86:4242 due to hardware memory corruption',
        '',
      ].join('\n'),
    );
    const { model } = await analyze([bundle]);
    const crash = model.report.findings.find((f) => f.rule === 'vm-crash');
    const causes = model.report.findings.filter((f) => f.rule === 'hardware-errors' && crash?.causes.includes(f.id));
    expect(crash).toBeDefined();
    expect(causes.map((f) => f.title).sort()).toEqual([
      'Hardware errors on DIMM_B2: 1 uncorrected memory error',
      'Hardware errors: 1 memory page retired by the kernel, qemu-system-x86 killed',
    ]);
    expect(causes.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('does not blame corrected errors for it', async () => {
    const bundle = await bundleWith(
      'sosreport-kvm03-2026-12-07-bbbbbbb',
      '[ 8999.900000] EDAC MC1: 3 CE memory read error on DIMM_B2 (channel:1 slot:0 page:0x1234 offset:0x0 grain:32 syndrome:0x0)\n',
    );
    const { model } = await analyze([bundle]);
    const crash = model.report.findings.find((f) => f.rule === 'vm-crash');
    const hw = model.report.findings.find((f) => f.rule === 'hardware-errors');
    expect(hw?.severity).toBe('medium');
    expect(crash?.causes).toEqual([]);
  });
});
