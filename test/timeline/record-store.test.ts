/**
 * The record store as the parsers drive it. Each sink guesses the series of a
 * sample from the one that followed the previous sample last time (a sar
 * file repeats the same cycle of columns and devices row after row), new
 * series start in columns carved from shared slabs, and columns grow
 * geometrically. None of it may show: the raw series must be those of a
 * plain grouping of the same calls, in first-seen order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Labels, TimeBase } from '../../src/model.js';
import { labelsKey, RecordStore } from '../../src/timeline/store.js';

type Call = [metric: string, labels: Labels, timeBase: TimeBase, t: number, value: number, line: number];

interface Plain {
  key: string;
  metric: string;
  labels: Labels;
  timeBase: TimeBase;
  t: number[];
  v: number[];
  line: number[];
}

function grouped(calls: Call[]): Plain[] {
  const out = new Map<string, Plain>();
  for (const [metric, labels, timeBase, t, v, line] of calls) {
    if (!Number.isFinite(v) || !Number.isFinite(t)) continue;
    const key = `${metric}|${labelsKey(labels)}|${timeBase}`;
    let s = out.get(key);
    if (!s) {
      s = { key, metric, labels: { ...labels }, timeBase, t: [], v: [], line: [] };
      out.set(key, s);
    }
    s.t.push(t);
    s.v.push(v);
    s.line.push(line);
  }
  return [...out.values()];
}

function stored(store: RecordStore): Plain[] {
  return [...store.rawSeries()].map((s) => ({
    key: `${s.metric}|${s.labelsKey}|${s.timeBase}`,
    metric: s.metric,
    labels: { ...s.labels },
    timeBase: s.timeBase,
    t: Array.from(s.t.subarray(0, s.n)),
    v: Array.from(s.v.subarray(0, s.n)),
    line: Array.from(s.line.subarray(0, s.n)),
  }));
}

function run(calls: Call[], seal: boolean): Plain[] {
  const store = new RecordStore();
  const sink = store.sinkFor('f', 'test');
  for (const c of calls) sink.sample(...c);
  if (seal) store.seal(0);
  return stored(store);
}

describe('RecordStore sinks', () => {
  it('keep sar-like cycles apart: rotating devices, a device appearing and leaving, equal labels in new objects', () => {
    const devs = ['sda', 'sdb', 'sdc'].map((device) => ({ device }));
    const calls: Call[] = [];
    for (let row = 0; row < 3000; row++) {
      const present = row < 1000 ? devs.slice(0, 2) : row < 2000 ? devs : [devs[2] as Labels, { device: 'sda' }];
      for (const labels of present) {
        calls.push(['disk.awaitMs', labels, 'local', row * 60_000, row, row + 1]);
        if (row % 7 !== 3) calls.push(['disk.queueDepth', labels, 'local', row * 60_000, row / 2, row + 1]);
        calls.push(['disk.utilPct', labels, row % 500 === 0 ? 'utc' : 'local', row * 60_000, row % 100, row + 1]);
      }
      calls.push(['load.runQueue', {}, 'local', row * 60_000, row % 5, row + 2]);
    }
    const want = grouped(calls);
    expect(run(calls, false)).toEqual(want);
    expect(run(calls, true)).toEqual(want);
    expect(want.find((s) => s.key === 'disk.awaitMs|device=sda;|local')?.t).toHaveLength(3000);
  });

  it('keep any sequence of samples as a plain grouping does', () => {
    const pool: Labels[] = [{}, { cpu: 'all' }, { cpu: 'all' }, { cpu: '0' }, { device: 'sda' }, { pid: '1', comm: 'init' }, { comm: 'init', pid: '1' }];
    const call = fc.tuple(
      fc.constantFrom('cpu.idlePct', 'cpu.userPct', 'disk.utilPct', 'proc.rssKiB'),
      fc.integer({ min: 0, max: pool.length - 1 }),
      fc.constantFrom<TimeBase>('local', 'local', 'utc', 'collected'),
      fc.oneof(fc.integer({ min: 0, max: 1e6 }), fc.constant(Number.NaN)),
      fc.oneof(fc.double({ noDefaultInfinity: false }), fc.integer()),
    );
    // Runs of the same few calls, as parsers make them, with breaks in the cycle.
    const cycle = fc.tuple(fc.array(call, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 40 }));
    fc.assert(
      fc.property(fc.array(cycle, { maxLength: 8 }), (cycles) => {
        const calls: Call[] = [];
        for (const [body, times] of cycles)
          for (let i = 0; i < times; i++) for (const [m, l, tb, t, v] of body) calls.push([m, pool[l] as Labels, tb, t + i, v, calls.length + 1]);
        expect(run(calls, calls.length % 2 === 0)).toEqual(grouped(calls));
      }),
      { numRuns: 300 },
    );
  });

  it('keep thousands of one-point series (ps, pmap) and series that outgrow their first columns intact', () => {
    const store = new RecordStore();
    const files: Call[][] = [];
    for (let f = 0; f < 3; f++) {
      const sink = store.sinkFor(`ps${f}`, 'ps');
      const calls: Call[] = [];
      for (let pid = 0; pid < 1500; pid++) {
        const labels = { pid: String(pid), comm: `p${pid % 7}` };
        for (const m of ['proc.rssKiB', 'proc.vszKiB']) calls.push([m, labels, 'collected', f, pid * 10 + f, pid + 2]);
        // every 100th process keeps growing between its one-point neighbours
        if (pid % 100 === 0) for (let k = 0; k < 3000; k++) calls.push(['proc.cpuPct', labels, 'collected', k, k + pid, k]);
      }
      for (const c of calls) sink.sample(...c);
      store.seal(f);
      files.push(calls);
    }
    const all = stored(store);
    expect(all).toHaveLength(3 * 3015);
    for (let f = 0; f < 3; f++) expect(all.slice(f * 3015, (f + 1) * 3015)).toEqual(grouped(files[f] as Call[]));
    expect(store.files.map((f) => f.records)).toEqual([48000, 48000, 48000]);
  });
});
