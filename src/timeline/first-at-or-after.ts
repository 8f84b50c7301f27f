/**
 * The index of the first item placed at or after `at` in items sorted by time (those without a time
 * last), by binary search: rules and joins look up a window among up to 200 000 events of a hostile
 * log, which a scan per lookup would make quadratic. `items.length` when none is.
 */
export function firstAtOrAfter<T>(items: readonly T[], at: number, timeOf: (item: T) => number | null): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = timeOf(items[mid] as T);
    if (t !== null && t < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
