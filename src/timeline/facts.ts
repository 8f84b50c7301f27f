import type { BundleFacts, Diagnostic } from '../model.js';
import { Clock, localToUtc, parseZone, toIso, UTC_ZONE, zoneLabel, type Zone } from './clock.js';
import type { RecordStore } from './store.js';

/** Host-wide facts carry no labels; per-node or per-device ones of the same name are passed over. */
function numberFact(store: RecordStore, name: string): number | null {
  for (const f of store.facts) {
    if (f.name === name && typeof f.value === 'number' && Number.isFinite(f.value) && Object.keys(f.labels).length === 0) return f.value;
  }
  return null;
}

function stringFact(store: RecordStore, name: string): string | null {
  for (const f of store.facts) if (f.name === name && typeof f.value === 'string' && f.value.trim() !== '') return f.value.trim();
  return null;
}

/**
 * One zone per bundle, chosen from the most explicit evidence: the user's
 * --tz, an IANA name (timedatectl), the offset between `date` and
 * `date --utc`, a stated offset. Abbreviations like CST are ambiguous and are
 * not guessed: the diagnostic asks for --tz instead.
 */
export function deriveZone(store: RecordStore, tzOverride: string | undefined, diagnostics: Diagnostic[]): Zone {
  if (tzOverride) {
    const z = parseZone(tzOverride);
    if (z) return z;
    diagnostics.push({ source: '--tz', severity: 'error', message: `unknown time zone "${tzOverride}"; use an IANA name such as Europe/Paris or an offset such as +01:00` });
  }
  // Several files state a zone (date says CET, timedatectl says Europe/Berlin): the resolvable one wins.
  const named = stringFact(store, 'time.zone');
  for (const f of store.facts) {
    if (f.name !== 'time.zone' || typeof f.value !== 'string') continue;
    const z = parseZone(f.value.trim());
    if (z) return z;
  }
  const local = numberFact(store, 'time.collectedLocal');
  const utc = numberFact(store, 'time.collectedUtc');
  if (local !== null && utc !== null) {
    // date and date --utc run a moment apart: round the offset to 15 minutes.
    const offsetMin = Math.round((local - utc) / 60000 / 15) * 15;
    if (Math.abs(offsetMin) <= 14 * 60) {
      const z = parseZone(formatOffsetMin(offsetMin));
      if (z) return z;
    }
  }
  const stated = numberFact(store, 'time.zoneOffsetMin');
  if (stated !== null) {
    const z = parseZone(formatOffsetMin(stated));
    if (z) return z;
  }
  if (named) {
    diagnostics.push({ source: 'date', severity: 'warning', message: `time zone "${named}" is an abbreviation that cannot be resolved without guessing; times are read as UTC: pass --tz to correct them` });
  } else if (store.files.length > 0) {
    diagnostics.push({ source: 'timeline', severity: 'warning', message: 'the bundle does not say its time zone (no date/timedatectl output); local times are read as UTC: pass --tz to correct them' });
  }
  return UTC_ZONE;
}

function formatOffsetMin(offsetMin: number): string {
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function deriveClock(store: RecordStore, tzOverride: string | undefined, diagnostics: Diagnostic[]): Clock {
  const zone = deriveZone(store, tzOverride, diagnostics);
  let collected = numberFact(store, 'time.collectedUtc');
  if (collected === null) {
    const local = numberFact(store, 'time.collectedLocal');
    if (local !== null) collected = localToUtc(zone, local);
  }
  let boot = numberFact(store, 'time.bootUtc');
  const uptime = numberFact(store, 'time.uptimeSec');
  if (boot === null && uptime !== null && collected !== null) boot = collected - uptime * 1000;
  if (boot !== null && uptime !== null && collected !== null) {
    const viaUptime = collected - uptime * 1000;
    // uptime and btime disagree by more than the collection takes: say so, keep btime.
    if (Math.abs(viaUptime - boot) > 15 * 60 * 1000) {
      diagnostics.push({ source: 'proc/stat', severity: 'info', message: `boot time from btime (${toIso(zone, boot)}) and from uptime (${toIso(zone, viaUptime)}) differ by ${Math.round(Math.abs(viaUptime - boot) / 60000)} min; btime is used` });
    }
  }
  return new Clock(zone, boot, collected);
}

export function bundleFacts(store: RecordStore, clock: Clock, path: string): BundleFacts {
  const cpus = numberFact(store, 'host.cpus');
  const nodes = numberFact(store, 'host.numaNodes');
  const memTotal = numberFact(store, 'meminfo.MemTotal');
  return {
    path,
    hostname: stringFact(store, 'host.hostname'),
    kernel: stringFact(store, 'host.kernel'),
    cpus,
    numaNodes: nodes,
    memTotalKiB: memTotal,
    collectedAt: clock.collectedMs === null ? null : toIso(clock.zone, clock.collectedMs),
    timezone: zoneLabel(clock.zone),
    bootTime: clock.bootMs === null ? null : toIso(clock.zone, clock.bootMs),
  };
}
