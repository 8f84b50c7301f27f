import type { Timeline } from '../../timeline/timeline.js';
import type { FactEntry } from '../../timeline/store.js';
import type { Candidate } from '../candidate.js';
import { compile, truthy, type Env } from '../expr.js';
import type { StateDetect } from '../types.js';

/**
 * Conditions on what the bundle holds at collection time (settings, counters
 * since boot). The facts an expression read are its evidence.
 */
export function detectState(d: StateDetect, timeline: Timeline, baseEnv: Env, accessed: FactEntry[]): Candidate[] {
  const when = compile(d.when);
  const at = timeline.clock.collectedMs;
  const refs = (extra: FactEntry[] = []) =>
    [...extra, ...accessed].filter((f, i, a) => a.findIndex((g) => g.fileIdx === f.fileIdx && g.line === f.line) === i).slice(0, 8).map((f) => ({ file: f.fileIdx, line: f.line }));
  if (!d.forEach) {
    accessed.length = 0;
    if (!truthy(when(baseEnv))) return [];
    return [{ labels: {}, start: at, end: at, env: { ...baseEnv, windowStart: at, windowEnd: at }, evidence: refs(), signals: [] }];
  }
  const out: Candidate[] = [];
  // One candidate per subject: the same fact stated by several files (meminfo and sysfs for a
  // hugepage pool, a guest's XML and its live copy) is one thing, and the first in fact order
  // (fact-order.ts: the most direct source) speaks for it.
  const seen = new Set<string>();
  for (const f of timeline.factsNamed(d.forEach)) {
    const key = JSON.stringify(Object.entries(f.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (seen.has(key)) continue;
    seen.add(key);
    const env: Env = { ...baseEnv, value: f.value, labels: { ...f.labels }, windowStart: at, windowEnd: at };
    accessed.length = 0;
    if (!truthy(when(env))) continue;
    out.push({ labels: f.labels, start: at, end: at, env, evidence: refs([f]), signals: [] });
  }
  return out;
}
