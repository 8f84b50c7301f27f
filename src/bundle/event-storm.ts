import type { EventRecord } from '../parsers/types.js';
import { detachEvent } from '../timeline/detach.js';

type Event = Omit<EventRecord, 'kind'>;

/**
 * How many events of one shape a file keeps itemised. A failing disk or a dead
 * path can log the same error a million times in a rotated syslog; kept one by
 * one they held ~1.5 KB each (1.4 GB for the bench's 1 GB syslog), and a cap on
 * the whole file dropped everything after it, OOM kills included. The first
 * ones of a shape say what happened; the rest only say how often and until when.
 */
export const ITEMISED_PER_SHAPE = 2000;

/**
 * Attributes that count something on their own (rate-limited messages before
 * this one): a folded event carries their sum, so totals stay exact.
 */
const ADDITIVE_ATTRS: readonly string[] = ['suppressedBefore', 'errorCount'];

interface Shape {
  /** the first event of this shape, to compare the next ones with */
  exemplar: Event;
  itemised: number;
  folded: number;
  /** the last folded event: it dates the end of the storm and is its evidence */
  last: Event | null;
  sums: Map<string, number>;
  /**
   * When the folded events came, in runs of one minute of the events' own time
   * base: run i is the minute starting at spreadT[i] and held spreadN[i] events.
   * null once a pathological file made too many runs, or an event had no time.
   */
  spreadT: number[] | null;
  spreadN: number[];
}

/**
 * Events of one file, with storms folded: events alike in type, time base, labels
 * and text attributes (numbers, such as a sector or a pid, may differ) are passed
 * on as they come up to ITEMISED_PER_SHAPE; past that each shape is counted, and
 * `finish` passes on one event per folded shape, the last one seen, with
 * `repeats` = how many it stands for and `spread` = how many came in each
 * minute. Rules count events by their repeats; the report draws the spread.
 */
export function eventStorms(
  pass: (e: Event) => void,
  spreadRunsPerFile = MAX_SPREAD_RUNS_PER_FILE,
): { event: (e: Event) => void; finish: () => { folded: number; shapes: string[] } } {
  const shapes = new Map<string, Shape>();
  // runs of every shape's spread, against spreadRunsPerFile
  const budget = { runs: 0, max: spreadRunsPerFile };
  // A storm repeats a handful of shapes (one per device, say): comparing with the last
  // few is cheaper than building and hashing a key for each of a million events.
  const recent: Shape[] = [];
  const shapeFor = (e: Event): Shape | null => {
    for (const r of recent) if (sameShape(e, r.exemplar)) return r;
    const key = shapeOf(e);
    let s = shapes.get(key);
    if (!s) {
      if (shapes.size >= MAX_SHAPES_PER_FILE) return null;
      // the exemplar lives as long as the file's parse: a copy, not a view of its read chunk
      shapes.set(key, (s = { exemplar: detachEvent(e), itemised: 0, folded: 0, last: null, sums: new Map(), spreadT: [], spreadN: [] }));
    }
    if (recent.length >= RECENT_SHAPES) recent.pop();
    recent.unshift(s);
    return s;
  };
  return {
    event(e) {
      const s = shapeFor(e);
      if (s === null) {
        pass(e);
        return;
      }
      if (s.itemised < ITEMISED_PER_SHAPE) {
        s.itemised++;
        pass(e);
        return;
      }
      s.folded++;
      s.last = e;
      if (s.spreadT) addToSpread(s, e, budget);
      for (const a of ADDITIVE_ATTRS) {
        const v = e.attrs[a];
        if (typeof v === 'number') s.sums.set(a, (s.sums.get(a) ?? 0) + v);
      }
    },
    finish() {
      let folded = 0;
      const named: string[] = [];
      for (const s of shapes.values()) {
        if (!s.last) continue;
        folded += s.folded;
        const attrs: Event['attrs'] = { ...s.last.attrs, repeats: s.folded };
        for (const [a, v] of s.sums) attrs[a] = v;
        pass(s.spreadT ? { ...s.last, attrs, spread: { t: s.spreadT, n: s.spreadN } } : { ...s.last, attrs });
        named.push(`${s.last.type}${Object.keys(s.last.labels).length ? ` (${Object.values(s.last.labels).join(', ')})` : ''}`);
      }
      shapes.clear();
      recent.length = 0;
      return { folded, shapes: named };
    },
  };
}

const RECENT_SHAPES = 8;

/**
 * Shapes one file's storms are looked for among. A storm repeats a handful; a log whose
 * every event differs (200 000 OOM kills of as many commands) kept a key and a copy of
 * each, twice the events' own memory, for nothing. Events of a shape first seen past it
 * are passed on as they are, and the per-file cap on events bounds them.
 */
export const MAX_SHAPES_PER_FILE = 20_000;

/**
 * Runs of one shape's spread past which it is given up: 100 000 minutes is ten
 * weeks of an unbroken storm (1.6 MB); only a log whose times jump back and
 * forth on every line gets there, and its rate over time would mean little.
 */
const MAX_SPREAD_RUNS = 100_000;
/**
 * And of all the shapes of one file (~16 MB): a log of many storms whose times
 * jump on every line would otherwise hold a run per line (20 million in a file
 * at the size cap, ~500 MB). The shapes that ask for a run past it lose their spread.
 */
export const MAX_SPREAD_RUNS_PER_FILE = 1_000_000;

/** Gives a shape's spread up, returning its runs to the file's budget; its count stays. */
function dropSpread(s: Shape, budget: { runs: number }): void {
  budget.runs -= s.spreadT?.length ?? 0;
  s.spreadT = null;
  s.spreadN = [];
}

function addToSpread(s: Shape, e: Event, budget: { runs: number; max: number }): void {
  const runs = s.spreadT as number[];
  if (e.t === null) {
    dropSpread(s, budget);
    return;
  }
  const unit = e.timeBase === 'uptime' ? 60 : 60_000;
  const minute = Math.floor(e.t / unit) * unit;
  const last = runs.length - 1;
  if (last >= 0 && runs[last] === minute) {
    s.spreadN[last] = (s.spreadN[last] as number) + 1;
    return;
  }
  if (runs.length >= MAX_SPREAD_RUNS || budget.runs >= budget.max) {
    dropSpread(s, budget);
    return;
  }
  runs.push(minute);
  s.spreadN.push(1);
  budget.runs++;
}

function sameShape(a: Event, b: Event): boolean {
  if (a.type !== b.type || a.timeBase !== b.timeBase) return false;
  let n = 0;
  for (const k in a.labels) {
    if (a.labels[k] !== b.labels[k]) return false;
    n++;
  }
  for (const _ in b.labels) n--;
  if (n !== 0) return false;
  for (const k in a.attrs) {
    const v = a.attrs[k];
    const w = b.attrs[k];
    if (typeof v === 'number' ? typeof w !== 'number' : v !== w) return false;
    n++;
  }
  for (const _ in b.attrs) n--;
  return n === 0;
}

function shapeOf(e: Event): string {
  let key = `${e.type}\u0000${e.timeBase}`;
  for (const k in e.labels) key += `\u0000${k}=${e.labels[k]}`;
  key += '\u0001';
  for (const k in e.attrs) {
    const v = e.attrs[k];
    key += typeof v === 'number' ? `\u0000${k}` : `\u0000${k}=${String(v)}`;
  }
  return key;
}
