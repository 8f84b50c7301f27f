import type { FindingClass, Severity } from '../model.js';

export interface Threshold {
  value: number;
  unit?: string;
  /** one line: why this value */
  reason: string;
  /** where the value comes from, or "none published" */
  ref?: string;
}

export interface SignalSpec {
  metric: string;
  /** labels the series must carry, e.g. {cpu: all} */
  labels?: Record<string, string>;
}

export interface ThresholdDetect {
  kind: 'threshold';
  /** label that separates subjects (device, cpu); omit for host-wide signals */
  groupBy?: string;
  signals: Record<string, string | SignalSpec>;
  /** per-sample expression that opens an episode */
  enter: string;
  /** per-sample expression that closes it (hysteresis); defaults to !enter */
  exit?: string;
  /** shortest episode worth a finding (a threshold name or seconds) */
  minDurationSec: string | number;
  /** episodes closer than this are one (a threshold name or seconds); never less than two sample intervals, the default */
  mergeGapSec?: string | number;
}

export interface TrendDetect {
  kind: 'trend';
  groupBy?: string;
  signal: string | SignalSpec;
  /** fewer points than this and no trend is fitted */
  minPoints: string | number;
  /** the fit must span at least this long */
  minSpanSec: string | number;
  /** expression over slopePerMin, r2, first, last, points, spanSec, growthPct */
  when: string;
}

export interface EventDetect {
  kind: 'event';
  event: string;
  /** expression over the event's attrs (and labels) */
  where?: string;
  /**
   * attribute names whose values make one finding (they also label its subject), or expressions
   * over the event that split groups further; omit for one finding per event
   */
  groupBy?: string[];
}

export interface StateDetect {
  kind: 'state';
  /** iterate over facts of this name (one candidate per fact, its labels as the subject) */
  forEach?: string;
  when: string;
}

export type Detect = ThresholdDetect | TrendDetect | EventDetect | StateDetect;

export interface SeverityLevel {
  level: Severity;
  when: string;
}

export interface RemediationTemplate {
  action: string;
  detail: string;
  expectedImpact: string;
  risk?: string;
  rollback?: string;
  verify?: string;
  reboot?: boolean;
  /** only offered when this expression holds */
  when?: string;
}

export interface RuleDef {
  id: string;
  class: FindingClass;
  title: string;
  /** what the rule looks for, in a few words, with no template: its row among the checks whether it fired or not */
  check?: string;
  description: string;
  /** where the rule applies at all: a guest check says nothing of a host that runs no guests */
  scope?: 'kvm-host' | 'ext-filesystem';
  /** metrics, events (event:<type>) or facts (fact:<name>) without which the rule cannot say anything */
  requires: string[];
  thresholds: Record<string, Threshold>;
  detect: Detect;
  /**
   * named texts computed for each finding before its metrics (a guest's pause reason, the mount point
   * under its image), for its words and conditions; not reported as metrics, which are numbers
   */
  texts?: Record<string, string>;
  /** named values computed for each finding; appear in report.json metrics */
  metrics: Record<string, string>;
  /**
   * when several findings of the rule are one episode (tasks hung in the same minutes on one frozen
   * filesystem): the same key and windows at most gapSec apart. The best-ranked leads, the others follow it.
   */
  episode?: { key: string; gapSec: number; reason: string };
  severity: SeverityLevel[];
  confidence: string | number;
  /** subject fields: expressions over the group (e.g. pid: "labels.pid") */
  subject?: Record<string, string>;
  message: string;
  remediation: RemediationTemplate[];
  references: string[];
  /** how to collect what `requires` names, for the report when a bundle lacks it */
  collect?: string;
  /** where the file was loaded from */
  file: string;
}

export interface RuleCase {
  name: string;
  /** --tz for the case, when its files have no date */
  tz?: string;
  files: Record<string, string>;
  /** loose attachments (pmap -x, vmstat -t …) by file name */
  attachments?: Record<string, string>;
  expect: {
    fires: boolean;
    count?: number;
    /** how many of them are not the same episode as another finding of the rule (RuleDef.episode) */
    episodes?: number;
    severity?: string;
    subject?: Record<string, string | number>;
    metrics?: Record<string, number | { min?: number; max?: number }>;
  };
}
