import { describe, expect, it } from 'vitest';
import { eventStorms, ITEMISED_PER_SHAPE, MAX_SHAPES_PER_FILE } from '../../src/bundle/event-storm.js';
import type { EventRecord } from '../../src/parsers/types.js';
import { compile } from '../../src/rules/expr.js';

type Event = Omit<EventRecord, 'kind'>;

function ioError(line: number, device: string, attrs: EventRecord['attrs'] = {}): Event {
  return {
    type: 'io-error',
    timeBase: 'local',
    t: line * 1000,
    labels: { device },
    attrs: { device, sector: line * 8, ...attrs },
    line,
    lines: [{ line, text: `I/O error, dev ${device}, sector ${line * 8}` }],
  };
}

function fold(events: Event[]): { passed: Event[]; folded: number; shapes: string[] } {
  const passed: Event[] = [];
  const storms = eventStorms((e) => passed.push(e));
  for (const e of events) storms.event(e);
  return { passed, ...storms.finish() };
}

describe('event storms', () => {
  it('passes events through untouched while no shape repeats past the limit', () => {
    const events = Array.from({ length: 50 }, (_, i) => ioError(i + 1, i % 2 ? 'sda' : 'sdb'));
    const r = fold(events);
    expect(r.passed).toEqual(events);
    expect(r.folded).toBe(0);
  });

  it('looks for storms among the first MAX_SHAPES_PER_FILE shapes: a storm of one of them still folds, events of a shape first seen after pass as they are', () => {
    const distinct = Array.from({ length: MAX_SHAPES_PER_FILE }, (_, i) => ioError(i + 1, `dm-${i}`));
    const early = Array.from({ length: ITEMISED_PER_SHAPE + 10 }, (_, i) => ioError(MAX_SHAPES_PER_FILE + i + 1, 'dm-0'));
    const late = Array.from({ length: ITEMISED_PER_SHAPE + 10 }, (_, i) => ioError(MAX_SHAPES_PER_FILE * 2 + i + 1, 'sdz'));
    const r = fold([...distinct, ...early, ...late]);
    // dm-0's storm: its first ITEMISED_PER_SHAPE (one of them among the distinct ones) and one folded event for the rest
    expect(r.folded).toBe(11);
    expect(r.shapes).toEqual(['io-error (dm-0)']);
    // sdz's, a shape first seen past the cap: every event passed on
    expect(r.passed.filter((e) => e.labels['device'] === 'sdz')).toHaveLength(ITEMISED_PER_SHAPE + 10);
    expect(r.passed).toHaveLength(MAX_SHAPES_PER_FILE + ITEMISED_PER_SHAPE - 1 + 1 + ITEMISED_PER_SHAPE + 10);
  });

  it('itemises the first of a shape, then folds the rest into one event that stands for them, dated and quoted from the last', () => {
    const n = ITEMISED_PER_SHAPE + 500;
    const r = fold(Array.from({ length: n }, (_, i) => ioError(i + 1, 'sdc')));
    expect(r.passed).toHaveLength(ITEMISED_PER_SHAPE + 1);
    const last = r.passed[r.passed.length - 1] as Event;
    expect(last.attrs).toMatchObject({ repeats: 500, sector: n * 8 });
    expect(last.t).toBe(n * 1000);
    expect(last.lines[0]?.text).toBe(`I/O error, dev sdc, sector ${n * 8}`);
    expect(r.folded).toBe(500);
    expect(r.shapes).toEqual(['io-error (sdc)']);
  });

  it('keeps apart what differs in labels or text: another device, another kind, a shutdown in the middle of a storm', () => {
    const events: Event[] = [];
    for (let i = 1; i <= ITEMISED_PER_SHAPE + 10; i++) events.push(ioError(i, 'sdc'), ioError(i, 'sdd'), ioError(i, 'sdc', { kind: 'buffer' }));
    events.push(ioError(99999, 'sdc', { kind: 'fs', stopped: true }));
    const r = fold(events);
    expect(r.folded).toBe(30);
    expect(r.passed.filter((e) => e.attrs['stopped'] === true)).toHaveLength(1);
    expect(
      r.passed
        .filter((e) => e.attrs['repeats'] === 10)
        .map((e) => `${e.labels['device']}/${String(e.attrs['kind'] ?? '')}`)
        .sort(),
    ).toEqual(['sdc/', 'sdc/buffer', 'sdd/']);
  });

  it('says when the folded events came: a count per minute of their own clock, summing to the repeats', () => {
    // one event a second for 2000 s, then a storm of 50 a second for 3 minutes, then 5 more a minute later
    const events: Event[] = [];
    for (let i = 1; i <= ITEMISED_PER_SHAPE; i++) events.push(ioError(i, 'sdc'));
    const at = (ms: number, line: number): Event => ({ ...ioError(line, 'sdc'), t: ms });
    let line = ITEMISED_PER_SHAPE;
    for (let s = 0; s < 180; s++) for (let k = 0; k < 50; k++) events.push(at(3_000_000 + s * 1000 + k * 20, ++line));
    for (let k = 0; k < 5; k++) events.push(at(3_240_000 + k * 1000, ++line));
    const r = fold(events);
    const last = r.passed[r.passed.length - 1] as Event;
    expect(last.attrs['repeats']).toBe(180 * 50 + 5);
    expect(last.spread).toEqual({ t: [3_000_000, 3_060_000, 3_120_000, 3_240_000], n: [3000, 3000, 3000, 5] });
    // itemised events carry none: each is its own time
    expect(r.passed.filter((e) => e.spread)).toHaveLength(1);
  });

  it('counts an uptime-stamped storm (dmesg) in minutes of seconds, and keeps it apart from the same message on another clock', () => {
    const events: Event[] = [];
    for (let i = 1; i <= ITEMISED_PER_SHAPE + 90; i++) events.push({ ...ioError(i, 'sdc'), timeBase: 'uptime', t: i / 2 });
    for (let i = 1; i <= ITEMISED_PER_SHAPE + 1; i++) events.push(ioError(i, 'sdc'));
    const r = fold(events);
    const folded = r.passed.filter((e) => e.spread);
    expect(folded.map((e) => [e.timeBase, e.attrs['repeats'], e.spread])).toEqual([
      ['uptime', 90, { t: [960, 1020], n: [39, 51] }],
      ['local', 1, { t: [1_980_000], n: [1] }],
    ]);
  });

  it('bounds the spreads of a whole file: a shape asking for a run past the budget loses its spread, not its count', () => {
    // three storms whose times jump back and forth on every line: a run per event
    const events: Event[] = [];
    for (const dev of ['sda', 'sdb', 'sdc'])
      for (let i = 0; i < ITEMISED_PER_SHAPE + 60; i++) events.push({ ...ioError(i + 1, dev), t: (i % 2) * 3_600_000 + i * 60_000 });
    const passed: Event[] = [];
    const storms = eventStorms((e) => passed.push(e), 130);
    for (const e of events) storms.event(e);
    storms.finish();
    const folded = passed.filter((e) => e.attrs['repeats'] !== undefined);
    expect(folded.map((e) => [e.labels['device'], e.attrs['repeats'], e.spread?.t.length ?? null])).toEqual([
      ['sda', 60, 60],
      ['sdb', 60, 60],
      // sdc reached the budget of 130 at its 11th run
      ['sdc', 60, null],
    ]);
  });

  it('gives up the spread, not the count, when an event of the storm has no time', () => {
    const events = Array.from({ length: ITEMISED_PER_SHAPE + 4 }, (_, i) => ioError(i + 1, 'sdc'));
    (events[ITEMISED_PER_SHAPE + 1] as Event).t = null;
    const r = fold(events);
    const last = r.passed[r.passed.length - 1] as Event;
    expect(last.attrs['repeats']).toBe(4);
    expect(last.spread).toBeUndefined();
  });

  it('adds up the counts a folded event carries (rate-limited messages), so totals stay exact', () => {
    const events = Array.from({ length: ITEMISED_PER_SHAPE + 3 }, (_, i) => ioError(i + 1, 'sdc', { suppressedBefore: 7 }));
    const r = fold(events);
    expect(r.passed[r.passed.length - 1]?.attrs).toMatchObject({ repeats: 3, suppressedBefore: 21 });
  });

  it('is counted by rules through countWhere, a folded event counting for all it stands for', () => {
    const events = [{ kind: 'buffer', repeats: 500 }, { kind: 'buffer' }, { kind: 'fs', repeats: 3 }, { kind: 'buffer', repeats: 0 }];
    expect(compile("countWhere(events, 'kind', 'buffer')")({ events })).toBe(502);
    expect(compile("countWhere(events, 'kind', 'fs')")({ events })).toBe(3);
    expect(compile("countWhere(events, 'kind', 'scsi')")({ events })).toBe(0);
  });

  it('uniq keeps first-seen order without comparing every pair (thousands of sectors)', () => {
    const sectors = Array.from({ length: 20000 }, (_, i) => (i * 7919) % 10007);
    const out = compile('uniq(list)')({ list: [...sectors, null, NaN, 3] }) as number[];
    expect(out).toHaveLength(10007);
    expect(out.slice(0, 3)).toEqual([0, 7919, 5831]);
  });
});
