/**
 * The record store keeps samples in growable typed columns and the timeline
 * places them once per distinct local time: both must be invisible in the
 * results (same points, same order, same instants).
 */
import { describe, expect, it } from 'vitest';
import { rulesNeedPerCpu } from '../../src/analyze.js';
import { loadRules } from '../../src/rules/loader.js';
import { Clock, localToUtc, parseZone } from '../../src/timeline/clock.js';
import { RecordStore } from '../../src/timeline/store.js';
import { buildTimeline } from '../../src/timeline/timeline.js';

const paris = parseZone('Europe/Paris');

describe('RecordStore and buildTimeline', () => {
  it('places series that share their raw instants once, and never reuses them across time bases or other instants', () => {
    if (!paris) throw new Error('no Europe/Paris zone');
    const store = new RecordStore();
    const day = Date.UTC(2026, 9, 25);
    const sink = store.sinkFor('sar25', 'sar');
    const all = { cpu: 'all' };
    for (let i = 0; i < 300; i++) {
      const t = day + i * 60_000;
      sink.sample('cpu.userPct', all, 'local', t, 1, i + 1);
      sink.sample('cpu.idlePct', all, 'local', t, 2, i + 1);
      sink.sample('cpu.iowaitPct', all, 'utc', t, 3, i + 1);
      sink.sample('cpu.stealPct', all, 'local', t + 30_000, 4, i + 1);
    }
    const clock = new Clock(paris, null, null);
    const tl = buildTimeline(store, clock, []);
    const expected = (timeBase: 'local' | 'utc', shift: number): number[] => Array.from({ length: 300 }, (_, i) => clock.place(timeBase, day + i * 60_000 + shift) as number);
    expect([...(tl.seriesOf('cpu.userPct')[0]?.t ?? [])]).toEqual(expected('local', 0));
    expect([...(tl.seriesOf('cpu.idlePct')[0]?.t ?? [])]).toEqual(expected('local', 0));
    expect([...(tl.seriesOf('cpu.iowaitPct')[0]?.t ?? [])]).toEqual(expected('utc', 0));
    expect([...(tl.seriesOf('cpu.stealPct')[0]?.t ?? [])]).toEqual(expected('local', 30_000));
    // the DST change at 03:00 CEST on Oct 25 is inside the window: local and UTC differ by 2 h, then 1 h
    expect(tl.seriesOf('cpu.userPct')[0]?.t[0]).toBe(Date.UTC(2026, 9, 24, 22));
  });

  it('keeps every point of a series that outgrows its first columns, across files, on absolute time', () => {
    if (!paris) throw new Error('no Europe/Paris zone');
    const store = new RecordStore();
    const day = Date.UTC(2026, 9, 24);
    // Two sar days given newest first: the merged series must still come out sorted, DST change included (Oct 25).
    for (const [file, start] of [['sar25', day + 86400_000], ['sar24', day]] as const) {
      const sink = store.sinkFor(file, 'sar');
      const all = { cpu: 'all' };
      for (let i = 0; i < 1440; i++) {
        const t = start + i * 60_000;
        sink.sample('cpu.userPct', all, 'local', t, i % 100, i + 3);
        sink.sample('cpu.idlePct', all, 'local', t, 100 - (i % 100), i + 3);
      }
    }
    const tl = buildTimeline(store, new Clock(paris, null, null), []);
    const [user] = tl.seriesOf('cpu.userPct');
    expect(user?.t.length).toBe(2880);
    expect(user?.labels).toEqual({ cpu: 'all' });
    const t = user?.t ?? new Float64Array();
    for (let i = 1; i < t.length; i++) expect(t[i] as number).toBeGreaterThanOrEqual(t[i - 1] as number);
    expect(user?.t[0]).toBe(localToUtc(paris, day));
    expect(user?.file[0]).toBe(1);
    expect(user?.line[0]).toBe(3);
    expect(user?.v[1439]).toBe(1439 % 100);
    // 01:00 local on Oct 25 is still CEST (+2), 04:00 is CET (+1): each placed time is what the clock says alone.
    expect(user?.t[1440 + 60]).toBe(Date.UTC(2026, 9, 24, 23));
    expect(user?.t[1440 + 240]).toBe(Date.UTC(2026, 9, 25, 3));
    expect(store.files.map((f) => f.records)).toEqual([2880, 2880]);
  });

  it('keeps series apart by labels even when the parser reuses one labels object', () => {
    const store = new RecordStore();
    const sink = store.sinkFor('sar01', 'sar');
    const sda = { device: 'sda' };
    sink.sample('disk.utilPct', sda, 'utc', 1000, 10, 1);
    sink.sample('disk.awaitMs', sda, 'utc', 1000, 1, 1);
    sink.sample('disk.utilPct', { device: 'sdb' }, 'utc', 1000, 20, 2);
    sink.sample('disk.utilPct', sda, 'utc', 2000, 11, 3);
    const tl = buildTimeline(store, new Clock(parseZone('UTC') ?? { kind: 'fixed', offsetMin: 0, label: '+00:00' }, null, null), []);
    expect(tl.seriesOf('disk.utilPct').map((s) => [s.labels['device'], s.v[0]])).toEqual([
      ['sda', 10],
      ['sdb', 20],
    ]);
    expect([...(tl.seriesOf('disk.utilPct')[0]?.v ?? [])]).toEqual([10, 11]);
    expect(tl.seriesOf('disk.awaitMs')).toHaveLength(1);
  });
});

describe('rulesNeedPerCpu', () => {
  it('is false for the built-in rules, which read only cpu=all', async () => {
    const { rules } = await loadRules([]);
    expect(rules.length).toBeGreaterThan(5);
    expect(rulesNeedPerCpu(rules)).toBe(false);
  });

  it('is true once a rule groups a cpu signal by cpu', async () => {
    const { rules } = await loadRules([]);
    const steal = rules.find((r) => r.id === 'cpu-steal');
    if (!steal || steal.detect.kind !== 'threshold') throw new Error('cpu-steal threshold rule expected');
    expect(rulesNeedPerCpu([{ ...steal, detect: { ...steal.detect, groupBy: 'cpu' } }])).toBe(true);
    expect(rulesNeedPerCpu([{ ...steal, detect: { ...steal.detect, signals: { steal: 'cpu.stealPct' } } }])).toBe(true);
  });
});
