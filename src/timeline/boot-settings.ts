/**
 * What the host will be set to at its next boot, from the files sos copied:
 * the sysctl settings systemd-sysctl (or procps' `sysctl --system`) applies,
 * those of the active TuneD profile, and the hugepage pools the kernel command
 * line and those settings reserve.
 * A setting changed at run time and never written down is lost at the next
 * reboot; rules compare these `*.boot` facts with the running values.
 *
 * sysctl.d(5): files are applied in the order of their names, whatever their
 * directory; of two files of one name, the one in /etc wins over /run, which
 * wins over /usr/local/lib and /usr/lib (and /lib); a link to /dev/null masks
 * the file of its name; /etc/sysctl.conf is applied last (procps), or is the
 * link 99-sysctl.conf (systemd). Of two settings of one key, the later wins.
 */
import { compareText } from '../compare-text.js';
import { sysctlValue } from '../parsers/sysctl.js';
import { numberFact } from './facts.js';
import type { FactEntry, RecordStore } from './store.js';

const DIR_PRECEDENCE: readonly [RegExp, number][] = [
  [/^etc\/sysctl\.d\//, 0],
  [/^run\/sysctl\.d\//, 1],
  [/^usr\/local\/lib\/sysctl\.d\//, 2],
  [/^(?:usr\/)?lib\/sysctl\.d\//, 3],
];

export function resolveBootSettings(store: RecordStore): void {
  const byFile = new Map<number, FactEntry[]>();
  for (const f of store.facts) {
    if (!f.name.startsWith('sysctl.file') && f.name !== 'sysctl.fileMasked') continue;
    const list = byFile.get(f.fileIdx) ?? [];
    list.push(f);
    byFile.set(f.fileIdx, list);
  }
  const chosen = new Map<string, { idx: number; rank: number }>();
  let sysctlConf: number | null = null;
  store.files.forEach((file, idx) => {
    if (file.parser !== 'sysctl-conf') return;
    if (file.path === 'etc/sysctl.conf') {
      sysctlConf = idx;
      return;
    }
    const rank = DIR_PRECEDENCE.find(([re]) => re.test(file.path))?.[1];
    if (rank === undefined) return;
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    const held = chosen.get(name);
    if (!held || rank < held.rank) chosen.set(name, { idx, rank });
  });
  const order = [...chosen].sort(([a], [b]) => compareText(a, b)).map(([, c]) => c.idx);
  if (sysctlConf !== null) order.push(sysctlConf);

  const settled = new Map<string, FactEntry>();
  for (const idx of order) {
    for (const f of byFile.get(idx) ?? []) {
      if (f.name.startsWith('sysctl.file.')) settled.set(f.name.slice('sysctl.file.'.length), f);
    }
  }
  // TuneD applies its profile's sysctl settings after systemd-sysctl, then (reapply_sysctl, on by
  // default) applies the sysctl files again: a key both name keeps the files' value.
  const fromTuned = new Set<string>();
  const reapply = numberFact(store, 'tuned.reapplySysctl') ?? 1;
  const tuned = tunedProfile(store);
  for (const [key, f] of tuned.sysctl) {
    if (reapply !== 0 && settled.has(key)) continue;
    settled.set(key, f);
    fromTuned.add(key);
  }
  for (const [key, f] of settled) store.facts.push({ name: `sysctl.boot.${key}`, value: f.value, labels: {}, fileIdx: f.fileIdx, line: f.line });

  // Hugepage pools at boot: hugepages= on the command line first, then systemd-sysctl's vm.nr_hugepages
  // (it runs after the kernel has reserved them, and sets the default size's pool to its count).
  const defaultKiB = numberFact(store, 'boot.defaultHugepageKiB') ?? numberFact(store, 'meminfo.Hugepagesize');
  const pools = new Map<number, { f: FactEntry; from: 'cmdline' | 'sysctl' | 'tuned' }>();
  for (const f of store.facts) {
    if (f.name !== 'boot.hugepages' || typeof f.value !== 'number') continue;
    const size = f.labels.size === 'default' ? defaultKiB : Number(f.labels.size);
    // the kernel keeps the first count given for a size and ignores a repeat
    if (size !== null && size !== undefined && Number.isFinite(size) && !pools.has(size)) pools.set(size, { f, from: 'cmdline' });
  }
  const nr = settled.get('vm.nr_hugepages');
  if (nr && typeof nr.value === 'number' && defaultKiB !== null) pools.set(defaultKiB, { f: nr, from: fromTuned.has('vm.nr_hugepages') ? 'tuned' : 'sysctl' });
  for (const [sizeKiB, { f, from }] of pools)
    store.facts.push({ name: 'hugepages.boot', value: f.value, labels: { sizeKiB: String(sizeKiB), from }, fileIdx: f.fileIdx, line: f.line });

  // THP's mode: the command line's from boot on, then TuneD's once it starts
  const cmdlineThp = store.facts.find((f) => f.name === 'boot.thp');
  const thp = tuned.thp ? { f: tuned.thp, from: 'tuned' } : cmdlineThp ? { f: cmdlineThp, from: 'cmdline' } : null;
  if (thp) store.facts.push({ name: 'thp.boot', value: thp.f.value, labels: { from: thp.from }, fileIdx: thp.f.fileIdx, line: thp.f.line });
}

/**
 * The sysctl settings of the active TuneD profile, as tuned merges them: the profiles it includes
 * first (their own includes before them), then its own lines over theirs; a profile in /etc/tuned
 * replaces the shipped one of its name; `replace=1` in a [sysctl] section drops what the parents set;
 * `${name}` is a [variables] entry of the chain. Values tuned computes at run time (`${f:…}`) are not
 * known from the files and are left out.
 */
function tunedProfile(store: RecordStore): { sysctl: Map<string, FactEntry>; thp: FactEntry | null } {
  const out = new Map<string, FactEntry>();
  let thp: FactEntry | null = null;
  const active = store.facts.find((f) => f.name === 'tuned.activeProfile' && typeof f.value === 'string')?.value;
  if (typeof active !== 'string' || active.trim() === '') return { sysctl: out, thp };
  const inEtc = new Set<string>();
  for (const f of store.facts) if (f.name === 'tuned.profile' && f.labels['dir'] === 'etc') inEtc.add(String(f.labels['profile']));
  const ofProfile = (name: string, kind: string): FactEntry[] =>
    store.facts.filter((f) => f.name === kind && f.labels['profile'] === name && f.labels['dir'] === (inEtc.has(name) ? 'etc' : 'usr'));
  const variables = new Map<string, string>();
  const seen = new Set<string>();
  const apply = (name: string, depth: number): void => {
    // tuned itself stops at a loop; a bundle could hold one, or a chain of thousands
    if (seen.has(name) || depth > 16) return;
    seen.add(name);
    for (const inc of ofProfile(name, 'tuned.include')) for (const parent of String(inc.value).split(/[\s,]+/)) if (parent) apply(parent, depth + 1);
    for (const v of ofProfile(name, 'tuned.variable')) variables.set(String(v.labels['name']), String(v.value));
    thp = ofProfile(name, 'tuned.thp').pop() ?? thp;
    if (ofProfile(name, 'tuned.sysctlReplace').length > 0) out.clear();
    for (const f of ofProfile(name, 'tuned.sysctl')) {
      const value = String(f.value).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, v: string) => variables.get(v) ?? whole);
      const key = String(f.labels['key']);
      if (value.includes('${')) out.delete(key);
      else out.set(key, { ...f, name: `sysctl.file.${key}`, labels: {}, value: sysctlValue(value) });
    }
  };
  for (const name of active.trim().split(/\s+/)) apply(name, 0);
  return { sysctl: out, thp };
}

/** A kernel setting whose running value is not the one the next boot applies. */
export interface SettingDrift {
  key: string;
  running: string;
  atBoot: string;
  /** the file and line the boot value comes from */
  source: string;
  line: number;
}

/**
 * The sysctl settings the boot configuration names, against their running
 * values (`sysctl -a`): a value set at run time and never written down goes at
 * the next reboot, and one written down but never applied comes only then.
 * Keys with a glob (net.ipv4.conf.*.rp_filter) are left out: they also reach
 * interfaces created after boot, which keep their defaults.
 */
export function settingsDrift(store: RecordStore): { compared: number; drift: SettingDrift[]; tunedProfile?: string; tunedOverFiles?: boolean } {
  const running = new Map<string, FactEntry>();
  for (const f of store.facts) {
    if (
      f.name.startsWith('sysctl.') &&
      !f.name.startsWith('sysctl.boot.') &&
      !f.name.startsWith('sysctl.file') &&
      Object.keys(f.labels).length === 0 &&
      !running.has(f.name)
    )
      running.set(f.name, f);
  }
  let compared = 0;
  const drift: SettingDrift[] = [];
  for (const f of store.facts) {
    if (!f.name.startsWith('sysctl.boot.')) continue;
    const key = f.name.slice('sysctl.boot.'.length);
    if (key.includes('*')) continue;
    const now = running.get(`sysctl.${key}`);
    if (!now) continue;
    compared++;
    const a = settingText(now.value);
    const b = settingText(f.value);
    // TuneD's ">2048" sets the key only when that raises it, "<" only when it lowers it
    const bound = /^([<>])\s*(-?\d+)$/.exec(b);
    const differs = bound ? !(bound[1] === '>' ? Number(a) >= Number(bound[2]) : Number(a) <= Number(bound[2])) : a !== b;
    const atBoot = bound ? `${bound[1] === '>' ? 'at least' : 'at most'} ${bound[2]}` : b;
    if (differs) drift.push({ key, running: a, atBoot, source: store.files[f.fileIdx]?.path ?? '', line: f.line });
  }
  drift.sort((x, y) => compareText(x.key, y.key));
  const tuned = store.facts.find((f) => f.name === 'tuned.activeProfile' && typeof f.value === 'string' && f.value.trim() !== '')?.value;
  if (typeof tuned !== 'string') return { compared, drift };
  return { compared, drift, tunedProfile: tuned.trim(), tunedOverFiles: numberFact(store, 'tuned.reapplySysctl') === 0 };
}

/** sysctl prints several values with tabs, a file with spaces: compared word by word. */
function settingText(v: string | number | boolean): string {
  return String(v).trim().split(/\s+/).join(' ');
}
