/**
 * Redaction for reports shared outside the team: host names, IP addresses,
 * user names and domain names become stable placeholders (host-1, ip-1,
 * user-1, domain-1), the same token getting the same placeholder in every
 * string of the model so cross-references still line up. Rule text that is
 * public by nature (reference URLs, rule ids, metric names) is left alone.
 *
 * This is a best effort over free text, not a guarantee: a name that appears
 * nowhere as a label, path or address cannot be recognised.
 */
import type { ReportModel } from './model.js';
import { compareText } from '../compare-text.js';

/** keys whose values are public vocabulary or rule data, not bundle content */
const SKIP_KEYS = new Set([
  'references',
  'rule',
  'class',
  'metric',
  'severity',
  'status',
  'type',
  'schemaVersion',
  'tool',
  'zone',
  'timezone',
  'rulesetVersion',
  'unit',
  'paper',
  'generatedAt',
  'bundleHash',
  'collectedAt',
  'bootTime',
  'start',
  'end',
  'from',
  'to',
  // rule data: reasons and sources are public text, and a source's URL must stay a working link
  'thresholds',
]);

const SYSTEM_USERS = new Set([
  'root', 'nobody', 'daemon', 'bin', 'sys', 'adm', 'lp', 'mail', 'dbus', 'polkitd', 'chrony', 'rpc', 'rpcuser', 'sshd',
  'postfix', 'qemu', 'libvirt', 'tss', 'systemd-network', 'systemd-resolve', 'systemd-timesync', 'avahi', 'colord', 'rtkit',
  'ntp', 'www-data', 'apache', 'nginx', 'mysql', 'postgres', 'unbound', 'setroubleshoot', 'saslauth', 'dnsmasq', 'sssd',
]);

/** TLDs worth recognising; file extensions that look like ccTLDs (.so .py .sh .gz .ko .pl .md) are deliberately absent */
const TLDS = new Set([
  'com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'io', 'co', 'uk', 'de', 'fr', 'nl', 'se', 'no', 'fi', 'dk', 'es', 'it', 'ch',
  'at', 'be', 'cz', 'ru', 'cn', 'jp', 'kr', 'au', 'ca', 'br', 'us', 'eu', 'info', 'biz', 'local', 'lan', 'internal', 'corp',
  'home', 'localdomain', 'example', 'invalid', 'test', 'intra', 'cloud', 'dev', 'app', 'priv', 'arpa',
]);

const IPV4 = /(?<![0-9.])(?:\d{1,3}\.){3}\d{1,3}(?![0-9]|\.[0-9])/g;
const HEXRUN = /(?<![0-9A-Za-z:.])[0-9A-Fa-f:]{2,45}(?![0-9A-Za-z:])/g;
const FQDN = /(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9_-])/g;
const HOME = /\/home\/([A-Za-z_][A-Za-z0-9_.-]{0,31})/g;

function isIpv4(s: string): boolean {
  return s.split('.').every((o) => Number(o) <= 255);
}

/** Colon runs that are IPv6 addresses and not times (10:42:17) or MACs. */
function isIpv6(s: string): boolean {
  const doubles = s.split('::').length - 1;
  if (doubles > 1) return false;
  const groups = s.split(':').filter((g) => g !== '');
  if (groups.length === 0 || groups.some((g) => g.length > 4)) return false;
  const colons = s.split(':').length - 1;
  return doubles === 1 ? colons >= 2 : colons === 7;
}

function isFqdn(s: string): boolean {
  const tld = s.slice(s.lastIndexOf('.') + 1);
  // a TLD is lower case in practice; Java packages (c.e.o.cache.OrderCache) are not
  return tld === tld.toLowerCase() && TLDS.has(tld);
}

type Kind = 'host' | 'ip' | 'user' | 'domain';

class Placeholders {
  private readonly map = new Map<string, string>();
  private readonly counts: Record<Kind, number> = { host: 0, ip: 0, user: 0, domain: 0 };

  add(token: string, kind: Kind): void {
    if (!token || this.map.has(token)) return;
    this.counts[kind]++;
    this.map.set(token, `${kind}-${this.counts[kind]}`);
  }

  alias(token: string, of: string): void {
    const target = this.map.get(of);
    if (token && target && !this.map.has(token)) this.map.set(token, target);
  }

  /** One pass per string: longest tokens first, whole tokens only (not inside a longer word). */
  replacer(): (s: string) => string {
    if (this.map.size === 0) return (s) => s;
    const tokens = [...this.map.keys()].sort((a, b) => b.length - a.length || compareText(a, b));
    const alternation = tokens.map((t) => t.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|');
    const re = new RegExp(`(?<![A-Za-z0-9])(?:${alternation})(?![A-Za-z0-9])`, 'g');
    return (s) => s.replace(re, (m) => this.map.get(m) ?? m);
  }
}

function walkStrings(node: unknown, key: string, visit: (s: string, key: string) => string | void): unknown {
  if (typeof node === 'string') return visit(node, key) ?? node;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = walkStrings(node[i], key, visit);
    return node;
  }
  if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (SKIP_KEYS.has(k)) continue;
      Reflect.set(node, k, walkStrings(v, k, visit));
    }
  }
  return node;
}

/** A copy of the model with host, address, user and domain names replaced consistently. */
export function redactModel(model: ReportModel): ReportModel {
  const copy = structuredClone(model);
  const ph = new Placeholders();
  const hostname = copy.report.bundle.hostname;
  if (hostname) {
    ph.add(hostname, 'host');
    const short = hostname.split('.')[0] ?? '';
    // a two-letter or generic short name would redact ordinary words
    if (short !== hostname && short.length >= 3 && short !== 'localhost') ph.alias(short, hostname);
  }
  const users = new Set<string>();
  for (const s of copy.series) if (s.labels['user']) users.add(s.labels['user']);
  for (const e of copy.events) if (e.labels['user']) users.add(e.labels['user']);

  walkStrings(copy, '', (s) => {
    for (const m of s.matchAll(IPV4)) if (isIpv4(m[0]) && !m[0].startsWith('127.') && m[0] !== '0.0.0.0') ph.add(m[0], 'ip');
    for (const m of s.matchAll(HEXRUN)) if (isIpv6(m[0]) && m[0] !== '::1' && m[0] !== '::') ph.add(m[0], 'ip');
    for (const m of s.matchAll(FQDN)) if (isFqdn(m[0]) && m[0] !== hostname) ph.add(m[0], 'domain');
    for (const m of s.matchAll(HOME)) if (m[1]) users.add(m[1]);
  });
  for (const u of [...users].sort()) if (!SYSTEM_USERS.has(u) && u.length >= 2) ph.add(u, 'user');

  const replace = ph.replacer();
  walkStrings(copy, '', (s) => replace(s));
  copy.options = { ...copy.options, redact: true };
  return copy;
}
