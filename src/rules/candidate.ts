import type { Labels } from '../model.js';
import type { Env } from './expr.js';

export interface EvidenceRef {
  file: number;
  line: number;
  /** present when the source already carried the text (events) */
  text?: string;
}

export interface ChartSignal {
  name: string;
  metric: string;
  labels: Labels;
  t: ArrayLike<number>;
  v: ArrayLike<number>;
}

/** What a detector found for one subject, before the rule's metrics, severity and text are applied. */
export interface Candidate {
  labels: Labels;
  start: number | null;
  end: number | null;
  env: Env;
  evidence: EvidenceRef[];
  signals: ChartSignal[];
  threshold?: number;
  fit?: { slopePerMs: number; intercept: number; from: number; to: number };
}

/**
 * The `cap` items of most weight, in their first order: weight is compared as
 * [events, span] (the most events, then the longest), ties by position. How a
 * rule's candidates past MAX_FINDINGS_PER_RULE are chosen, by the engine and,
 * before it builds them, by the event detector.
 */
export function heaviest<T>(items: readonly T[], cap: number, weight: (item: T) => readonly [number, number]): T[] {
  if (items.length <= cap) return [...items];
  const keep = new Set(
    items
      .map((item, i) => ({ item, i, w: weight(item) }))
      .sort((x, y) => y.w[0] - x.w[0] || y.w[1] - x.w[1] || x.i - y.i)
      .slice(0, cap)
      .map((x) => x.item),
  );
  return items.filter((item) => keep.has(item));
}
