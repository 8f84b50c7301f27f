/**
 * Which file's word counts when several state the same fact. Everything
 * downstream (the report header, the rules' `host.cpus`, the clock) takes the
 * first fact of a name, and facts arrive in the order the bundle was walked:
 * name order for a directory, the archiver's order for a tar. The same bundle
 * then gave a different host, CPU count or NUMA node count as a directory and
 * as a .tar.xz when its files disagreed. Facts are put in a fixed order
 * instead: the most direct source of each fact first, then by path.
 */
import type { Diagnostic } from '../model.js';
import type { FactEntry, RecordStore } from './store.js';

/**
 * Parsers by how directly they observe a fact, most direct first; a parser not
 * listed comes after the listed ones. Why this order:
 * - hostname: `hostname` is the name itself; uname's nodename is the same
 *   kernel field; sar and iostat headers repeat it as it was when that day's
 *   file was written, and an attached file may come from another host.
 * - cpus: lscpu counts every CPU the kernel knows; cpuinfo and proc/stat list
 *   the online ones (fewer when some are offline); sar and iostat state the
 *   count on the day they ran, before any hotplug or VM resize.
 * - numaNodes: numactl --hardware lists the nodes with their memory; lscpu
 *   counts the same nodes.
 * - kernel, arch: uname at collection time; sar and iostat as they ran.
 * - collection time: `date` ran during the collection; the manifest's start
 *   time is from the same run, a few seconds earlier.
 * - a hugepage pool: sysfs has a file per count and page size; meminfo prints
 *   the same counters of the default size only.
 */
const MOST_DIRECT_FIRST: Record<string, readonly string[]> = {
  'host.hostname': ['hostname', 'uname', 'sar-xml', 'sar', 'iostat'],
  'host.cpus': ['lscpu', 'cpuinfo', 'proc-stat', 'sar-xml', 'sar', 'iostat'],
  'host.numaNodes': ['numactl', 'lscpu'],
  'host.kernel': ['uname', 'sar-xml', 'sar', 'iostat'],
  'host.arch': ['uname', 'lscpu', 'sar-xml', 'sar', 'iostat'],
  'hugepages.total': ['sys-mm', 'meminfo'],
  'hugepages.free': ['sys-mm', 'meminfo'],
  'hugepages.reserved': ['sys-mm', 'meminfo'],
  'hugepages.surplus': ['sys-mm', 'meminfo'],
  'time.collectedUtc': ['date', 'manifest'],
  'time.collectedLocal': ['date', 'manifest'],
};

/** Facts whose sources, when they disagree, are worth a line in the report. */
const CHECKED: Record<string, { what: string; same: (a: FactEntry['value'], b: FactEntry['value']) => boolean }> = {
  'host.hostname': {
    what: 'host name',
    // db01 and db01.example.com are the same host, written short and fully qualified.
    same: (a, b) => shortName(a) === shortName(b),
  },
  'host.cpus': { what: 'CPU count', same: (a, b) => a === b },
  'host.numaNodes': { what: 'NUMA node count', same: (a, b) => a === b },
};

function shortName(v: FactEntry['value']): string {
  return String(v).trim().toLowerCase().split('.')[0] ?? '';
}

/**
 * Sorts the store's facts in place: per name, the most direct source first,
 * then by file path, then as the file stated them. Facts of different names
 * keep their relative order within a file. Returns nothing; adds a diagnostic
 * when the sources of a checked fact disagree, naming the value used.
 */
export function orderFacts(store: RecordStore, diagnostics: Diagnostic[]): void {
  const rank = (f: FactEntry): number => {
    const order = MOST_DIRECT_FIRST[f.name];
    if (!order) return 0;
    const i = order.indexOf(store.files[f.fileIdx]?.parser ?? '');
    return i < 0 ? order.length : i;
  };
  const pathOf = (f: FactEntry): string => store.files[f.fileIdx]?.path ?? '';
  const keyed = store.facts.map((f, i) => ({ f, i, rank: rank(f), path: pathOf(f) }));
  keyed.sort((a, b) => a.rank - b.rank || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.i - b.i);
  for (let i = 0; i < keyed.length; i++) store.facts[i] = (keyed[i] as (typeof keyed)[number]).f;
  noteDisagreements(store, diagnostics);
}

function noteDisagreements(store: RecordStore, diagnostics: Diagnostic[]): void {
  for (const [name, check] of Object.entries(CHECKED)) {
    const stated = store.facts.filter((f) => f.name === name && Object.keys(f.labels).length === 0);
    const used = stated[0];
    if (!used) continue;
    const others = stated.filter((f) => !check.same(f.value, used.value));
    if (others.length === 0) continue;
    const source = (f: FactEntry): string => store.files[f.fileIdx]?.path ?? '?';
    const byValue = new Map<string, string[]>();
    for (const f of others) {
      const paths = byValue.get(String(f.value)) ?? [];
      if (!paths.includes(source(f))) paths.push(source(f));
      byValue.set(String(f.value), paths);
    }
    const listed = [...byValue].map(([value, paths]) => {
      const named = paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more files` : paths.join(' and ');
      return `${named} ${paths.length > 1 ? 'say' : 'says'} ${value}`;
    });
    diagnostics.push({
      source: source(used),
      line: used.line,
      severity: 'warning',
      message: `the bundle's files disagree on the ${check.what}: this file says ${String(used.value)}, ${listed.join('; ')}. ${String(used.value)} is used (files copied from another host, or the host changed between them?)`,
    });
  }
}
