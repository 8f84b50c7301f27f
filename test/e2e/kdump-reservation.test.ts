import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

// A real Debian 12 guest (6.1.0-50-amd64, kdump-tools 1.8.1, 2 GiB) booted with crashkernel=112M, as sos would have
// found it: kdump-config says "ready to kdump", and yet, crashed, its capture kernel ran out of memory unpacking the
// initramfs and wrote nothing (test/fixtures/SOURCES-system.md).
const bundle = path.resolve(import.meta.dirname, '../fixtures/kdump-capture/debian12-crashkernel-112M');

describe('a real host ready to kdump with too little memory set aside for it', () => {
  it('is reported before the crash that would lose its dump, with the lines that show it', async () => {
    const { model } = await analyze([bundle]);
    const f = model.report.findings.find((g) => g.rule === 'kdump-reservation');
    expect(f?.title).toBe('kdump reserves 112 MiB for its capture kernel, under the 116 MiB a Debian 12 test needed: the next crash may leave no dump');
    expect(f?.severity).toBe('medium');
    expect(f?.metrics).toMatchObject({ reservedMiB: 112, systemRamMiB: 2047, floorMiB: 116, targetMiB: 256 });
    expect(f?.evidence.map((e) => [e.source, e.text])).toEqual(
      expect.arrayContaining([
        ['sys/kernel/kexec_crash_size', '117440512'],
        ['sos_commands/kernel/dmesg', expect.stringContaining('Reserving 112MB of memory at 1888MB for crashkernel (System RAM: 2047MB)')],
      ]),
    );
    expect(f?.remediation[0]?.detail).toContain('crashkernel=384M-:256M/" /etc/default/grub.d/kdump-tools.cfg && update-grub');
  });
});
