import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { actionItems } from '../../src/report/format.js';

// A real capture on this project's build machine (test/fixtures/SOURCES-system.md, zram-thrash): a 1 GiB zram swap
// device, stress-ng keeping 400 MiB in a cgroup limited to 256 MiB for 150 s, `sar -W -r -S 5` and `vmstat -t 5`.
const dir = path.resolve(import.meta.dirname, '../fixtures/zram-thrash');

describe('swap thrashing on zram, in a cgroup at its limit (real capture, Linux 6.18, sysstat 12.6.1)', () => {
  it('says the pages cost CPU, not disk waits, and that the host had memory to spare', async () => {
    const { model } = await analyze([path.join(dir, 'bundle'), path.join(dir, 'attachments')]);
    const thrash = model.report.findings.find((f) => f.rule === 'swap-thrash');
    expect(thrash?.title).toBe('Swap thrashing: up to 74,815 pages/s in and 74,818 out');
    expect(thrash?.message).toContain('Swap here is zram, compressed RAM: no page waits for a disk');
    expect(thrash?.message).not.toContain('waits for the disk');
    // what it cost: vmstat's sy while it thrashed, 32 rows from 02:38:43 to 02:41:18
    expect(thrash?.message).toContain('as system time (37.7% of the CPUs on average meanwhile)');
    expect(thrash?.message).toContain('confined to a cgroup that reached its own memory limit');
    // the same swapping counted on the way out: corroboration, whose fixes do not crowd the first actions
    const out = model.report.findings.find((f) => f.rule === 'swap-out');
    expect(out?.sameEpisodeAs).toEqual([thrash?.id]);
    expect(out?.message).toContain('is decompressed from zram on the CPU.');
    // the host was not out of memory: the cgroup was
    expect(out?.title).toBe('A cgroup at its memory limit swapped out up to 74,818 pages/s for 2 min 35 s');
    expect(actionItems(model).map((a) => a.finding.rule)).not.toContain('swap-out');
    // nor is vm.swappiness to be lowered for it: the kernel suggests values above 100 for in-memory swap
    expect(thrash?.remediation.map((r) => r.action)).toEqual(['Give the cgroup that swaps the memory its working set needs, or shrink the working set']);
  });
});
