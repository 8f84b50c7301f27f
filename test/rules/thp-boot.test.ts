/**
 * THP's mode at boot comes from the kernel command line or, once it starts, the active TuneD
 * profile: a fix made in sysfs is undone there, so the advice says where to make it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-thp-boot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// the shape of the rule's own case: THP always, 2,300 direct compactions an hour over ten days
const STALLING = {
  'sys/kernel/mm/transparent_hugepage/enabled': '[always] madvise never\n',
  'proc/vmstat': 'nr_free_pages 2031224\nthp_fault_alloc 1822331\nthp_fault_fallback 612004\ncompact_stall 552000\ncompact_fail 301200\n',
  'sos_commands/host/uptime': ' 16:05:12 up 10 days,  0:00,  1 user,  load average: 3.10, 3.02, 2.95\n',
  'sos_commands/date/date': 'Fri Nov 20 16:05:12 UTC 2026\n',
};
// Debian 12's tuned 2.20.0 hpc-compute profile: [vm] transparent_hugepages=always (line 12)
const HPC_COMPUTE = readFileSync(path.resolve(import.meta.dirname, '../fixtures/tuned/hpc-compute/tuned.conf'), 'utf8');

let n = 0;
async function thpFinding(files: Record<string, string>) {
  const dir = path.join(work, `b${++n}`);
  for (const [rel, text] of Object.entries({ ...STALLING, ...files })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  const { model, timeline } = await analyze([dir]);
  return { finding: model.report.findings.find((f) => f.rule === 'thp-compaction-stall'), timeline };
}

describe("THP's mode at the next boot", () => {
  it("is the TuneD profile's when one sets it: the advice is a profile of one's own", async () => {
    const { finding, timeline } = await thpFinding({ 'etc/tuned/active_profile': 'hpc-compute\n', 'usr/lib/tuned/hpc-compute/tuned.conf': HPC_COMPUTE });
    expect(timeline.facts.filter((f) => f.name === 'thp.boot').map((f) => [f.value, f.labels['from'], f.line])).toEqual([['always', 'tuned', 12]]);
    expect(finding?.message).toContain('The active TuneD profile (hpc-compute) sets THP to always each time it loads, at every boot');
    const last = finding?.remediation.find((r) => r.action.startsWith('Make the THP change last'));
    expect(last?.action).toBe('Make the THP change last in a TuneD profile of your own: hpc-compute sets always whenever it loads');
    expect(last?.detail).toContain('cat > /etc/tuned/hpc-compute-thp/tuned.conf <<');
    expect(last?.detail).toContain('include=hpc-compute\n\n[vm]\ntransparent_hugepages=madvise');
    expect(last?.detail).not.toContain('n/a');
  });

  it("is the kernel command line's without TuneD, and unsaid when neither sets it", async () => {
    const cmdline = await thpFinding({ 'proc/cmdline': 'BOOT_IMAGE=/vmlinuz root=/dev/sda2 ro transparent_hugepage=always\n' });
    expect(cmdline.finding?.message).toContain('The kernel command line sets THP to always at boot (transparent_hugepage=always).');
    expect(cmdline.finding?.remediation.map((r) => r.action)).toContain(
      'Make the THP change last on the kernel command line: it says transparent_hugepage=always',
    );
    const neither = await thpFinding({});
    expect(neither.finding?.message).not.toContain('at boot');
    expect(neither.finding?.remediation.some((r) => r.action.startsWith('Make the THP change last'))).toBe(false);
    expect(neither.finding?.remediation.find((r) => r.action.startsWith('Or limit THP'))?.detail).toContain('To keep it across reboots');
  });
});
