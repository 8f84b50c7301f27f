import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

// A real sosreport of a 1 GiB Debian 12 guest whose leaking process the OOM killer ended, with the ps, pmap, vmstat
// and iostat snapshots taken during the run (test/fixtures/SOURCES-sosreport-trees.md).
const dir = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');

describe('a real leak to an OOM kill on a small guest (sos 4.0, Debian 12, sar every minute)', () => {
  it('reports the kill of the process that used the memory up, and reads sar, ps, pmap and iostat as they were written', async () => {
    const { model, timeline } = await analyze([path.join(dir, 'real-debian12-leak-oom.tar.xz'), path.join(dir, 'real-debian12-leak-oom-attachments')]);
    const r = model.report;
    const oom = r.findings.find((f) => f.rule === 'oom-kill');
    expect(oom?.title).toBe('Global OOM kill of leaky (pid 437, 591 MiB)');
    expect(oom?.severity).toBe('critical');
    expect(oom?.message).toContain('A victim this large most likely held the memory that ran out.');
    // its resident size flattened once it swapped; its virtual size kept the line up to the kill
    const runaway = r.findings.find((f) => f.rule === 'memory-runaway');
    expect(runaway?.title).toBe('leaky (pid 437) grew +207 MiB/min until the OOM killer ended it');
    expect(runaway?.metrics).toMatchObject({ points: 8, r2: 0.981 });
    const swapOutFinding = r.findings.find((f) => f.rule === 'swap-out');
    expect(runaway?.effects.toSorted()).toEqual([oom?.id, swapOutFinding?.id].toSorted());
    expect(r.findings[0]?.rule).toBe('memory-runaway');
    // the crash of an earlier boot is still in the journal; this boot reserves nothing for kdump, and says so
    expect(r.findings.find((f) => f.rule === 'kdump-reservation')?.message).toContain(
      "At this boot no memory is set aside for kdump's capture kernel (no crashkernel=)",
    );
    // swapping out at up to 1 471 pages/s with almost nothing coming back in is pressure, not thrashing
    expect(r.findings.filter((f) => f.rule === 'swap-thrash')).toEqual([]);
    // but it is the memory running out, between the runaway and the kill: vmstat's 5 s rows, with the pages
    // written out and how few came back
    expect(swapOutFinding?.window).toEqual({ start: '2026-12-08T00:36:27+00:00', end: '2026-12-08T00:40:57+00:00' });
    expect(swapOutFinding?.metrics).toMatchObject({ peakSwapOutPagesPerSec: 4168.5, swapInShareOfOutPct: 0.099, swappedOutMiB: 1024.58 });
    // swap filled on after the sampled swapping ended (sar's minute at 00:42:13), just before the kill
    expect(swapOutFinding?.message).toContain('swap was 100% full at 2026-12-08 00:42:13');
    expect(swapOutFinding?.causes).toEqual([runaway?.id]);
    expect(swapOutFinding?.effects).toEqual([oom?.id]);
    const swapOut = timeline.seriesOf('swap.outPagesPerSec')[0];
    // sar's minute averages peak at 1 470.68 pages/s; vmstat's 5 s rows, taken at the same time, higher
    expect(Math.max(...(swapOut?.v ?? []))).toBeGreaterThanOrEqual(1470.68);
    // the snapshots are read: leaky's RSS from pmap, every process's from ps, the disk from iostat
    expect(r.coverage.map((c) => c.source)).toEqual(expect.arrayContaining(['pmap', 'ps', 'iostat', 'sar-xml']));
    expect(timeline.seriesOf('proc.rssKiB').some((s) => s.labels['comm'] === 'leaky')).toBe(true);
    // this guest's vmstat repeated its memory columns on every row: said, and left out
    expect(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message)).toEqual([
      expect.stringContaining('memory columns (swpd free buff cache) are identical on all 201 rows'),
    ]);
  });
});
