import { describe, expect, it } from 'vitest';
import { downsample, guestNodeMemoryChart, numaLocalityChart, SEVERITY_COLOURS, standardCharts, swimlane } from '../../src/report/charts.js';
import { formatDuration, formatKiB, zoneOf } from '../../src/report/format.js';
import type { ChartSeries } from '../../src/report/model.js';
import { loadModel } from './helpers.js';

describe('charts', () => {
  it('downsampling keeps the spike a mean would hide', () => {
    const pts: [number, number][] = Array.from({ length: 5000 }, (_, i) => [i * 1000, i === 2345 ? 99 : 1]);
    const out = downsample(pts, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(Math.max(...out.map((p) => p[1]))).toBe(99);
  });

  it('draws the standard charts with the bundle zone on the time axis', async () => {
    const m = loadModel('leak-swap-oom');
    const charts = await standardCharts(m, zoneOf(m));
    expect(charts.map((c) => c.title)).toEqual([
      'CPU utilisation',
      'Run queue vs CPU count',
      'Memory available and committed',
      'Swapping and major faults',
      'Disk %util, top 5 of 7 by peak',
      'Disk await, same devices',
    ]);
    const cpu = charts[0]?.svg ?? '';
    expect(cpu).toContain('time (Europe/Berlin)');
    // the span is 00:00–12:00 Berlin time; the axis ends at 12:00, not 11:00 (UTC)
    expect(cpu).toContain('>12:00<');
    expect(charts[1]?.svg).toContain('8 CPUs');
  });

  it('draws pressure stalls from sar when the bundle has them, and seconds on the axis of a short window', async () => {
    const { mkdtemp, mkdir, copyFile, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { analyze } = await import('../../src/analyze.js');
    const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-psi-'));
    await mkdir(path.join(dir, 'sos_commands/sar'), { recursive: true });
    await mkdir(path.join(dir, 'sos_commands/date'), { recursive: true });
    await copyFile(new URL('../fixtures/sar/sysstat-12.6.1_sar-A_psi-sections_cgroup-thrash.txt', import.meta.url), path.join(dir, 'sos_commands/sar/sar07'));
    await writeFile(path.join(dir, 'sos_commands/date/date'), 'Mon Dec  7 00:12:00 UTC 2026\n');
    const { model } = await analyze([dir]);
    await rm(dir, { recursive: true, force: true });
    const charts = await standardCharts(model, zoneOf(model));
    expect(charts.map((c) => c.title)).toEqual(['Pressure stalls (PSI)']);
    const svg = charts[0]?.svg ?? '';
    for (const name of ['CPU', 'I/O', 'memory', '15%', '00:08:00']) expect(svg).toContain(`>${name}<`);
  });

  it('switches to a heatmap past 50 devices', async () => {
    const m = loadModel('leak-swap-oom');
    const start = m.span?.start ?? 0;
    const disks: ChartSeries[] = Array.from({ length: 60 }, (_, d) => ({
      metric: 'disk.utilPct',
      labels: { device: `sd${String.fromCharCode(97 + (d % 26))}${Math.floor(d / 26)}` },
      points: Array.from({ length: 50 }, (_, i) => [start + i * 600000, (d * 7 + i) % 100] as [number, number]),
    }));
    m.series = [...m.series.filter((s) => s.metric !== 'disk.utilPct' && s.metric !== 'disk.awaitMs'), ...disks];
    const charts = await standardCharts(m, zoneOf(m));
    expect(charts.at(-1)?.title).toBe('Disk %util heatmap (60 devices)');
  });

  it('breaks a series at each collection gap it spans instead of drawing a ramp across it', async () => {
    const { withGapBreaks } = await import('../../src/report/charts.js');
    const frame = { zone: zoneOf(loadModel('healthy')), zoneName: 'UTC', domain: [0, 100] as [number, number], format: '%H:%M', gaps: [{ a: 40, b: 60 }] };
    const rows = [
      { t: 10, v: 1, s: 'across' },
      { t: 90, v: 2, s: 'across' },
      { t: 10, v: 3, s: 'before' },
      { t: 30, v: 4, s: 'before' },
    ];
    expect(withGapBreaks(frame, rows)).toEqual([...rows, { t: 50, v: null, s: 'across' }]);
    expect(withGapBreaks({ ...frame, gaps: [] }, rows)).toBe(rows);
  });

  it('puts one lane per finding class and event markers on the swimlane', async () => {
    const m = loadModel('leak-swap-oom');
    const svg = (await swimlane(m, zoneOf(m)))?.svg ?? '';
    for (const lane of ['memory-leak', 'oom-kill', 'swap-thrash', 'io-saturation', 'hung-task', 'events']) expect(svg).toContain(`>${lane}<`);
    expect(svg).not.toContain('xmlns');
  });

  it("marks a process the kernel killed for a fault on the swimlane's event lane (the real QEMU segfault capture)", async () => {
    const { analyze } = await import('../../src/analyze.js');
    const { model } = await analyze([new URL('../fixtures/sosreport-archives/sosmortem-libvirt-qemu-segfault.tar.xz', import.meta.url).pathname]);
    const svg = (await swimlane(model, zoneOf(model)))?.svg ?? '';
    for (const legend of ['segfault', 'vm-crash', 'vm-start']) expect(svg).toContain(`>${legend}<`);
  });

  it('draws a finding read at collection, a few minutes after the last sample, at the end of the swimlane; with nothing to draw, no swimlane', async () => {
    const m = loadModel('leak-swap-oom');
    // a real capture: both findings read at collection, 4 s after sar's last sample, left the swimlane an empty frame
    const at = m.report.bundle.collectedAt as string;
    for (const f of m.report.findings) f.window = { start: at, end: at };
    m.events = [];
    const svg = (await swimlane(m, zoneOf(m)))?.svg ?? '';
    expect(svg).toContain(SEVERITY_COLOURS.critical);
    for (const f of m.report.findings) f.window = null;
    expect(await swimlane(m, zoneOf(m))).toBeNull();
  });

  it('greys collection gaps on the swimlane and on the time charts, and says so in the caption', async () => {
    const m = loadModel('leak-swap-oom');
    const grey = /fill="#9aa5b1" opacity="0.3"/;
    const lane = await swimlane(m, zoneOf(m));
    expect(lane?.svg).toMatch(grey);
    expect(lane?.caption).toContain('grey: collection gaps (1)');
    const charts = await standardCharts(m, zoneOf(m));
    expect(charts[0]?.svg).toMatch(grey);
    expect(charts[0]?.caption).toContain('Grey bands: collection gaps');
    m.gaps = [];
    expect((await swimlane(m, zoneOf(m)))?.svg).not.toMatch(grey);
  });

  it('draws NUMA locality per node with the 90% and 60% lines, and memory per node per guest', async () => {
    const m = loadModel('kvm-numa');
    const charts = await standardCharts(m, zoneOf(m));
    expect(charts.map((c) => c.title)).toContain('NUMA locality per node');
    const numa = await numaLocalityChart(m);
    expect(numa?.svg).toContain('>node 0<');
    expect(numa?.svg).toContain('>71.2%<');
    // the reference lines are axis ticks
    expect(numa?.svg).toContain('>90<');
    expect(numa?.svg).toContain('>60<');
    expect(numa?.caption).toContain('node 1 912 345 678 local / 301 234 567 remote');
    const mem = await guestNodeMemoryChart(m);
    for (const g of ['web-01', 'db-02', 'hpc-64']) expect(mem?.svg).toContain(`>${g}<`);
    // batch-01 has no numastat -p data and gets no bar
    expect(mem?.svg).not.toContain('>batch-01<');
    expect(await numaLocalityChart(loadModel('leak-swap-oom'))).toBeNull();
    expect(await guestNodeMemoryChart(loadModel('leak-swap-oom'))).toBeNull();
  });

  it('returns no chart for a model without a span or series', async () => {
    const m = loadModel('healthy');
    expect(await standardCharts(m, zoneOf(m))).toEqual([]);
    expect(await swimlane(m, zoneOf(m))).toBeNull();
  });
});

describe('format', () => {
  it('formats sizes in binary units and durations in two units', () => {
    expect(formatKiB(16 * 1024 * 1024)).toBe('16 GiB');
    expect(formatKiB(1536)).toBe('1.5 MiB');
    expect(formatDuration(4500000)).toBe('1 h 15 min');
    expect(formatDuration(122000)).toBe('2 min 2 s');
  });
});
