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
