import type { Timeline, TimelineEvent } from '../../timeline/timeline.js';
import { heaviest, type Candidate } from '../candidate.js';
import { compile, repeatsOf, truthy, type Env, type Value } from '../expr.js';
import type { EventDetect } from '../types.js';

/**
 * Events of one type (optionally filtered), one candidate per event or per group of them: at most
 * `limit`, the groups with the most events (then the longest) kept, in their first order; `total`
 * counts them all. The groups past the limit cost no env: a hostile log of 200 000 events, each its
 * own group, held 2.2 GB of them.
 */
export function detectEvents(d: EventDetect, timeline: Timeline, baseEnv: Env, limit = Infinity): { candidates: Candidate[]; total: number } {
  const where = d.where ? compile(d.where) : null;
  // One env per event, shared by the filter and the group's `events` list; the filter's env
  // inherits the rule's base env rather than copying it per event (a disk storm logs tens of thousands).
  const envs = new Map<TimelineEvent, Env>();
  const envOf = (e: TimelineEvent): Env => {
    let env = envs.get(e);
    if (!env) envs.set(e, (env = eventEnv(e)));
    return env;
  };
  const events = timeline.eventsOf(d.event).filter((e) => !where || truthy(where(Object.assign(Object.create(baseEnv) as Env, envOf(e)))));
  const groups = new Map<string, TimelineEvent[]>();
  const keyParts = (d.groupBy ?? []).map((k): ((e: TimelineEvent) => string) => {
    if (isAttributeName(k)) return (e) => String(e.attrs[k] ?? e.labels[k] ?? '');
    const fn = compile(k);
    return (e) => String(fn(Object.assign(Object.create(baseEnv) as Env, envOf(e))) ?? '');
  });
  events.forEach((e, i) => {
    const key = d.groupBy ? keyParts.map((part) => part(e)).join('\u0000') : String(i);
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  });
  const spans = new Map<TimelineEvent[], { first: number | null; last: number | null; count: number }>();
  for (const list of groups.values()) {
    // A loop, not Math.min(...times): a group of a hundred thousand events overflows the call's arguments.
    let first: number | null = null;
    let last: number | null = null;
    for (const e of list) {
      if (e.t === null) continue;
      if (first === null || e.t < first) first = e.t;
      if (last === null || e.t > last) last = e.t;
    }
    // a folded storm (bundle/event-storm.ts) stands for `repeats` events
    spans.set(list, { first, last, count: list.reduce((n, e) => n + repeatsOf(e.attrs['repeats']), 0) });
  }
  const kept = heaviest([...groups.values()], limit, (l) => {
    const sp = spans.get(l);
    return [sp?.count ?? 0, sp && sp.first !== null && sp.last !== null ? sp.last - sp.first : 0];
  });
  const out: Candidate[] = [];
  for (const list of kept) {
    const head = list[0] as TimelineEvent;
    const { first, last, count } = spans.get(list) as { first: number | null; last: number | null; count: number };
    const labels: Record<string, string> = { ...head.labels };
    for (const k of (d.groupBy ?? Object.keys(head.attrs)).filter(isAttributeName)) {
      const v = head.attrs[k];
      if (v !== undefined && (typeof v === 'string' || typeof v === 'number')) labels[k] = String(v);
    }
    const env: Env = {
      ...baseEnv,
      ...envOf(head),
      count,
      itemised: list.length,
      events: list.map((e) => envOf(e) as Value),
      firstTime: first,
      lastTime: last,
      windowStart: first,
      windowEnd: last,
      durationSec: first !== null && last !== null ? (last - first) / 1000 : 0,
      timed: first !== null,
    };
    // the first ones, and the last: a storm's end is its own evidence (and the folded event's line)
    const quoted = list.length > 6 ? [...list.slice(0, 5), list[list.length - 1] as TimelineEvent] : list;
    const evidence = quoted.flatMap((e) => e.lines.map((l) => ({ file: e.file, line: l.line, text: l.text })));
    out.push({ labels, start: first, end: last, env, evidence, signals: [] });
  }
  return { candidates: out, total: groups.size };
}

/**
 * A groupBy entry is an attribute's name, or an expression over the event that
 * splits groups without naming the subject (oom-kill's "memcg ? '' : comm": a
 * cgroup's limit is one finding whichever processes it killed, a global OOM's
 * victims one per command).
 */
export function isAttributeName(k: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(k);
}

/** Expressions only read: the event's own attrs and labels are shared, not copied. */
function eventEnv(e: TimelineEvent): Env {
  const env = Object.assign({ attrs: e.attrs as Record<string, Value>, labels: e.labels, t: e.t }, e.attrs) as Env;
  if (e.spread) env['spread'] = e.spread as unknown as Value;
  return env;
}
