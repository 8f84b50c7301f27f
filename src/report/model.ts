import type { Zone } from '../timeline/clock.js';
import type { KvmInventory } from '../timeline/kvm.js';
import type { SettingDrift } from '../timeline/boot-settings.js';
import type { BundleFacts, CoverageEntry, Diagnostic, Finding, FindingClass, Labels } from '../model.js';

/** What report.json holds: the stable contract (schema/report.schema.json). */
export interface Report {
  schemaVersion: 1;
  tool: { name: 'sosmortem'; version: string };
  bundle: BundleFacts;
  coverage: CoverageEntry[];
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** additions beyond the minimal contract; readers must ignore what they do not know */
  analysis: AnalysisInfo;
}

export interface AnalysisInfo {
  generatedAt: string;
  rulesetVersion: string;
  /** the span every sample and event covers, in the bundle's zone */
  window: { start: string; end: string } | null;
  /** every rule considered, and why it did or did not fire */
  checks: RuleCheck[];
  /** where the bundle came from: a hash of its bytes (archives) or of its file list (directories) */
  bundleHash: string | null;
  /**
   * Kernel settings the boot configuration (sysctl.conf, sysctl.d) names, against their running values
   * (sysctl -a): how many were compared and those that differ. Absent when the bundle has no pair to compare.
   */
  settings?: {
    compared: number;
    drift: SettingDrift[];
    /** the active TuneD profile, whose sysctl lines count as boot settings */ tunedProfile?: string;
    /** reapply_sysctl = 0: the profile's value wins over the files' */ tunedOverFiles?: boolean;
  };
}

export interface RuleCheck {
  rule: string;
  class: FindingClass;
  title: string;
  /** not-applicable: a rule scoped to KVM hosts, on a bundle that shows no libvirt or QEMU */
  status: 'fired' | 'clear' | 'no-data' | 'not-applicable' | 'error';
  detail: string;
  /** no-data: how to collect what the rule needs, when the rule says */
  collect?: string;
}

/** A time series reduced for drawing: [epoch ms, value] pairs. */
export interface ChartSeries {
  metric: string;
  labels: Labels;
  points: [number, number][];
}

export interface TimelineEventView {
  type: string;
  t: number;
  label: string;
  labels: Labels;
  source: string;
  line: number;
  /** how many events of this kind and subject it stands for in the same second (an OOM storm kills a respawning worker dozens of times a second); absent for one */
  count?: number;
}

/** Per finding, what its charts draw: the signals, the threshold and, for leaks, the fitted line. */
export interface FindingChart {
  findingId: string;
  title: string;
  unit: string;
  series: ChartSeries[];
  threshold?: number;
  fit?: { slopePerMs: number; intercept: number; from: number; to: number };
  windowStart: number | null;
  windowEnd: number | null;
}

/**
 * Everything a renderer needs: the report plus data for charts. Renderers
 * never parse bundles and never decide anything; they present this.
 */
export interface ReportModel {
  report: Report;
  /** epoch ms of the analysis window, for axis domains */
  span: { start: number; end: number } | null;
  /** the bundle's zone name (IANA, offset or POSIX TZ rule), for formatting times on charts */
  zone: string;
  /** the zone itself, when the name alone does not give it back (a TZif file's transitions) */
  timeZone?: Zone;
  /** standard charts: cpu stacked, run queue, memory/swap, per-disk */
  series: ChartSeries[];
  events: TimelineEventView[];
  findingCharts: FindingChart[];
  /** KVM hosts: the guest inventory (pinning, numatune, hugepages, disks), vCPU → CPU → node map, overcommit */
  kvm?: KvmInventory | null;
  /** every threshold of the rules that ran, with its reason and source, for the appendix */
  thresholds?: ThresholdView[];
  /** spans with no samples at all inside the analysis window (collection gaps) */
  gaps?: { start: number; end: number }[];
  /** NUMA locality per host node (numastat / sysfs node numastat); hitCount/missCount are the local_node/other_node pages behind it */
  numa?: { node: string; localityPct: number; hitCount?: number; missCount?: number }[];
  /** physical cores (sockets × cores per socket, from lscpu), for the vCPUs-per-core guidance */
  hostCores?: number | null;
  /** output options that renderers honour */
  options: { paper: 'A4' | 'Letter'; redact: boolean };
}

export interface ThresholdView {
  rule: string;
  name: string;
  value: number;
  unit: string | null;
  reason: string;
  ref: string | null;
}
