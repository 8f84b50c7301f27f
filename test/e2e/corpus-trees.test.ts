/**
 * Real sosreport trees (trimmed, from hotsos and pbench, and one captured here
 * under a known load; see test/fixtures/SOURCES-sosreport-trees.md): the whole
 * pipeline reads them without an error, gets the host facts right, finds the
 * problem that was there and invents no other.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { collectHints, postmortem, verdict } from '../../src/report/format.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderHtml } from '../../src/report/html.js';

const trees = path.resolve(import.meta.dirname, '../fixtures/sosreport-trees');

describe('hotsos OpenStack compute node (Ubuntu 20.04, libvirt 6.0)', async () => {
  const { model } = await analyze([path.join(trees, 'hotsos-openstack-compute4')]);
  const r = model.report;
  it('reads host facts and the clock from the bundle', () => {
    expect(r.bundle).toMatchObject({
      hostname: 'compute4',
      kernel: '5.4.0-97-generic',
      cpus: 2,
      numaNodes: 1,
      timezone: 'UTC',
      collectedAt: '2022-02-10T16:19:17+00:00',
    });
    expect(r.bundle.bootTime).toBe('2022-02-09T22:38:17+00:00');
  });
  it('has no error diagnostic and parses every source it holds', () => {
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const sources = r.coverage.map((c) => c.source);
    for (const s of ['dmesg', 'domain-xml', 'libvirt-qemu-log', 'numastat', 'numactl', 'ps', 'sysctl', 'lscpu']) expect(sources).toContain(s);
  });
  it('builds the guest inventory from the domain XML', () => {
    const g = model.kvm?.guests.find((x) => x.domain === 'instance-00000001');
    expect(g).toMatchObject({ vcpus: 1, memoryKiB: 2097152, hugepages: false, vcpupin: null });
    expect(g?.disks[0]).toMatchObject({ cache: 'none' });
  });
  it('does not call a live migration a crash', () => {
    expect(r.findings.filter((f) => f.class === 'vm-crash').map((f) => f.title)).toEqual([]);
  });
});

describe('pbench Fedora 27 host', async () => {
  const { model } = await analyze([path.join(trees, 'pbench-fedora27-dhcp31-44')]);
  const r = model.report;
  it('reads host facts, btime and memory', () => {
    expect(r.bundle).toMatchObject({
      hostname: 'dhcp31-44.perf.lab.eng.bos.redhat.com',
      kernel: '4.13.9-300.fc27.x86_64',
      cpus: 1,
      memTotalKiB: 8173028,
      bootTime: '2018-01-05T02:37:33+00:00',
      collectedAt: '2018-02-01T22:40:58+00:00',
    });
  });
  it('raises nothing at medium or above on a machine at rest', () => {
    expect(r.findings.filter((f) => ['critical', 'high', 'medium'].includes(f.severity)).map((f) => f.title)).toEqual([]);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('a sosreport taken after a known CPU load (stress-ng, 7 workers on 2 CPUs, 23:36:09 → 23:42:49 UTC)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-stress-ng-cpu.tar.xz')]);
  const r = model.report;
  it('reads the host and the sar XML that sos rendered, preferring it to the text of the same day', () => {
    expect(r.bundle).toMatchObject({ hostname: 'vm', cpus: 2, numaNodes: 1, timezone: 'UTC', collectedAt: '2026-12-06T23:45:30+00:00' });
    expect(r.coverage.map((c) => c.source)).toContain('sar-xml');
    expect(r.coverage.map((c) => c.source)).not.toContain('sar');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
  it('finds the CPU saturation over the window the load ran, ranked first, and the I/O stressor as a low I/O stall', () => {
    expect(r.findings.map((f) => f.rule)).toEqual(['cpu-saturation', 'io-stall']);
    // stress-ng --io 1 calls sync() in a loop: one task waits on I/O while the others run.
    const io = r.findings[1];
    expect(io?.severity).toBe('low');
    expect(io?.metrics['meanFullPct']).toBeLessThan(1);
    expect(io?.window?.start).toBe(r.findings[0]?.window?.start);
    const f = r.findings[0];
    // Samples are 5 s apart: the window starts with the load and ends with the last sample taken under it.
    expect(Date.parse(f?.window?.start ?? '')).toBeGreaterThanOrEqual(Date.parse('2026-12-06T23:36:04Z'));
    expect(Date.parse(f?.window?.start ?? '')).toBeLessThanOrEqual(Date.parse('2026-12-06T23:36:14Z'));
    expect(Date.parse(f?.window?.end ?? '')).toBeGreaterThanOrEqual(Date.parse('2026-12-06T23:42:39Z'));
    expect(Date.parse(f?.window?.end ?? '')).toBeLessThanOrEqual(Date.parse('2026-12-06T23:42:54Z'));
    expect(f?.metrics).toMatchObject({ peakRunQueue: 12 });
    expect(f?.metrics['meanIdlePct']).toBeLessThan(1);
    expect(f?.evidence.some((e) => e.source === 'sos_commands/sar/sa06.xml')).toBe(true);
  });
});

describe('a sosreport taken during a known cgroup page-cache thrash (memory limit 32 MiB, from 01:57:34 UTC, sos at 01:59:35)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-cgroup-thrash.tar.xz')]);
  const r = model.report;
  const byRule = (rule: string): (typeof r.findings)[number] | undefined => r.findings.find((f) => f.rule === rule);
  it("dates the memory stall from sar from the second the thrash began, and blames the cgroup's OOM kills (one finding: python3 and bash under one limit) and the I/O stall on it", () => {
    const stall = byRule('memory-stall');
    expect(r.findings[0]?.rule).toBe('memory-stall');
    expect(stall?.window).toEqual({ start: '2026-12-07T01:57:34+00:00', end: '2026-12-07T01:59:34+00:00' });
    const kills = r.findings.filter((f) => f.rule === 'oom-kill');
    expect(kills.map((k) => k.subject['comm'])).toEqual(['bash,python3']);
    expect(kills[0]?.title).toBe('cgroup OOM kills of python3, bash in /thrash (2 kills, up to 20.7 MiB each)');
    expect(kills[0]?.metrics).toMatchObject({ kills: 2, victims: 2 });
    for (const k of kills) expect(k.causes).toEqual([stall?.id]);
    expect(byRule('io-stall')?.causes).toEqual([stall?.id]);
  });
  it("sizes the limit to raise from the cgroup's own limit in the OOM report (32 MiB), not from the small victim", () => {
    for (const k of r.findings.filter((f) => f.rule === 'oom-kill')) {
      expect(k.metrics).toMatchObject({ memcgLimitKiB: 32768, memcgUsageKiB: 32768 });
      expect(k.remediation[0]?.detail).toContain('MemoryMax=48M');
      expect(k.remediation[0]?.rollback).toContain('MemoryMax=32M');
    }
  });
  it('folds /proc/pressure read at collection under the sar stalls it continues: one episode each, not four problems', () => {
    const memory = byRule('memory-pressure');
    const io = byRule('io-pressure');
    expect(memory?.sameEpisodeAs).toEqual([byRule('memory-stall')?.id]);
    expect(io?.sameEpisodeAs).toEqual([byRule('io-stall')?.id]);
    // The same stall seen twice is not a second cause: the corroborating findings link to nothing.
    for (const f of [memory, io]) {
      expect(f?.causes).toEqual([]);
      expect(f?.effects).toEqual([]);
      expect(f?.reasoning.at(-1)).toMatch(/^The same stall as Tasks stalled on (memory|I\/O)/);
    }
    expect(r.findings.indexOf(memory as never)).toBeGreaterThan(r.findings.indexOf(byRule('memory-stall') as never));
    expect(r.findings.indexOf(io as never)).toBeGreaterThan(r.findings.indexOf(byRule('io-stall') as never));
    // The postmortem counts problems, not measures: three impacts, and the two corroborations said as such.
    const pm = postmortem(model);
    expect(pm?.impact).toHaveLength(3);
    expect(pm?.impact.some((line) => line.includes('at collection'))).toBe(false);
    expect(pm?.summary).toContain('2 more measure the same episodes by other means');
  });
});

describe('a sosreport taken during a known I/O saturation (4 direct writers on a loop device throttled to 4 MB/s underneath, 02:29:19 → 02:35:21 UTC)', async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const archive = path.join(fx, 'sosmortem-io-throttled-loop.tar.xz');
  const { model } = await analyze([archive, path.join(fx, 'sosmortem-io-throttled-loop-attachments')]);
  const r = model.report;
  const byRule = (rule: string): (typeof r.findings)[number] | undefined => r.findings.find((f) => f.rule === rule);
  it('finds loop0 saturated from the second the writers started, from sar and the iostat attachment, as the root of the I/O stall', () => {
    const sat = byRule('io-saturation');
    expect(r.findings.map((f) => f.rule)).toEqual(['io-saturation', 'io-stall', 'io-pressure']);
    expect(sat?.subject).toEqual({ device: 'loop0' });
    // iostat ran on past sos (02:35:00) until the writers stopped; sar's day ends at collection.
    expect(sat?.window).toEqual({ start: '2026-12-07T02:29:19+00:00', end: '2026-12-07T02:35:19+00:00' });
    expect(sat?.metrics['peakUtilPct']).toBeGreaterThanOrEqual(100);
    expect(sat?.metrics['meanAwaitMs']).toBeCloseTo(61.9, 0);
    expect(sat?.metrics['meanQueueDepth']).toBeCloseTo(4, 0);
    expect(new Set(sat?.evidence.map((e) => e.source))).toEqual(new Set(['sos_commands/sar/sa07.xml', 'attachments/iostat-x-t-loop0-vda.txt']));
    expect(byRule('io-stall')?.causes).toEqual([sat?.id]);
    expect(byRule('io-pressure')?.sameEpisodeAs).toEqual([byRule('io-stall')?.id]);
    // vda, under the throttle, was never busy: no finding names it.
    expect(r.findings.some((f) => f.subject['device'] === 'vda')).toBe(false);
    // a loop device is a file: the advice is to look under it, not to change its scheduler
    expect(sat?.remediation.map((x) => x.action)).toEqual(['Find and move the I/O that saturates loop0', 'Find what the file behind loop0 is stored on']);
  });
  it('rates the saturation by what it caused: medium on its own (62 ms await, 6 min), high for the stall it led to', () => {
    const sat = byRule('io-saturation');
    expect(sat?.severity).toBe('high');
    expect(sat?.reasoning).toContain('Rated high for what it led to (Tasks stalled on I/O 92.4% of the time for 5 min 40 s); on its own it would be medium.');
  });
});

describe('a sosreport taken while a task hung on writeback behind a saturated device (fsync blocked from 02:51:25 UTC, hung_task_timeout_secs 20)', async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const { model } = await analyze([
    path.join(fx, 'sosmortem-hung-task-throttled-loop.tar.xz'),
    path.join(fx, 'sosmortem-hung-task-throttled-loop-attachments'),
  ]);
  const r = model.report;
  const byRule = (rule: string): (typeof r.findings)[number] | undefined => r.findings.find((f) => f.rule === rule);
  it('finds the hung dd with its eight reports and its writeback stack, caused by the loop0 saturation it waited behind', () => {
    const hung = byRule('hung-task');
    expect(hung?.subject).toMatchObject({ pid: 32200, comm: 'dd' });
    expect(hung?.metrics).toMatchObject({ reports: 8, maxBlockedSec: 122 });
    expect(hung?.window?.start).toBe('2026-12-07T02:51:54+00:00');
    expect(hung?.message).toContain('folio_wait_writeback');
    expect(hung?.causes).toContain(byRule('io-saturation')?.id);
    expect(byRule('io-saturation')?.window?.start).toBe('2026-12-07T02:49:00+00:00');
    expect(model.report.findings[0]?.rule).toBe('io-saturation');
  });
  it('draws each chart of a finding over its own window and context, not over the whole collection', () => {
    for (const c of model.findingCharts) {
      for (const s of c.series) {
        const first = s.points[0]?.[0] ?? 0;
        const last = s.points[s.points.length - 1]?.[0] ?? 0;
        // 30 minutes of context at least, or as long as the finding: here the data itself starts and ends closer.
        expect(first).toBeGreaterThanOrEqual((c.windowStart ?? 0) - Math.max((c.windowEnd ?? 0) - (c.windowStart ?? 0), 30 * 60_000));
        expect(last).toBeLessThanOrEqual((c.windowEnd ?? 0) + Math.max((c.windowEnd ?? 0) - (c.windowStart ?? 0), 30 * 60_000));
      }
    }
  });
  it('tells the whole mechanism in the verdict: device, then the stall, then the hung task', async () => {
    const { verdict } = await import('../../src/report/format.js');
    expect(verdict(model).line).toContain('(io-saturation → io-stall → hung-task)');
  });
});

describe('a sosreport with timed pmap -x attachments of a known leak (python3, 8 MiB every 10 s from 00:31:06 UTC)', async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const { model } = await analyze([path.join(fx, 'sosmortem-python-leak.tar.xz'), path.join(fx, 'sosmortem-python-leak-attachments')]);
  const r = model.report;
  it('finds the one leak at the rate it ran, from the first snapshot to the last, and nothing else', () => {
    expect(r.findings.map((f) => f.rule)).toEqual(['memory-leak']);
    const f = r.findings[0];
    expect(f?.subject).toMatchObject({ pid: 31113, comm: 'python3' });
    // 8 MiB per 10 s is 48 MiB/min; snapshots a minute apart catch 6 steps each.
    expect(f?.metrics['growthMiBPerMin']).toBeGreaterThan(46);
    expect(f?.metrics['growthMiBPerMin']).toBeLessThan(50);
    expect(f?.metrics['r2']).toBeGreaterThan(0.99);
    expect(f?.metrics['points']).toBe(14);
    expect(f?.window).toEqual({ start: '2026-12-07T00:31:06+00:00', end: '2026-12-07T00:44:07+00:00' });
    expect(f?.evidence.map((e) => e.source)).toContain('attachments/pmap-x-31113-20261207T003106.txt');
  });
  it('projects exhaustion from what sar says was left, not from the host total', () => {
    const f = r.findings[0];
    expect(f?.metrics['headroomKiB']).toBeGreaterThan(20 * 1024 * 1024);
    expect(f?.metrics['headroomKiB']).toBeLessThan(r.bundle.memTotalKiB ?? 0);
    expect(f?.metrics['hoursToExhaustion']).toBeGreaterThan(7);
    expect(f?.metrics['hoursToExhaustion']).toBeLessThan(9);
  });
});

describe('a sosreport taken while a 256 MiB cgroup thrashed swap (03:56:19 → 04:02:19 UTC) on a host with 1 GiB of hugepages reserved and unused', async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const { model } = await analyze([path.join(fx, 'sosmortem-swap-thrash.tar.xz'), path.join(fx, 'sosmortem-swap-thrash-attachments')]);
  const r = model.report;
  const byRule = (rule: string): (typeof r.findings)[number] | undefined => r.findings.find((f) => f.rule === rule);
  it('finds the swap thrash over the window the load ran (sar to collection, the vmstat attachment after it), confined to a cgroup', () => {
    const swap = byRule('swap-thrash');
    expect(swap?.window).toEqual({ start: '2026-12-07T03:56:19+00:00', end: '2026-12-07T04:02:19+00:00' });
    expect(swap?.title).toBe('Swap thrashing: up to 30,345 pages/s in and 30,253 out');
    expect(swap?.metrics['minAvailablePct']).toBeGreaterThan(85);
    expect(swap?.message).toContain('confined to a cgroup');
    expect(swap?.remediation.map((x) => x.action)[0]).toBe('Give the cgroup that swaps the memory its working set needs, or shrink the working set');
  });
  it('tells the mechanism: the swapping stalled the tasks, which then waited on I/O; the stall read at collection is the same episode', () => {
    expect(byRule('memory-stall')?.causes).toEqual([byRule('swap-thrash')?.id]);
    expect(byRule('memory-pressure')?.sameEpisodeAs).toEqual([byRule('memory-stall')?.id]);
    expect(verdict(model).line).toMatch(/^Main bottleneck: memory — Swap thrashing: .*\(swap-thrash → memory-stall → io-stall\)/);
  });
  it('reads each metric from one file where sar and the vmstat attachment overlap, and covers each file over its whole span', () => {
    // Interleaved, sar's runq-sz and vmstat's r zig-zagged: the CPU saturation began 65 s after the load did.
    expect(byRule('cpu-saturation')?.window?.start).toBe('2026-12-07T03:56:09+00:00');
    expect(r.coverage.find((c) => c.source === 'vmstat')).toMatchObject({ from: '2026-12-07T03:55:54+00:00', to: '2026-12-07T04:04:44+00:00' });
  });
  it('finds the 512 unused 2 MiB hugepages, and does not blame them for swapping the host had memory to spare for', () => {
    const huge = byRule('hugepages-unused');
    expect(huge?.metrics).toMatchObject({ pageSizeKiB: 2048, totalPages: 512, freePages: 512, reservedGiB: 1 });
    expect(huge?.effects).toEqual([]);
    expect(huge?.severity).toBe('low');
    // ranked below the high findings it is unrelated to
    expect(r.findings.at(-1)?.rule).toBe('hugepages-unused');
    expect(r.findings.some((f) => f.rule === 'oom-kill')).toBe(false);
  });
});

describe('a sosreport taken inside a 2-node guest while a task on node 0 ran with its memory bound to node 1 (04:03:24 → 04:10:24 UTC)', async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const { model } = await analyze([path.join(fx, 'sosmortem-numa-cross-node.tar.xz')]);
  const r = model.report;
  it("finds node 1, whose memory went to node 0's task, with the counters in the bundle; nothing else", () => {
    expect(r.bundle).toMatchObject({ numaNodes: 2, cpus: 2 });
    expect(r.findings.map((f) => [f.rule, f.subject['node'], f.severity])).toEqual([['numa-cross-node', '1', 'high']]);
    const f = r.findings[0];
    expect(f?.metrics).toMatchObject({ localPages: 83890, otherPages: 5176024 });
    expect(f?.metrics['localityPct']).toBeCloseTo(1.59, 1);
    expect(f?.message).toContain("of the pages allocated from node 1's memory went to tasks running on another node's CPUs");
    expect(model.numa?.find((n) => n.node === '0')?.localityPct).toBeGreaterThan(99);
  });
  it('advises binding the task, not guests it does not have, and does not date a counter since boot to the collection', () => {
    const f = r.findings[0];
    expect(f?.remediation.map((x) => x.action)).toEqual(["Run the tasks that use node 1's memory on node 1's CPUs, or let their memory follow them"]);
    const pm = postmortem(model);
    expect(pm?.trigger).toContain('read at collection: the data gives no start time');
    expect(pm?.summary).toMatch(/^When the bundle was collected \(2026-12-07 04:08:48\)/);
    expect(verdict(model).line).toContain('read at collection (2026-12-07 04:08:48)');
    // a report written before the engine marked it (merge and diff read old reports) says the same
    const old = { ...model, report: { ...r, findings: r.findings.map(({ readAtCollection: _, ...rest }) => rest) } };
    expect('readAtCollection' in (old.report.findings[0] ?? {})).toBe(false);
    expect(postmortem(old)?.summary).toMatch(/^When the bundle was collected \(2026-12-07 04:08:48\)/);
    expect(verdict(old).line).toContain('read at collection (2026-12-07 04:08:48)');
  });
});

describe('a sosreport of a libvirt host whose guests ended three ways: web01 SIGKILLed (04:03:38), db01 panicked (04:05:13), app01 gone with libvirtd (04:06:27)', async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const { model } = await analyze([path.join(fx, 'sosmortem-libvirt-vm-crash.tar.xz')]);
  const r = model.report;
  it('finds the two crashes libvirt logged and the guest whose log just stops, at their times, and nothing else', () => {
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(r.findings.map((f) => [f.rule, f.subject['domain'], f.window?.start])).toEqual([
      ['vm-crash', 'web01', '2026-12-07T04:03:40+00:00'],
      ['vm-crash', 'db01', '2026-12-07T04:05:13+00:00'],
      ['vm-vanished', 'app01', '2026-12-07T04:02:09+00:00'],
    ]);
    expect(r.findings[0]?.title).toBe('Guest web01 crashed (libvirt: reason=crashed)');
    // no signal was logged: no placeholder for one
    expect(r.findings[0]?.metrics).toEqual({ crashes: 1 });
  });
  it('says when the silent guest can have stopped, and what a silent log means with a running libvirtd', () => {
    const gone = r.findings.find((f) => f.rule === 'vm-vanished');
    expect(gone?.message).toContain("it stopped some time in the 5 min 3 s between that line and libvirtd's next start, at 2026-12-07 04:07:12 (libvirtd.log)");
    expect(gone?.message).toContain('most likely the host went down');
    expect(postmortem(model)?.timeline.map((e) => e.what)).toContain("guest app01's log ends, the guest still running");
  });
  it('lists each guest disk once (domain XML and virsh dumpxml both hold it) and the node memory from sysfs', () => {
    for (const g of model.kvm?.guests ?? []) expect(g.disks.map((d) => d.target)).toEqual(['vda']);
    expect(model.kvm?.nodes).toEqual([{ node: '0', cpus: '0-1', sizeMiB: 24105, freeMiB: 19037 }]);
    expect(r.coverage.find((c) => c.source === 'virsh')?.files).toContain('sos_commands/virsh/virsh_-r_freecell');
  });
});

describe("a sosreport taken after a guest's QEMU was killed for memory by a limit on its cgroup (08:02:25 UTC), and earlier paused on a KVM internal error", async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const { model } = await analyze([path.join(fx, 'sosmortem-libvirt-guest-oom.tar.xz')]);
  const r = model.report;
  const oom = r.findings.find((f) => f.rule === 'oom-kill');
  const crash = r.findings.find((f) => f.rule === 'vm-crash');
  it("names the guest whose QEMU the OOM killer ended, and tells it to lift the limit rather than raise a service's MemoryMax", () => {
    expect(r.findings.map((f) => f.rule).sort()).toEqual(['oom-kill', 'vm-crash', 'vm-start-failed']);
    expect(oom?.title).toBe("cgroup OOM kill of guest oom01's QEMU (pid 28476, 322 MiB)");
    expect(oom?.subject).toEqual({ pid: 28476, comm: 'qemu-system-x86', cgroup: '/machine/qemu-4-oom01.libvirt-qemu', domain: 'oom01' });
    expect(oom?.metrics).toMatchObject({ memcg: 1, memcgLimitKiB: 307200 });
    // the guest's size from its domain XML, against the limit that killed it (set by hand on the cgroup, none in the XML)
    expect(oom?.message).toContain('It was the QEMU of guest oom01 (512 MiB of RAM in its domain XML): the guest went down with it');
    expect(oom?.message).toContain("The limit, 300 MiB, was below the guest's own RAM");
    expect(oom?.remediation[0]?.detail).toContain('Its domain XML sets no hard_limit: something else limited the cgroup');
    // the figure the words were drawn from is quoted with the kernel's lines
    expect(oom?.evidence.at(-1)).toEqual({ source: 'etc/libvirt/qemu/oom01.xml', line: 11, text: "  <memory unit='KiB'>524288</memory>" });
    expect(oom?.message).not.toContain('bystander');
    expect(oom?.remediation.map((x) => x.action)).toEqual(['Lift the memory limit that killed guest oom01']);
  });
  it("links the guest's crash to the kill, and says the first stop was a pause on a KVM internal error, not an end", () => {
    expect(crash?.title).toBe('Guest oom01 crashed 2 times (KVM internal error, emulation failure; libvirt: reason=crashed)');
    expect(crash?.causes).toEqual([oom?.id]);
    // the kill is raised to the crash's severity and ranks with it, the crash just below: not a critical
    // pair scored 70 and 69, under any unrelated high finding
    expect([oom?.severity, crash?.severity]).toEqual(['critical', 'critical']);
    expect(oom?.score).toBe((crash?.score ?? 0) + 1);
    expect(oom?.score).toBeGreaterThanOrEqual(85);
    expect(crash?.reasoning.join(' ')).toContain("The OOM killer killed the guest's QEMU process");
    expect(crash?.message).toContain('QEMU paused the guest, which stays frozen, its QEMU still running');
    // the kill is dated by the kernel's clock, 23 s before sos ran: an event, not a state read at collection
    expect(oom?.window?.start).toBe('2026-12-07T08:02:25+00:00');
    expect(oom?.readAtCollection).toBeUndefined();
    const pm = postmortem(model);
    expect(pm?.timeline.map((e) => e.what)).toContain("cgroup OOM kill of guest oom01's QEMU (pid 28476, 322 MiB)");
    expect(pm?.timeline.filter((e) => e.what.startsWith('guest oom01 stopped')).map((e) => e.what)).toEqual([
      'guest oom01 stopped (reason=failed)',
      'guest oom01 stopped (reason=destroyed)',
      'guest oom01 stopped (reason=destroyed)',
    ]);
  });
  it('says how to collect what sos left out here (no sar plugin): sysstat, once, for every rule that needed it', () => {
    const sar = collectHints(r.analysis.checks).find((h) => h.hint.includes('systemctl enable --now sysstat'));
    expect(sar?.rules).toEqual(['cpu-saturation', 'cpu-steal', 'memory-leak-system', 'swap-thrash', 'io-saturation']);
  });
  it('reports the first start, refused by the locked-memory limit of <memtune><hard_limit> (07:57:50), as a failed start the guest recovered from', () => {
    const failed = r.findings.find((f) => f.rule === 'vm-start-failed');
    expect(failed?.title).toBe('Guest oom01 failed to start: its locked-memory limit could not be set');
    expect(failed?.severity).toBe('low');
    expect(failed?.window?.start).toBe('2026-12-07T07:57:50+00:00');
    expect(failed?.metrics).toMatchObject({ failures: 1, laterStarts: 3 });
    expect(failed?.evidence.map((e) => e.text)).toEqual([
      'libvirt:  error : cannot limit locked memory of process 28184 to 314572800: Operation not permitted',
      '2026-12-07 07:57:50.073+0000: shutting down, reason=failed',
    ]);
  });
});

describe('a sosreport taken while a loop device failed reads and writes at known sectors (04:29:27 → 04:36:57 UTC)', async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const { model } = await analyze([path.join(fx, 'sosmortem-disk-errors.tar.xz'), path.join(fx, 'sosmortem-disk-errors-attachments')]);
  const r = model.report;
  it('counts the failed requests, the rate-limited ones and what followed, from the first real failure, not from mkfs probing DISCARD', () => {
    expect(r.findings.map((f) => f.rule)).toEqual(['disk-errors', 'fs-errors']);
    const f = r.findings[0];
    expect(f?.subject).toEqual({ device: 'loop0' });
    expect(f?.window?.start).toBe('2026-12-07T04:29:27+00:00');
    expect(f?.metrics).toMatchObject({ requests: 51, bufferErrors: 17, fsErrors: 10, suppressed: 272 });
    // the bad ranges were 304-311, 307200-307455 and 400000-400999 (a readahead from 264 took in 304)
    expect(f?.metrics['firstSector']).toBe(264);
    expect(f?.metrics['lastSector']).toBeLessThan(401000);
    expect(f?.evidence.some((e) => e.text.includes('operation not supported'))).toBe(false);
    expect(f?.message).toContain('(unable to read itable block)');
  });
  it("reads ext4's own record of the errors from dumpe2fs -h, as what the failed requests led to", () => {
    const fs = r.findings.find((f) => f.rule === 'fs-errors');
    expect(fs?.metrics).toMatchObject({ errors: 16, firstErrorBlock: 38 });
    expect(fs?.title).toBe('ext4 on loop0 has recorded 16 errors, the last on 2026-12-07 04:32:14');
    expect(fs?.causes).toEqual([r.findings[0]?.id]);
    expect(fs?.remediation.map((x) => x.action)).toContain('Make ext4 stop writing after an error: mount with errors=remount-ro');
    // read at collection, it does not stretch the impact past the failures
    expect(verdict(model).line).toContain('impact 2026-12-07 04:29:27 → 04:36:56');
    // the superblock's error time, on the host's clock, takes its place in the postmortem's timeline
    expect(postmortem(model)?.timeline).toContainEqual({
      time: '2026-12-07 04:32:14',
      what: 'ext4 on loop0 recorded its first and last error (in __ext4_get_inode_loc_noinmem, EIO)',
    });
  });
  it('draws how often the errors came, per minute, every line counted once', () => {
    const rate = model.findingCharts.filter((c) => c.findingId === r.findings[0]?.id);
    expect(rate.map((c) => c.title)).toEqual(['I/O errors per 1 min']);
    expect(rate[0]?.series[0]?.labels).toEqual({ device: 'loop0' });
    const points = rate[0]?.series[0]?.points ?? [];
    expect(points.reduce((n, [, v]) => n + v, 0)).toBe(r.findings[0]?.metrics['errors']);
    expect(points.length).toBe(8);
    expect(new Date(points[0]?.[0] ?? 0).toISOString()).toBe('2026-12-07T04:29:00.000Z');
    // beside them, what the rate limit dropped, at the minute it said so
    expect(rate[0]?.series.map((s) => [s.metric, s.labels])).toEqual([
      ['io-error', { device: 'loop0' }],
      ['io-error (rate-limited)', { device: 'loop0' }],
    ]);
    expect((rate[0]?.series[1]?.points ?? []).reduce((n, [, v]) => n + v, 0)).toBe(r.findings[0]?.metrics['suppressed']);
  });
  it('advises looking at the file behind a loop device, not at SMART', () => {
    expect(r.findings[0]?.remediation.map((x) => x.action)[0]).toBe('Check the file behind loop0, its filesystem and its disk');
  });
});

describe('a sosreport taken during a host-wide leak of 240 MiB/min from 04:35:18 UTC, beside page-cache growth that is no leak', async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const { model } = await analyze([path.join(fx, 'sosmortem-host-leak.tar.xz')]);
  const r = model.report;
  it("finds the leak from sar alone at its rate, from when it began (not from sar's first sample, 1 min 50 s before), and nothing else", () => {
    expect(r.findings.map((f) => f.rule)).toEqual(['memory-leak-system']);
    const f = r.findings[0];
    expect(f?.metrics['growthMiBPerMin']).toBeGreaterThan(240 * 0.97);
    expect(f?.metrics['growthMiBPerMin']).toBeLessThan(240 * 1.03);
    // sar samples every 10 s: the onset is the sample before or at the leak's start
    expect(Date.parse(f?.window?.start ?? '')).toBeGreaterThanOrEqual(Date.parse('2026-12-07T04:35:08Z'));
    expect(Date.parse(f?.window?.start ?? '')).toBeLessThanOrEqual(Date.parse('2026-12-07T04:35:18Z'));
    expect(f?.window?.end).toBe('2026-12-07T05:08:08+00:00');
    // R² 0.98 over 33 min reads "high", not "medium (79%)"
    expect(f?.confidence).toBeGreaterThanOrEqual(0.8);
  });
});

describe('a sosreport taken with memory fragmented by mlocked pages and THP set to always (9,753 direct compactions, 05:25:15 → collection)', async () => {
  const fx = path.resolve(import.meta.dirname, '../fixtures/sosreport-archives');
  const { model } = await analyze([path.join(fx, 'sosmortem-fragmented-thp.tar.xz')]);
  const r = model.report;
  const byRule = (rule: string): (typeof r.findings)[number] | undefined => r.findings.find((f) => f.rule === rule);
  it('finds the fragmented Normal zone and the THP stalls it caused, as one incident, high', () => {
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['memory-fragmentation', 'high'],
      ['thp-compaction-stall', 'high'],
    ]);
    expect(byRule('memory-fragmentation')?.metrics).toMatchObject({ highOrderBlocks: 0, order0Blocks: 2200316, compactFailed: 9748, thpFallbacks: 3338 });
    expect(byRule('memory-fragmentation')?.metrics['freeMiB']).toBeCloseTo(8665.4, 0);
    expect(byRule('thp-compaction-stall')?.metrics['compactStall']).toBe(9753);
    expect(byRule('thp-compaction-stall')?.causes).toEqual([byRule('memory-fragmentation')?.id]);
  });
  it('says compaction cannot help while locked pages may not move, instead of advising compact_memory', () => {
    const frag = byRule('memory-fragmentation');
    expect(frag?.message).toContain('vm.compact_unevictable_allowed is 0');
    expect(frag?.remediation.map((x) => x.action)[0]).toBe('Find what holds memory locked, or let compaction move locked pages');
    expect(frag?.remediation.map((x) => x.action)).not.toContain('Compact memory now, and keep a larger reserve of free blocks');
    // sos does not collect THP's defrag: the rollback must not invent the old value
    expect(byRule('thp-compaction-stall')?.remediation[0]?.rollback).toContain('the bundle does not have it');
  });
});

describe("a sosreport taken after a guest's QEMU segfaulted (libvirt 9.0, QEMU 7.2; the fault at 10:50:09, reason=crashed at 10:50:11 UTC)", async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-libvirt-qemu-segfault.tar.xz')]);
  const r = model.report;
  it("names the guest whose QEMU crashed, from the kernel's fault line and libvirt's crash line, linked as cause and effect", () => {
    expect(r.findings.map((f) => f.rule)).toEqual(['qemu-segfault', 'vm-crash']);
    const [fault, crash] = r.findings;
    expect(fault?.title).toBe('QEMU of guest seg01 crashed: qemu-system-x86 (pid 28212) killed by a segfault');
    expect(fault?.subject).toEqual({ pid: 28212, comm: 'qemu-system-x86', domain: 'seg01' });
    expect(fault?.window?.start).toBe('2026-12-07T10:50:09+00:00');
    expect(fault?.message).toContain('QEMU jumped to a bad address');
    expect(crash?.causes).toEqual([fault?.id]);
    expect(crash?.reasoning.join(' ')).toContain('QEMU itself crashed');
    expect(fault?.remediation[0]?.detail).toContain('started with QEMU 7.2.22Debian 1:7.2+dfsg-7+deb12u18+b3');
  });
  it('takes the python3 segfault half a minute before for no crash of a guest', () => {
    expect(model.events.filter((e) => e.type === 'segfault').map((e) => e.labels['comm'])).toEqual(['python3', 'qemu-system-x86']);
    expect(r.findings.some((f) => f.subject['comm'] === 'python3')).toBe(false);
    // told in the postmortem's timeline as what else happened; QEMU's fault once, as its finding
    expect(postmortem(model)?.timeline.map((e) => `${e.time} ${e.what}`)).toEqual([
      '2026-12-07 10:49:38 python3 killed by a segfault',
      '2026-12-07 10:49:58 guest seg01 started',
      '2026-12-07 10:50:09 QEMU of guest seg01 crashed: qemu-system-x86 (pid 28212) killed by a segfault',
      '2026-12-07 10:50:11 Guest seg01 crashed (libvirt: reason=crashed)',
    ]);
  });
});

describe('a sosreport whose kernel lines are in dmesg, syslog and kern.log at once (rsyslog started hours after the events; SOURCES-sosreport-trees.md)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-kernel-logs-twice.tar.xz')]);
  const r = model.report;
  const titles = r.findings.map((f) => f.title);
  it('counts each kernel event once, and the kills only syslog kept (the ring buffer had lost them) too', () => {
    // each copy counted, the old reading was 363 requests, 323 kills, 30 reports, 3 and 3 kills
    expect(titles).toEqual([
      'I/O errors on loop0: 121 failed requests logged (2,287 more messages dropped) in 78 min',
      'cgroup OOM kills of stress-ng-vm, stress-ng, python3 and 1 more in /thrash (109 kills, up to 31.8 MiB each)',
      'dd hung in D state 10 times, waiting on block I/O',
      "cgroup OOM kill of guest oom01's QEMU (pid 28476, 322 MiB)",
      'cgroup OOM kill of python3 (pid 363, 70.1 MiB)',
      'QEMU crashed: qemu-system-x86 (pid 28212) killed by a segfault',
    ]);
    expect(r.diagnostics.filter((d) => d.message.includes('counted once')).map((d) => d.source)).toEqual(['var/log/kern.log', 'var/log/syslog']);
  });
  it("dates what rsyslog wrote down late by the kernel's own stamp, not by rsyslog's start", () => {
    // rsyslog stamped the whole ring buffer 12:58:27; the /thrash kills were at 8 151–8 853 s after the 23:32:25 boot
    const thrash = r.findings.find((f) => f.subject.cgroup === '/thrash');
    expect(thrash?.window).toEqual({ start: '2026-12-07T01:48:16+00:00', end: '2026-12-07T01:59:58+00:00' });
    expect(r.findings.find((f) => f.rule === 'qemu-segfault')?.window?.start).toBe('2026-12-07T10:50:09+00:00');
    expect(
      r.diagnostics.some((d) => d.source === 'timeline' && /^588 kernel events were written to a log later than the kernel stamped them/.test(d.message)),
    ).toBe(true);
  });
  it("says under a late line's quote that its stamp is the log's, not the kernel's", () => {
    const thrash = r.findings.find((f) => f.subject.cgroup === '/thrash');
    const late = thrash?.evidence.find((e) => e.source === 'var/log/kern.log' && e.text.includes('[ 8151.035970] Memory cgroup out of memory'));
    expect(late?.text.startsWith('2026-12-07T12:58:27')).toBe(true);
    expect(late?.note).toBe(
      'written to this log at 2026-12-07 12:58:27, 11 h 10 min after the kernel stamped the event [8151.035970] = 2026-12-07 01:48:16, the time it is placed at',
    );
    // a line of the ring buffer, stamped by the kernel alone, needs no note
    const dmesg = r.findings.find((f) => f.rule === 'qemu-segfault')?.evidence ?? [];
    expect(dmesg.length).toBeGreaterThan(0);
    expect(dmesg.every((e) => e.note === undefined)).toBe(true);
  });
});

describe('a sosreport of a host with two hugepage pools (2 MiB and 1 GiB) and three guests on them, one shut off', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-hugepages-pools.tar.xz')]);
  const r = model.report;
  const pool = (p: string): (typeof r.findings)[number] | undefined => r.findings.find((f) => f.subject.pool === p);
  it('reports each pool apart, the 1 GiB one that meminfo does not show included', () => {
    expect(r.findings.map((f) => [f.rule, f.subject.pool, f.severity])).toEqual([
      ['hugepages-unused', 'hugepages-1048576kB', 'low'],
      ['hugepages-unused', 'hugepages-2048kB', 'low'],
    ]);
    expect(pool('hugepages-1048576kB')?.metrics).toMatchObject({ totalPages: 2, freePages: 1, keepPages: 1, spareGiB: 1, hugepageGuests: 1 });
    expect(pool('hugepages-1048576kB')?.message).toContain('a pool that /proc/meminfo does not count');
    expect(pool('hugepages-1048576kB')?.evidence[0]?.source).toBe('sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages');
  });
  it("keeps the shut-off guest's pages: shrinking to what was mapped would have left hp02 unable to start", () => {
    const small = pool('hugepages-2048kB');
    // 256 pages mapped by hp01 (512 MiB, running) and 256 that hp02 (512 MiB, shut off) needs again; each guest counted once across its XML, live XML and dumpxml
    expect(small?.metrics).toMatchObject({
      totalPages: 1024,
      freePages: 768,
      usedPages: 256,
      hugepageGuests: 2,
      idleGuests: 1,
      idleGuestPages: 256,
      keepPages: 512,
      spareGiB: 1,
      unusedGiB: 1.5,
    });
    expect(small?.message).toContain('Shut off, hp02 need(s) 256 of the free pages');
    expect(small?.remediation[0]?.detail).toContain('sysctl -w vm.nr_hugepages=512');
    expect(pool('hugepages-1048576kB')?.remediation[0]?.detail).toContain('echo 1 > /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages');
  });
});

describe('a sosreport taken after a guest on 2 MiB hugepages failed to start twice: 1 GiB of RAM, a pool of 256 pages (14:26:07 and 14:26:31 UTC)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-libvirt-hugepages-start-failed.tar.xz')]);
  const r = model.report;
  it('reports the guest down for want of hugepages, with how many it needs against the pool, and nothing else', () => {
    expect(r.findings.map((f) => [f.rule, f.severity, f.title])).toEqual([
      ['vm-start-failed', 'high', 'Guest hpbig failed to start 2 times: not enough free 2 MiB hugepages for its RAM'],
    ]);
    const f = r.findings[0];
    expect(f?.window).toEqual({ start: '2026-12-07T14:26:09+00:00', end: '2026-12-07T14:26:33+00:00' });
    expect(f?.metrics).toMatchObject({
      failures: 2,
      laterStarts: 0,
      runningAtCollection: 0,
      neededPages: 512,
      poolPages: 256,
      freePages: 256,
      shortPages: 256,
    });
    expect(f?.message).toContain(
      'needs 512 pages; at collection the pool had 256 pages, 256 of them free, 256 too few. It was still down at collection (virsh list).',
    );
    expect(f?.evidence[0]?.text).toBe('2026-12-07T14:26:07.857912Z qemu-system-x86_64: unable to map backing store for guest RAM: Cannot allocate memory');
  });
  it('advises growing the pool to what the guest needs, with the sysfs path of its page size', () => {
    expect(r.findings[0]?.remediation[0]?.detail).toContain('echo 512 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages');
  });
});

describe('a sosreport taken after two guests failed to start: lk02 on the image lk01 had open (14:34:53), mf01 on a missing image, refused by libvirt itself (14:34:54)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-libvirt-start-refused.tar.xz')]);
  const r = model.report;
  const of = (domain: string): (typeof r.findings)[number] | undefined => r.findings.find((f) => f.subject.domain === domain);
  it('names the guest whose domain XML holds the locked image, from the image QEMU names on the line after its error', () => {
    expect(r.findings.map((f) => [f.rule, f.subject.domain, f.severity])).toEqual([
      ['vm-start-failed', 'lk02', 'high'],
      ['vm-start-failed', 'mf01', 'high'],
    ]);
    expect(of('lk02')?.title).toBe('Guest lk02 failed to start: a disk image is locked by another process');
    expect(of('lk02')?.message).toContain('another process held the lock: the domain XML of lk01 has the same image as a disk.');
    // QEMU's error, the image it names, the failed start; and virsh's row that says it was still down
    expect(of('lk02')?.evidence.map((e) => `${e.source}:${e.line}`)).toEqual(['var/log/libvirt/qemu/lk02.log:44', 'var/log/libvirt/qemu/lk02.log:45', 'var/log/libvirt/qemu/lk02.log:46', 'sos_commands/virsh/virsh_-r_list_--all:4']);
    expect(of('lk02')?.evidence[3]?.text.trim()).toBe('-    lk02   shut off');
    expect(of('lk02')?.remediation[0]?.detail).toContain('fuser -v /var/lib/libvirt/images/shared.qcow2');
  });
  it("takes the error of a start libvirt refused before QEMU ran from libvirtd's log, and quotes it", () => {
    // the guest's own log holds only "shutting down, reason=failed", with no "starting up" before it
    const mf = of('mf01');
    expect(mf?.title).toBe('Guest mf01 failed to start: a file it needs cannot be accessed');
    expect(mf?.message).toContain("libvirtd logged at that moment: Cannot access storage file '/var/lib/libvirt/images/missing.qcow2' (as uid:64055, gid:64055): No such file or directory");
    expect(mf?.evidence.map((e) => `${e.source}:${e.line}`)).toEqual(['var/log/libvirt/qemu/mf01.log:1', 'var/log/libvirt/libvirtd.log:14', 'sos_commands/virsh/virsh_-r_list_--all:5']);
  });
});

describe('a sosreport taken after a 16 GiB guest failed to start under strict overcommit (vm.overcommit_memory=2, CommitLimit 11.8 GiB, 22.9 GiB available; 14:38:37 UTC)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-libvirt-strict-overcommit.tar.xz')]);
  const f = model.report.findings[0];
  it('blames the commit limit, not a want of memory, and says the ratio that would hold the guest', () => {
    expect(model.report.findings.map((x) => x.title)).toEqual(['Guest big01 failed to start: strict overcommit refused its RAM']);
    expect(f?.metrics).toMatchObject({ strictOvercommit: 1, commitLimitKiB: 12341884, committedKiB: 462036, guestKiB: 16777216, neededRatioPct: 70 });
    expect(f?.message).toContain('the host runs with strict overcommit (vm.overcommit_memory=2)');
    expect(f?.remediation.map((r) => r.action)).toEqual(["Raise the commit limit past the guest's memory, or give the guest less"]);
    expect(f?.remediation[0]?.detail).toContain('sysctl -w vm.overcommit_ratio=70');
    expect(f?.evidence.map((e) => e.text)).toContain('vm.overcommit_memory = 2');
  });
});

describe('a sosreport taken while a guest was paused because the filesystem under its qcow2 filled up (15:03, a 128 MiB ext4; nothing logged it)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-libvirt-paused-enospc.tar.xz')]);
  const f = model.report.findings[0];
  it("finds the paused guest from libvirt's live status, and the full filesystem from df and the image's path", () => {
    expect(model.report.findings.map((x) => [x.rule, x.severity, x.title])).toEqual([['vm-frozen', 'high', 'Guest fill01 paused on a disk I/O error: /var/lib/libvirt/images/small is full']]);
    expect(f?.metrics).toEqual({ fsUsedPct: 100, fsAvailKiB: 44, fsFull: 1 });
    expect(f?.message).toContain('Its image /var/lib/libvirt/images/small/fill01.qcow2 lies on /var/lib/libvirt/images/small, 100% full with 44 KiB available');
    expect(f?.evidence.map((e) => e.text.trim())).toEqual([
      '<name>fill01</name>',
      "<domstatus state='paused' reason='ioerror' pid='3186'>",
      '1    fill01   paused',
      '/dev/loop0                 117203   107985        44 100% /var/lib/libvirt/images/small',
    ]);
    expect(f?.remediation[0]?.detail).toContain('virsh resume fill01');
    // the guest inventory gives the reason beside the state
    expect(model.kvm?.guests.map((g) => [g.domain, g.state, g.stateReason, g.fullestDiskMount])).toEqual([['fill01', 'paused', 'ioerror', '/var/lib/libvirt/images/small']]);
  });
});

describe("a sosreport taken after a guest's kernel panicked under <on_crash>preserve</on_crash> (15:21:52; pvpanic told QEMU, nothing was logged)", async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-libvirt-panic-preserved.tar.xz')]);
  it("finds the guest kept frozen from libvirt's live status and virsh list, and says to take its dump", () => {
    const f = model.report.findings[0];
    expect(model.report.findings.map((x) => [x.rule, x.severity, x.title])).toEqual([['vm-frozen', 'high', 'Guest pan01 crashed (its kernel panicked) and is kept frozen (on_crash preserve)']]);
    expect(f?.evidence.map((e) => e.text.trim())).toContain("<domstatus state='crashed' reason='panicked' pid='20565'>");
    // the settings its words were drawn from, read as text, are quoted where their lines show them
    expect(f?.evidence.map((e) => e.text.trim())).toEqual(expect.arrayContaining(['1    pan01   crashed', '<on_crash>preserve</on_crash>']));
    expect(f?.remediation.map((r) => r.action)).toEqual(['Take the dump the guest was kept for, then reset it']);
    expect(f?.metrics).toEqual({});
  });
});

describe('a sosreport of a host whose hugepage pool was grown at run time past what its sysctl files give (real capture)', async () => {
  const { model, timeline } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-hugepages-not-persistent.tar.xz')]);
  const r = model.report;
  it('tells before the reboot that the guests would not start after it', () => {
    expect(r.findings.map((f) => [f.rule, f.subject.pool, f.severity])).toEqual([['hugepages-not-persistent', 'hugepages-2048kB', 'high']]);
    const f = r.findings[0];
    // 512 pages at run time (sysctl -w), 64 in etc/sysctl.d/80-hugepages.conf; hpp01 (256 MiB) running, hpp02 (512 MiB) shut off
    expect(f?.metrics).toMatchObject({ totalPages: 512, bootPages: 64, usedPages: 128, idleGuestPages: 256, allGuestPages: 384, neededPages: 384, shortPages: 320 });
    expect(f?.message).toContain('vm.nr_hugepages in the sysctl files');
    expect(f?.evidence.map((e) => `${e.source}:${e.line}`)).toContain('etc/sysctl.d/80-hugepages.conf:2');
    expect(f?.remediation[0]?.action).toBe('Write the pool down: vm.nr_hugepages = 512 in /etc/sysctl.d/');
  });
  it('settles the boot settings as systemd-sysctl would: the link 99-sysctl.conf and a sysctl.conf of comments change nothing', () => {
    expect(timeline.facts.filter((f) => f.name === 'sysctl.boot.vm.nr_hugepages').map((f) => f.value)).toEqual([64]);
  });
  it('lists the settings the next boot changes: the pool set at run time, and the systemd files no systemd-sysctl applied on this host', async () => {
    expect(r.analysis.settings?.compared).toBe(6);
    expect(r.analysis.settings?.drift.map((d) => [d.key, d.running, d.atBoot, `${d.source}:${d.line}`])).toEqual([
      ['fs.protected_fifos', '0', '1', 'usr/lib/sysctl.d/99-protect-links.conf:7'],
      ['fs.protected_regular', '0', '2', 'usr/lib/sysctl.d/99-protect-links.conf:9'],
      ['fs.protected_symlinks', '0', '1', 'usr/lib/sysctl.d/99-protect-links.conf:10'],
      ['kernel.pid_max', '32768', '4194304', 'usr/lib/sysctl.d/50-pid-max.conf:16'],
      ['vm.nr_hugepages', '512', '64', 'etc/sysctl.d/80-hugepages.conf:2'],
    ]);
    const md = renderMarkdown(model);
    expect(md).toContain('| `kernel.pid_max` | `32768` | `4194304` | `usr/lib/sysctl.d/50-pid-max.conf:16` |');
    expect(md).toContain('6 kernel setting(s) named in sysctl.conf and sysctl.d were compared with their running values (sysctl -a): 5 differ.');
    const html = await renderHtml(model);
    expect(html).toContain('<h1 id="settings">Kernel settings at the next boot</h1>');
    expect(html).toContain('<td class="mono">vm.nr_hugepages</td><td class="mono">512</td><td class="mono">64</td>');
  });
});

describe('a sosreport of a host whose running guest took the hugepages a shut-off guest on autostart needs (real capture)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-hugepages-guest-short.tar.xz')]);
  const r = model.report;
  it('tells before anyone starts it that hps02 cannot start, and not hps03, which fits (both checked with virsh start after the capture)', () => {
    expect(r.findings.map((f) => [f.rule, f.subject.domain, f.severity])).toEqual([['vm-hugepages-short', 'hps02', 'high']]);
    const f = r.findings[0];
    // a pool of 300 pages of 2 MiB, 172 free after hps01 (256 MiB) took 128; hps02 needs 256, hps03 64
    expect(f?.metrics).toMatchObject({ neededPages: 256, poolPages: 300, freePages: 172, availablePages: 172, shortPages: 84, autostart: 1, idlePages: 320, allGuestPages: 448 });
    expect(f?.title).toBe('Guest hps02 cannot start, though set to autostart: it needs 256 free 2 MiB hugepages, 172 are free');
    // virsh's own lines: the guest shut off, its autostart, and the free count
    expect(f?.evidence.map((e) => `${e.source}: ${e.text.trim()}`)).toEqual(
      expect.arrayContaining([
        'sos_commands/virsh/virsh_-r_list_--all: -    hps02   shut off',
        'sos_commands/virsh/virsh_-r_dominfo_hps02: Autostart:      enable',
        'sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages: 172',
      ]),
    );
    expect(f?.remediation[0]?.detail).toContain('echo 384 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages');
  });
});

describe('a sosreport of a host on the TuneD profile virtual-host, one of its settings changed at run time (real capture)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-tuned-virtual-host.tar.xz')]);
  const settings = model.report.analysis.settings;
  it("counts the profile's settings as the next boot's: the swappiness a runbook set at run time goes back to the profile's 10", () => {
    expect(settings?.tunedProfile).toBe('virtual-host');
    expect(settings?.drift.map((d) => [d.key, d.running, d.atBoot, `${d.source}:${d.line}`])).toEqual([
      ['fs.protected_fifos', '0', '1', 'usr/lib/sysctl.d/99-protect-links.conf:7'],
      ['fs.protected_regular', '0', '2', 'usr/lib/sysctl.d/99-protect-links.conf:9'],
      ['fs.protected_symlinks', '0', '1', 'usr/lib/sysctl.d/99-protect-links.conf:10'],
      ['kernel.pid_max', '32768', '4194304', 'usr/lib/sysctl.d/50-pid-max.conf:16'],
      ['vm.swappiness', '60', '10', 'usr/lib/tuned/throughput-performance/tuned.conf:59'],
    ]);
    // vm.dirty_ratio: the profile says 40, 70-writeback.conf 30, and TuneD re-applied the file (30 running);
    // vm.dirty_background_ratio: virtual-host's 5 over throughput-performance's 10; somaxconn: at least 2048
    expect(settings?.compared).toBe(9);
    expect(renderMarkdown(model)).toContain('named in sysctl.conf, sysctl.d and the TuneD profile virtual-host (with the profiles it includes; where both name a key, the sysctl files win');
  });
});

describe('a sosreport of a host whose ext4 volume stopped writes after an error (real capture, Linux 6.18: rw,emergency_ro)', async () => {
  const { model } = await analyze([path.resolve(import.meta.dirname, '../fixtures/sosreport-archives/sosmortem-fs-emergency-ro.tar.xz')]);
  const r = model.report;
  it('says the volume is read-only though fstab mounts it read-write, caused by the errors the kernel logged', () => {
    expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['disk-errors', 'critical'],
      ['fs-readonly', 'high'],
      ['fs-errors', 'medium'],
    ]);
    const ro = r.findings.find((f) => f.rule === 'fs-readonly');
    expect(ro?.title).toBe('/srv/data is read-only: ext4 stopped writes after an error, though /etc/fstab mounts it read-write');
    expect(ro?.subject).toEqual({ device: 'loop0', mount: '/srv/data' });
    expect(ro?.metrics).toEqual({ emergency: 1, stopsLogged: 1, superblockErrors: 1 });
    expect(ro?.evidence.map((e) => `${e.source}:${e.line}`)).toEqual(
      expect.arrayContaining(['sos_commands/filesys/mount_-l:24', 'etc/fstab:3', 'sos_commands/filesys/dumpe2fs_-h_.dev.loop0:47']),
    );
    const disk = r.findings.find((f) => f.rule === 'disk-errors');
    // no failed request, only the filesystem's own errors: said so, not "I/O errors"
    expect(disk?.title).toBe('Filesystem errors on loop0: 2, writes stopped');
    expect(ro?.causes).toEqual([disk?.id]);
    expect(ro?.remediation[0]?.detail).toContain('e2fsck -f /dev/loop0');
  });
});
