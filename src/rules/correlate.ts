import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SEVERITIES, type Finding, type FindingClass, type Severity } from '../model.js';
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
  /** metrics the cause must reach, e.g. {dataLost: 1}: only memory the hardware could not correct kills what held it */
  causeAtLeast?: Record<string, number>;
  /** metrics the effect must reach, e.g. {captureOomKills: 1}: a reservation found short by the dump it made */
  effectAtLeast?: Record<string, number>;
  reason: string;
}

/**
 * Rules that measure one thing by different means (sar's pressure columns
 * through the day; /proc/pressure once, at collection). When findings of two
 * of them meet in time they are one episode, not two problems: the later-listed
 * rule's finding is kept as corroboration, ranked below the other.
 */
export interface SameEpisode {
  /** the rules, the one whose finding leads first */
  rules: string[];
  reason: string;
}

export interface Correlations {
  links: CorrelationLink[];
  same: SameEpisode[];
}

export async function loadCorrelations(file = CORRELATIONS_FILE): Promise<Correlations> {
  const compiled = path.resolve(file) === CORRELATIONS_FILE ? await compiledBuiltin() : null;
  let data = compiled?.correlations as Partial<Correlations> | undefined;
  if (!data) {
    const { parse: parseYaml } = await import('yaml');
    data = parseYaml(await readFile(file, 'utf8')) as Partial<Correlations>;
  }
  return { links: data.links ?? [], same: data.same ?? [] };
}

/** Whether two findings agree on a subject field; on pid, a finding of several processes agrees on any of them. */
function sameSubject(cause: Finding, effect: Finding, k: NonNullable<CorrelationLink['match']>[number]): boolean {
  const a = cause.subject[k];
  const b = effect.subject[k];
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  return k === 'pid' && ((effect.pids?.includes(a as number) ?? false) || (cause.pids?.includes(b as number) ?? false));
}

/** The longest lag of a link along which a cause takes its effect's severity (an hour). */
const DIRECT_LAG_SEC = 3600;
/** Windows this close count as meeting. */
const SLACK_MS = 5 * 60 * 1000;

function overlaps(a: [number, number], b: [number, number]): boolean {
  return b[0] <= a[1] + SLACK_MS && b[1] >= a[0] - SLACK_MS;
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
export function correlate(findings: Finding[], { links, same }: Correlations): void {
  const before = new Map(findings.map((f) => [f.id, { severity: f.severity, score: f.score }]));
  linkAndRank(findings, links, same, before);
  for (const f of findings) {
    const own = before.get(f.id);
    if (own && (own.severity !== f.severity || own.score !== f.score)) f.own = own;
  }
}

function linkAndRank(findings: Finding[], links: CorrelationLink[], same: SameEpisode[], own: Map<string, { severity: Severity }>): void {
  const meet = (a: Finding, b: Finding): boolean => {
    const ab = bounds(a);
    const bb = bounds(b);
    return ab !== null && bb !== null && overlaps(ab, bb);
  };
  for (const group of same) {
    for (const follower of findings) {
      const rank = group.rules.indexOf(follower.rule);
      if (rank <= 0 || follower.sameEpisodeAs?.length) continue;
      // The first listed rule that met it leads; a follower joins one episode only.
      const lead = group.rules.slice(0, rank).flatMap((rule) => findings.filter((f) => f.rule === rule && !f.sameEpisodeAs?.length && meet(f, follower)))[0];
      if (!lead) continue;
      follower.sameEpisodeAs = [lead.id];
      follower.reasoning.push(group.reason.replaceAll('{{lead}}', lead.title).replaceAll('{{finding}}', follower.title));
    }
  }
  // Leads are linked first; a corroborating finding then takes part only in a
  // link its lead does not already make (the same stall seen twice is not two causes).
  const byId = new Map(findings.map((f) => [f.id, f]));
  // cause>effect pairs joined by a link that needs them to meet in time (not "within a year")
  const direct = new Set<string>();
  const leadOf = (f: Finding): Finding => byId.get(f.sameEpisodeAs?.[0] ?? '') ?? f;
  const follows = (f: Finding): boolean => leadOf(f) !== f;
  for (const followers of [false, true]) {
    for (const link of links) {
      for (const cause of findings) {
        if (cause.class !== link.cause || (link.causeRule && cause.rule !== link.causeRule)) continue;
        if (link.causeAtLeast && Object.entries(link.causeAtLeast).some(([k, v]) => !((cause.metrics[k] ?? -Infinity) >= v))) continue;
        for (const effect of findings) {
          if (effect === cause || effect.class !== link.effect) continue;
          if ((follows(cause) || follows(effect)) !== followers) continue;
          if (effect.causes.includes(cause.id)) continue;
          if (followers && (leadOf(cause) === leadOf(effect) || leadOf(effect).causes.includes(leadOf(cause).id))) continue;
          if (link.match && !link.match.every((k) => sameSubject(cause, effect, k))) continue;
          if (link.effectRule && effect.rule !== link.effectRule) continue;
          if (link.effectMetrics && !Object.entries(link.effectMetrics).every(([k, v]) => effect.metrics[k] === v)) continue;
          if (link.effectBelow && Object.entries(link.effectBelow).some(([k, v]) => (effect.metrics[k] ?? -Infinity) >= v)) continue;
          if (link.effectAtLeast && Object.entries(link.effectAtLeast).some(([k, v]) => !((effect.metrics[k] ?? -Infinity) >= v))) continue;
          const cb = bounds(cause);
          const eb = bounds(effect);
          if (!cb || !eb) continue;
          const ok = link.overlap ? overlaps(cb, eb) : eb[0] >= cb[0] - SLACK_MS && eb[0] <= cb[1] + (link.lagSec ?? 0) * 1000;
          if (!ok) continue;
          cause.effects.push(effect.id);
          effect.causes.push(cause.id);
          if (link.overlap || (link.lagSec ?? 0) <= DIRECT_LAG_SEC) direct.add(`${cause.id}>${effect.id}`);
          effect.reasoning.push(link.reason.replaceAll('{{cause}}', cause.title).replaceAll('{{effect}}', effect.title));
        }
      }
    }
  }
  // A cause is as severe as the worst it led to: a medium device saturation that stalled every task
  // for minutes was the root of a high-severity incident. Only along links that need the two to meet
  // in time: hugepages reserved a year before an OOM may have helped cause it, not made it happen.
  // Walk chains until severities settle.
  const worse = (a: Severity, b: Severity): boolean => SEVERITIES.indexOf(a) < SEVERITIES.indexOf(b);
  const raisedBy = new Map<string, Finding>();
  for (let pass = 0; pass < findings.length; pass++) {
    let changed = false;
    for (const f of findings) {
      for (const eid of f.effects) {
        const e = byId.get(eid);
        if (e && direct.has(`${f.id}>${eid}`) && worse(e.severity, f.severity)) {
          f.severity = e.severity;
          // and ranks with it: a high OOM kill raised to critical for the guest crash it caused kept its
          // score of 70, and the crash, put just below its cause, fell under unrelated high findings
          f.score = Math.max(f.score, e.score);
          raisedBy.set(f.id, e);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  for (const [id, effect] of raisedBy) {
    const f = byId.get(id) as Finding;
    f.reasoning.push(`Rated ${f.severity} for what it led to (${effect.title}); on its own it would be ${own.get(id)?.severity ?? f.severity}.`);
  }
  // A symptom ranks below a cause at least as severe, corroboration below what it corroborates: walk
  // chains until scores settle. A milder cause (hugepages reserved long before an OOM, on a link that
  // does not raise it) stays below: ranking a low finding over the high ones it may have fed put it first.
  for (let pass = 0; pass < findings.length; pass++) {
    let changed = false;
    for (const f of findings) {
      const above = [...f.causes.filter((cid) => !worse(f.severity, byId.get(cid)?.severity ?? f.severity)), ...(f.sameEpisodeAs ?? [])];
      for (const cid of above) {
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
