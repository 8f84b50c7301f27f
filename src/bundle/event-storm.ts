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
const ADDITIVE_ATTRS: readonly string[] = ['suppressedBefore'];

/**
 * Folded events are counted per ten minutes of their own clock, so that a storm
 * keeps its shape in time (when it began, peaked and ended) at a bounded cost:
 * a month of storm is at most 4 320 events per shape.
 */
const FOLD_BUCKET_MS = 10 * 60_000;

interface Fold {
  count: number;
  /** the last event of the bucket: it dates the bucket's end and is its evidence */
  last: Event;
  sums: Map<string, number>;
}

interface Shape {
  /** the first event of this shape, to compare the next ones with */
  exemplar: Event;
  itemised: number;
  folded: number;
  /** folded events by time bucket, in the order the buckets came up */
  buckets: Map<number, Fold>;
  /** the bucket folded into last: its `last` event still holds its read chunk */
  open: Fold | null;
}

/** The bucket of an event's raw time: dmesg counts seconds since boot, the others milliseconds. */
function bucketOf(e: Event): number {
  if (e.t === null || !Number.isFinite(e.t) || e.timeBase === 'collected') return Number.NaN;
  return Math.floor(e.timeBase === 'uptime' ? (e.t * 1000) / FOLD_BUCKET_MS : e.t / FOLD_BUCKET_MS);
}

/**
 * Events of one file, with storms folded: events alike in type, labels and text
 * attributes (numbers, such as a sector or a pid, may differ) are passed on as
 * they come up to ITEMISED_PER_SHAPE; past that each shape is counted per ten
 * minutes, and `finish` passes on one event per shape and bucket, the last one
 * seen in it, with `repeats` = how many it stands for. Rules count events by
 * their repeats.
 */
export function eventStorms(pass: (e: Event) => void): { event: (e: Event) => void; finish: () => { folded: number; shapes: string[] } } {
  const shapes = new Map<string, Shape>();
  // A storm repeats a handful of shapes (one per device, say): comparing with the last
  // few is cheaper than building and hashing a key for each of a million events.
  const recent: Shape[] = [];
  const shapeFor = (e: Event): Shape => {
    for (const r of recent) if (sameShape(e, r.exemplar)) return r;
    const key = shapeOf(e);
    let s = shapes.get(key);
    // the exemplar lives as long as the file's parse: a copy, not a view of its chunk
    if (!s) shapes.set(key, (s = { exemplar: detachEvent(e), itemised: 0, folded: 0, buckets: new Map(), open: null }));
    if (recent.length >= RECENT_SHAPES) recent.pop();
    recent.unshift(s);
    return s;
  };
  return {
    event(e) {
      const s = shapeFor(e);
      if (s.itemised < ITEMISED_PER_SHAPE) {
        s.itemised++;
        pass(e);
        return;
      }
      s.folded++;
      const b = bucketOf(e);
      // NaN is no Map key that matches itself twice: events with no time share bucket -1
      const key = Number.isNaN(b) ? -1 : b;
      let fold = s.buckets.get(key);
      if (!fold) s.buckets.set(key, (fold = { count: 0, last: e, sums: new Map() }));
      // A bucket left behind keeps its last event: copied out of the read chunk once, here,
      // or a month of buckets would hold a month of chunks.
      if (s.open && s.open !== fold) s.open.last = detachEvent(s.open.last);
      s.open = fold;
      fold.count++;
      fold.last = e;
      for (const a of ADDITIVE_ATTRS) {
        const v = e.attrs[a];
        if (typeof v === 'number') fold.sums.set(a, (fold.sums.get(a) ?? 0) + v);
      }
    },
    finish() {
      let folded = 0;
      const named: string[] = [];
      for (const s of shapes.values()) {
        if (s.folded === 0) continue;
        folded += s.folded;
        for (const fold of s.buckets.values()) {
          const attrs: Event['attrs'] = { ...fold.last.attrs, repeats: fold.count };
          for (const [a, v] of fold.sums) attrs[a] = v;
          pass({ ...fold.last, attrs });
        }
        const e = s.exemplar;
        named.push(`${e.type}${Object.keys(e.labels).length ? ` (${Object.values(e.labels).join(', ')})` : ''}`);
      }
      shapes.clear();
      recent.length = 0;
      return { folded, shapes: named };
    },
  };
}

const RECENT_SHAPES = 8;

function sameShape(a: Event, b: Event): boolean {
  if (a.type !== b.type) return false;
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
  let key = e.type;
  for (const k in e.labels) key += `\u0000${k}=${e.labels[k]}`;
  key += '\u0001';
  for (const k in e.attrs) {
    const v = e.attrs[k];
    key += typeof v === 'number' ? `\u0000${k}` : `\u0000${k}=${String(v)}`;
  }
  return key;
}
