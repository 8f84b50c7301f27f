/**
 * What the host will be set to at its next boot, from the files sos copied:
 * the sysctl settings systemd-sysctl (or procps' `sysctl --system`) applies,
 * and the hugepage pools the kernel command line and those settings reserve.
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
  for (const [key, f] of settled) store.facts.push({ name: `sysctl.boot.${key}`, value: f.value, labels: {}, fileIdx: f.fileIdx, line: f.line });

  // Hugepage pools at boot: hugepages= on the command line first, then systemd-sysctl's vm.nr_hugepages
  // (it runs after the kernel has reserved them, and sets the default size's pool to its count).
  const defaultKiB = numberFact(store, 'boot.defaultHugepageKiB') ?? numberFact(store, 'meminfo.Hugepagesize');
  const pools = new Map<number, { f: FactEntry; from: 'cmdline' | 'sysctl' }>();
  for (const f of store.facts) {
    if (f.name !== 'boot.hugepages' || typeof f.value !== 'number') continue;
    const size = f.labels.size === 'default' ? defaultKiB : Number(f.labels.size);
    // the kernel keeps the first count given for a size and ignores a repeat
    if (size !== null && size !== undefined && Number.isFinite(size) && !pools.has(size)) pools.set(size, { f, from: 'cmdline' });
  }
  const nr = settled.get('vm.nr_hugepages');
  if (nr && typeof nr.value === 'number' && defaultKiB !== null) pools.set(defaultKiB, { f: nr, from: 'sysctl' });
  for (const [sizeKiB, { f, from }] of pools)
    store.facts.push({ name: 'hugepages.boot', value: f.value, labels: { sizeKiB: String(sizeKiB), from }, fileIdx: f.fileIdx, line: f.line });
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
export function settingsDrift(store: RecordStore): { compared: number; drift: SettingDrift[] } {
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
    if (a !== b) drift.push({ key, running: a, atBoot: b, source: store.files[f.fileIdx]?.path ?? '', line: f.line });
  }
  drift.sort((x, y) => compareText(x.key, y.key));
  return { compared, drift };
}

/** sysctl prints several values with tabs, a file with spaces: compared word by word. */
function settingText(v: string | number | boolean): string {
  return String(v).trim().split(/\s+/).join(' ');
}
