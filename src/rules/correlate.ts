import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Finding, FindingClass } from '../model.js';
import { compiledBuiltin, CORRELATIONS_FILE } from './loader.js';

export interface CorrelationLink {
  cause: FindingClass;
  effect: FindingClass;
  /** subject fields that must agree */
  match?: ('pid' | 'comm' | 'device' | 'node' | 'domain')[];
  /** the effect may start this long after the cause's window ends */
  lagSec?: number;
  /** the two windows must overlap */
  overlap?: boolean;
  /** the rule that raised the cause, when its class holds other kinds too (memory-pressure beside swap-thrash) */
  causeRule?: string;
  /** the rule that raised the effect, when its class holds other kinds too (soft-lockup among hung tasks) */
  effectRule?: string;
  /** metrics the effect must have, e.g. {memcg: 0}: only a global OOM can be blamed on a host-wide cause */
  effectMetrics?: Record<string, number>;
  /** metrics the effect must not reach, e.g. {minAvailablePct: 10}: swapping with memory to spare was a cgroup's, not the host's */
  effectBelow?: Record<string, number>;
  reason: string;
}

export async function loadCorrelations(file = CORRELATIONS_FILE): Promise<CorrelationLink[]> {
  const compiled = path.resolve(file) === CORRELATIONS_FILE ? await compiledBuiltin() : null;
  let data = compiled?.correlations as { links?: CorrelationLink[] } | undefined;
  if (!data) {
    const { parse: parseYaml } = await import('yaml');
    data = parseYaml(await readFile(file, 'utf8')) as { links?: CorrelationLink[] };
  }
  return data.links ?? [];
}

function bounds(f: Finding): [number, number] | null {
  if (!f.window) return null;
  return [Date.parse(f.window.start), Date.parse(f.window.end)];
}

/**
 * Links findings into cause → effect chains on the timeline and ranks every
 * symptom below its cause. A finding without a time (a setting) may still be
 * a cause of a timed one, when the link allows a long lag.
 */
export function correlate(findings: Finding[], links: CorrelationLink[]): void {
  const slack = 5 * 60 * 1000;
  for (const link of links) {
    for (const cause of findings) {
      if (cause.class !== link.cause || (link.causeRule && cause.rule !== link.causeRule)) continue;
      for (const effect of findings) {
        if (effect === cause || effect.class !== link.effect) continue;
        if (effect.causes.includes(cause.id)) continue;
        if (link.match && !link.match.every((k) => cause.subject[k] !== undefined && cause.subject[k] === effect.subject[k])) continue;
        if (link.effectRule && effect.rule !== link.effectRule) continue;
        if (link.effectMetrics && !Object.entries(link.effectMetrics).every(([k, v]) => effect.metrics[k] === v)) continue;
        if (link.effectBelow && Object.entries(link.effectBelow).some(([k, v]) => (effect.metrics[k] ?? -Infinity) >= v)) continue;
        const cb = bounds(cause);
        const eb = bounds(effect);
        if (!cb || !eb) continue;
        const ok = link.overlap ? eb[0] <= cb[1] + slack && eb[1] >= cb[0] - slack : eb[0] >= cb[0] - slack && eb[0] <= cb[1] + (link.lagSec ?? 0) * 1000;
        if (!ok) continue;
        cause.effects.push(effect.id);
        effect.causes.push(cause.id);
        effect.reasoning.push(link.reason.replaceAll('{{cause}}', cause.title).replaceAll('{{effect}}', effect.title));
      }
    }
  }
  // A symptom ranks below its cause: walk chains until scores settle.
  const byId = new Map(findings.map((f) => [f.id, f]));
  for (let pass = 0; pass < findings.length; pass++) {
    let changed = false;
    for (const f of findings) {
      for (const cid of f.causes) {
        const c = byId.get(cid);
        if (c && f.score >= c.score) {
          f.score = Math.max(0, c.score - 1);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
}
