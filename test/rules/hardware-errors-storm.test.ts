import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { clockFiles, writeBundleDir } from '../helpers/bundle-dir.js';

/**
 * A DIMM that corrects errors all day logs an EDAC line every few seconds: past 2 000 lines a
 * shape is folded (event-storm.ts), and the errors each line stands for ("2 CE") must still add up.
 */
describe('a storm of EDAC lines on one DIMM', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-hw-storm-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const lines = ['[    0.000000] Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1'];
  for (let i = 0; i < 5000; i++) {
    const t = (1000 + i * 7.25).toFixed(6).padStart(12, ' ');
    lines.push(
      `[${t}] EDAC MC0: 2 CE memory read error on CPU_SrcID#0_MC#0_Chan#1_DIMM#0 (channel:1 slot:0 page:0x${(0x46f000 + (i % 97)).toString(16)} offset:0x0 grain:32 syndrome:0x0 - err_code:0000:009f socket:0 imc:0 rank:0)`,
    );
  }
  const bundle = await writeBundleDir(dir, 'sosreport-db07-2026-12-07-ccccccc', {
    ...clockFiles(1796599945, 'Mon Dec  7 10:50:15 UTC 2026'),
    'sos_commands/kernel/dmesg': `${lines.join('\n')}\n`,
  });
  const { model } = await analyze([bundle]);
  const f = model.report.findings.find((x) => x.rule === 'hardware-errors');

  it('counts every report and every error the reports stand for, folded or not', () => {
    expect(f?.metrics['reports']).toBe(5000);
    expect(f?.metrics['errors']).toBe(10000);
    expect(f?.subject.device).toBe('CPU_SrcID#0_MC#0_Chan#1_DIMM#0');
    // 10 000 errors in 10 h is far above Intel's 10 a day
    expect(f?.severity).toBe('high');
    expect(f?.title).toBe('Hardware errors on CPU_SrcID#0_MC#0_Chan#1_DIMM#0: 10,000 corrected memory (ECC) errors over 10 h 4 min');
  });
});
