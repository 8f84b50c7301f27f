import { describe, expect, it } from 'vitest';
import { eventStorms, ITEMISED_PER_SHAPE } from '../../src/bundle/event-storm.js';
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
