import type { BundleFacts, Diagnostic } from '../model.js';
import type { TzifRules } from '../parsers/localtime.js';
import { Clock, formatOffset, localToUtc, offsetAt, parseZone, toIso, UTC_ZONE, zoneByFileName, zoneLabel, type Zone } from './clock.js';
import { parsePosixTz } from './posix-tz.js';
import type { RecordStore } from './store.js';

/** Host-wide facts carry no labels; per-node or per-device ones of the same name are passed over. */
export function numberFact(store: RecordStore, name: string): number | null {
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
 * --tz, an IANA name (timedatectl), the zone /etc/localtime links to, the
 * rules of /etc/localtime itself (a TZif file), the zone a configuration file
 * names (/etc/timezone, /etc/sysconfig/clock), the offset between `date` and
 * `date --utc`, a stated offset. Abbreviations like CST are ambiguous and are
 * not guessed: the diagnostic asks for --tz instead.
 */
export function deriveZone(store: RecordStore, tzOverride: string | undefined, diagnostics: Diagnostic[]): Zone {
  if (tzOverride) {
    const z = parseZone(tzOverride);
    if (z) return z;
    diagnostics.push({ source: '--tz', severity: 'error', message: `unknown time zone "${tzOverride}"; use an IANA name such as Europe/Paris, an offset such as +01:00 or a POSIX TZ string such as CET-1CEST,M3.5.0,M10.5.0/3` });
  }
  // Several files state a zone (date says CET, timedatectl says Europe/Berlin): the resolvable one wins,
  // a name before a fixed offset (date's GMT is London's winter as well as UTC).
  const named = stringFact(store, 'time.zone');
  const local = numberFact(store, 'time.collectedLocal');
  const utc = numberFact(store, 'time.collectedUtc');
  // date and date --utc run a moment apart: round the offset to 15 minutes.
  const measured = local !== null && utc !== null ? Math.round((local - utc) / 60000 / 15) * 15 : null;
  const at = measured === null || utc === null ? null : { offsetMin: measured, atUtc: utc };
  let stampedFixed: Zone | null = null;
  for (const f of store.facts) {
    if (f.name !== 'time.zone' || typeof f.value !== 'string') continue;
    const z = parseZone(f.value.trim());
    if (z && z.kind !== 'fixed') return z.kind === 'iana' ? onHostRules(z, store, at, utc, diagnostics) : z;
    stampedFixed ??= z;
  }
  const configured = configuredZone(store, at, diagnostics);
  if (configured) return configured.kind === 'iana' ? onHostRules(configured, store, at, utc, diagnostics) : configured;
  if (stampedFixed) return stampedFixed;
  if (measured !== null && Math.abs(measured) <= 14 * 60) {
    const z = parseZone(formatOffset(measured));
    if (z) return z;
  }
  const stated = numberFact(store, 'time.zoneOffsetMin');
  if (stated !== null) {
    const z = parseZone(formatOffset(stated));
    if (z) return z;
  }
  if (named) {
    diagnostics.push({ source: 'date', severity: 'warning', message: `time zone "${named}" is an abbreviation that cannot be resolved without guessing; times are read as UTC: pass --tz to correct them` });
  } else if (store.files.length > 0) {
    diagnostics.push({ source: 'timeline', severity: 'warning', message: 'the bundle does not say its time zone (no date/timedatectl output); local times are read as UTC: pass --tz to correct them' });
  }
  return UTC_ZONE;
}

/** Facts that name the host's zone in files, most direct first. */
const CONFIGURED_ZONE_FACTS = ['time.zoneLink', 'time.zoneRules', 'time.zoneConfigured'] as const;

/**
 * The zone the host's files give (etc/localtime and configuration files), when
 * it agrees with the offset `date` and `date --utc` measured at collection: a
 * configuration file can be stale, and the measured offset is what the logs
 * were written with at that moment.
 */
function configuredZone(store: RecordStore, measured: { offsetMin: number; atUtc: number } | null, diagnostics: Diagnostic[]): Zone | null {
  for (const name of CONFIGURED_ZONE_FACTS) {
    for (const f of store.facts) {
      if (f.name !== name || typeof f.value !== 'string') continue;
      const source = store.files[f.fileIdx]?.path ?? name;
      const z = name === 'time.zoneRules' ? zoneOfTzif(f.value) : zoneByFileName(f.value.trim());
      if (!z) {
        diagnostics.push({ source, severity: 'info', message: name === 'time.zoneRules' ? 'its time zone rules could not be used' : `names the zone "${f.value.trim().slice(0, 80)}", which this tz database does not know` });
        continue;
      }
      if (measured !== null) {
        const at = offsetAt(z, measured.atUtc);
        if (at !== measured.offsetMin) {
          diagnostics.push({ source, severity: 'warning', message: `names the zone ${zoneLabel(z)} (${formatOffset(at)} at collection), but date and date --utc differ by ${formatOffset(measured.offsetMin)}: the file is stale or the host's clock was set otherwise; the measured offset is used` });
          continue;
        }
      }
      return z.kind !== 'iana' && name === 'time.zoneRules' ? (namedRules(z, store, measured?.atUtc ?? null) ?? z) : z;
    }
  }
  return null;
}

/**
 * The host's own rules for a zone: /etc/localtime when it is a TZif file, else the zone file a link
 * names, as sos copies it beside the link; either only when it agrees with the offset `date` measured.
 */
function hostRules(store: RecordStore, name: string, measured: { offsetMin: number; atUtc: number } | null): TzifZone | null {
  let json = store.facts.find((f) => f.name === 'time.zoneRules' && typeof f.value === 'string')?.value;
  json ??= store.facts.find((f) => f.name === 'time.zoneFile' && typeof f.value === 'string' && zoneFileName(f.value) === name)?.value;
  const z = typeof json === 'string' ? zoneOfTzif(json) : null;
  if (!z || (measured !== null && offsetAt(z, measured.atUtc) !== measured.offsetMin)) return null;
  return z;
}

/**
 * A named zone read with the host's own rules when its /etc/localtime is a TZif file: libc wrote the
 * logs with that file, and its tz data can be older or newer than this tool's (a country that moved
 * its DST dates, or dropped DST, since either was built).
 */
function onHostRules(named: Zone & { kind: 'iana' }, store: RecordStore, measured: { offsetMin: number; atUtc: number } | null, collectedUtc: number | null, diagnostics: Diagnostic[]): Zone {
  const rules = hostRules(store, named.name, measured);
  if (!rules) return named;
  if (collectedUtc !== null) {
    const ours = offsetAt(named, collectedUtc);
    const host = offsetAt(rules, collectedUtc);
    if (ours !== host) {
      diagnostics.push({ source: 'etc/localtime', severity: 'info', message: `the host's rules for ${named.name} give ${formatOffset(host)} at collection where this tool's tz database gives ${formatOffset(ours)}: the host's are used, as its logs were written with them` });
    }
  }
  return { ...rules, label: named.name };
}

/**
 * The TZif's rules labelled by the zone a configuration file names (RHEL 6 copies the zone into
 * /etc/localtime and names it in /etc/sysconfig/clock), when the two agree at collection (or now).
 */
function namedRules(rules: TzifZone, store: RecordStore, atUtc: number | null): Zone | null {
  const when = atUtc ?? Date.now();
  for (const f of store.facts) {
    if (f.name !== 'time.zoneConfigured' || typeof f.value !== 'string') continue;
    const z = zoneByFileName(f.value.trim());
    if (z?.kind === 'iana' && offsetAt(z, when) === offsetAt(rules, when)) return { ...rules, label: z.name };
  }
  return null;
}

function zoneFileName(json: string): string | null {
  try {
    const name = (JSON.parse(json) as { name?: unknown }).name;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

/** A zone from a decoded TZif file (parsers/localtime.ts), labelled by its rule. */
type TzifZone = Exclude<Zone, { kind: 'iana' }>;

function zoneOfTzif(json: string): TzifZone | null {
  let rules: TzifRules;
  try {
    rules = JSON.parse(json) as TzifRules;
  } catch {
    return null;
  }
  if (!Array.isArray(rules.transitions) || !Array.isArray(rules.offsets) || rules.transitions.length !== rules.offsets.length) return null;
  const rule = rules.footer ? parsePosixTz(rules.footer) : null;
  const label = rule ? rule.text : `${rules.abbreviations.slice(0, 4).join('/') || 'unnamed zone'} (etc/localtime)`;
  const minutes = (sec: number): number => Math.round(sec / 60);
  if (rules.transitions.length === 0 && rule && !rule.dst) return { kind: 'fixed', offsetMin: minutes(rule.stdOffsetSec), label };
  return { kind: 'rules', label, transitions: rules.transitions.map((t) => t * 1000), offsets: rules.offsets.map(minutes), initialOffsetMin: minutes(rules.initial), rule };
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
    os: stringFact(store, 'os.prettyName'),
    cpus,
    numaNodes: nodes,
    memTotalKiB: memTotal,
    collectedAt: clock.collectedMs === null ? null : toIso(clock.zone, clock.collectedMs),
    timezone: zoneLabel(clock.zone),
    bootTime: clock.bootMs === null ? null : toIso(clock.zone, clock.bootMs),
  };
}
