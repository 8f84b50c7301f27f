/**
 * The shared vocabulary of sosmortem: what flows from the bundle through the
 * parsers and timeline to the rules and the report. Data flows one way; a
 * renderer never parses and a parser never decides severity.
 */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** A located problem with the input: never thrown, always reported. */
export interface Diagnostic {
  source: string;
  line?: number;
  severity: DiagnosticSeverity;
  message: string;
}

export interface Evidence {
  source: string;
  line: number;
  text: string;
  /** what the line does not say: a kernel line a syslog daemon wrote down late carries the daemon's time */
  note?: string;
}

export type FindingClass =
  | 'memory-leak'
  | 'swap-thrash'
  | 'oom-kill'
  | 'numa-cross-node'
  | 'io-saturation'
  | 'cpu-saturation'
  | 'cpu-steal'
  | 'hung-task'
  | 'hugepages-unused'
  | 'thp-compaction-stall'
  | 'memory-fragmentation'
  | 'disk-errors'
  | 'hardware-errors'
  | 'kernel-oops'
  | 'vm-crash';

export const FINDING_CLASSES: readonly FindingClass[] = [
  'memory-leak',
  'swap-thrash',
  'oom-kill',
  'numa-cross-node',
  'io-saturation',
  'cpu-saturation',
  'cpu-steal',
  'hung-task',
  'hugepages-unused',
  'thp-compaction-stall',
  'memory-fragmentation',
  'disk-errors',
  'hardware-errors',
  'kernel-oops',
  'vm-crash',
];

export type Labels = Readonly<Record<string, string>>;

/**
 * How a source states time. Parsers are pure and may not know the bundle's
 * time zone or boot time yet (archives stream in any order), so they record
 * the time as written and the timeline places it once all facts are known.
 * - utc: epoch milliseconds
 * - local: wall clock in the bundle's zone, encoded as if it were UTC
 * - local-noyear: like local, but the source omits the year (classic syslog);
 *   encoded in the year 2000 (a leap year, so Feb 29 survives) and placed in
 *   the year that puts it at or before collection time
 * - uptime: seconds since boot (dmesg)
 * - collected: the instant the bundle was collected (snapshots with no clock)
 */
export type TimeBase = 'utc' | 'local' | 'local-noyear' | 'uptime' | 'collected';

export interface Subject {
  pid?: number;
  comm?: string;
  device?: string;
  node?: string;
  domain?: string;
  cgroup?: string;
  /** a memory pool, e.g. hugepages-1048576kB: the hugepages of one size */
  pool?: string;
  /** a mount point, e.g. /srv/data */
  mount?: string;
}

export interface Remediation {
  action: string;
  detail: string;
  expectedImpact: string;
  risk?: string;
  rollback?: string;
  verify?: string;
  reboot?: boolean;
}

export interface Finding {
  id: string;
  rule: string;
  class: FindingClass;
  title: string;
  message: string;
  severity: Severity;
  score: number;
  confidence: number;
  window: { start: string; end: string } | null;
  subject: Subject;
  metrics: Record<string, number>;
  evidence: Evidence[];
  /** every pid the finding's events name, when more than one (a cgroup's OOM kills: the subject's is the largest victim); links on pid match any */
  pids?: number[];
  causes: string[];
  effects: string[];
  /** findings of another rule that measured the same episode by other means, ranked above this one (correlations.yaml `same`) */
  sameEpisodeAs?: string[];
  /**
   * The rule's own severity and score, when correlation changed them (ranked
   * below a cause, raised for an effect): what the finding is on its own, for
   * comparing two bundles. Absent when unchanged.
   */
  own?: { severity: Severity; score: number };
  /**
   * True when the finding is a state or counter read when the bundle was
   * collected (its window is that one instant), not something that happened
   * then: the report says "read at collection" rather than "began".
   */
  readAtCollection?: true;
  reasoning: string[];
  remediation: Remediation[];
  references: string[];
}

export interface BundleFacts {
  path: string;
  hostname: string | null;
  kernel: string | null;
  /** the distribution (os-release's PRETTY_NAME); absent from reports written before it was read */
  os?: string | null;
  cpus: number | null;
  numaNodes: number | null;
  memTotalKiB: number | null;
  collectedAt: string | null;
  timezone: string | null;
  bootTime: string | null;
}

export interface CoverageEntry {
  source: string;
  files: string[];
  records: number;
  from: string | null;
  to: string | null;
  format: string | null;
  diagnostics: number;
}
