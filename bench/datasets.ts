/**
 * Deterministic benchmark bundles, written into bench/data/ (gitignored).
 * Every file is in the format the real tool prints: sysstat 12 `sar -A`
 * (C locale) with per-CPU rows, rsyslog's traditional format for
 * var/log/messages, dmesg with [uptime] stamps, procps `ps auxwww` and
 * `pmap -x`. The small system files (date, uptime, proc/stat …) come from the
 * leak-swap-oom sample so that the clock can be derived as in a real bundle.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { rng } from '../scripts/samples/lib.js';

export interface DatasetSpec {
  name: string;
  /** days of 1-minute sar, one sarDD file per day, the last one ending at collection */
  days: number;
  cpus: number;
  disks: number;
  numaNodes: number;
  syslogBytes: number;
  dmesgBytes: number;
  psSnapshots: number;
  procs: number;
  pmaps: number;
  mappings: number;
  /**
   * the kernel's share of the noise includes XFS metadata I/O errors on four
   * devices (a failing SAN path logging for the whole span): a storm of
   * events, folded at ingest. Off, the same lines are firewall drops, which
   * start no event, as a healthy host's kernel noise.
   */
  ioErrorStorm: boolean;
  /**
   * small files no parser reads (command outputs and copied configuration),
   * as in a real sosreport: one of this machine's had 4 415 entries in 18 MB
   */
  otherFiles: number;
}

const MiB = 1024 * 1024;

export const FULL: readonly DatasetSpec[] = [
  { name: 'large', days: 30, cpus: 64, disks: 30, numaNodes: 4, syslogBytes: 1024 * MiB, dmesgBytes: 48 * MiB, psSnapshots: 24, procs: 1500, pmaps: 120, mappings: 400, otherFiles: 4000, ioErrorStorm: true },
  { name: 'typical', days: 2, cpus: 16, disks: 8, numaNodes: 2, syslogBytes: 24 * MiB, dmesgBytes: 1 * MiB, psSnapshots: 2, procs: 600, pmaps: 8, mappings: 200, otherFiles: 4000, ioErrorStorm: false },
];

export const QUICK: readonly DatasetSpec[] = [
  { name: 'large-quick', days: 2, cpus: 8, disks: 4, numaNodes: 2, syslogBytes: 6 * MiB, dmesgBytes: 512 * 1024, psSnapshots: 2, procs: 200, pmaps: 4, mappings: 100, otherFiles: 400, ioErrorStorm: true },
  { name: 'typical-quick', days: 1, cpus: 4, disks: 2, numaNodes: 1, syslogBytes: 1 * MiB, dmesgBytes: 128 * 1024, psSnapshots: 1, procs: 100, pmaps: 2, mappings: 50, otherFiles: 400, ioErrorStorm: false },
];

/** Bumped whenever the generated content changes, so stale data is rebuilt. */
const GENERATOR_VERSION = 7;
const TOP = 'sosreport-db01-2026-11-20-bench';
const SKELETON = 'samples/leak-swap-oom/sosreport-db01-2026-11-20-kqzvbnd';
/** Collection: Fri Nov 20 16:05:12 CET 2026 (the skeleton's date); boot 18 d 9:52 before. */
const COLLECT_WALL = Date.UTC(2026, 10, 20, 16, 5, 12);
const UPTIME_SEC = 18 * 86400 + 9 * 3600 + 52 * 60;

export interface Dataset {
  spec: DatasetSpec;
  dir: string;
  archive: string;
  /** bytes of all files in the directory */
  bytes: number;
  files: { sar: string[]; syslog: string; dmesg: string; ps: string[]; pmap: string[] };
}

/** A buffered writer: one syscall per MiB instead of per line. */
class Out {
  private parts: string[] = [];
  private size = 0;
  private readonly fd: number;
  written = 0;
  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'w');
  }
  line(s: string): void {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size > MiB) this.flush();
  }
  private flush(): void {
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    writeSync(this.fd, buf);
    this.written += buf.length;
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const hms = (sec: number): string => `${pad2(Math.floor(sec / 3600) % 24)}:${pad2(Math.floor(sec / 60) % 60)}:${pad2(sec % 60)}`;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const f2 = (n: number): string => n.toFixed(2);
const cell = (s: string): string => s.padStart(9);

function sarDay(file: string, spec: DatasetSpec, dayStartMs: number, lastSec: number, r: () => number): void {
  const out = new Out(file);
  const d = new Date(dayStartMs);
  out.line(`Linux 5.14.0-427.13.1.el9_4.x86_64 (db01) \t${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}/${String(d.getUTCFullYear()).slice(2)} \t_x86_64_\t(${spec.cpus} CPU)`);
  out.line('');
  const times: number[] = [];
  for (let s = 60; s <= lastSec; s += 60) times.push(s);
  const section = (head: string[], rows: (t: number, i: number) => string[][]): void => {
    out.line(`${hms(0)} ${head.map(cell).join(' ')}`);
    times.forEach((t, i) => {
      for (const cells of rows(t, i)) out.line(`${hms(t)} ${cells.map(cell).join(' ')}`);
    });
    const last = times.length ? rows(times[times.length - 1] as number, times.length - 1) : [];
    for (const cells of last) out.line(`Average: ${cells.map(cell).join(' ')}`);
    out.line('');
  };
  const load = (i: number): number => 20 + 15 * Math.sin(i / 90) + r() * 5;
  const cpuRow = (name: string, base: number): string[] => {
    const usr = Math.max(0, base + r() * 8 - 4);
    const sys = r() * 4;
    const io = r() * 2;
    return [name, f2(usr), '0.00', f2(sys), f2(io), '0.00', '0.12', '0.31', '0.00', '0.00', f2(Math.max(0, 100 - usr - sys - io - 0.43))];
  };
  section(['CPU', '%usr', '%nice', '%sys', '%iowait', '%steal', '%irq', '%soft', '%guest', '%gnice', '%idle'], (_t, i) => {
    const base = load(i);
    const rows = [cpuRow('all', base)];
    for (let c = 0; c < spec.cpus; c++) rows.push(cpuRow(String(c), base));
    return rows;
  });
  section(['proc/s', 'cswch/s'], () => [[f2(r() * 20), f2(40000 + r() * 9000)]]);
  section(['pswpin/s', 'pswpout/s'], () => [['0.00', '0.00']]);
  section(['pgpgin/s', 'pgpgout/s', 'fault/s', 'majflt/s', 'pgfree/s', 'pgscank/s', 'pgscand/s', 'pgsteal/s', '%vmeff'], () => [[f2(r() * 900), f2(r() * 4000), f2(20000 + r() * 5000), f2(r() * 2), f2(30000 + r() * 5000), '0.00', '0.00', '0.00', '0.00']]);
  section(['tps', 'rtps', 'wtps', 'dtps', 'bread/s', 'bwrtn/s', 'bdscd/s'], () => [[f2(900 + r() * 200), f2(300), f2(600), '0.00', f2(r() * 9000), f2(r() * 30000), '0.00']]);
  const memTotal = 263_000_000;
  section(['kbmemfree', 'kbavail', 'kbmemused', '%memused', 'kbbuffers', 'kbcached', 'kbcommit', '%commit', 'kbactive', 'kbinact', 'kbdirty', 'kbanonpg', 'kbslab', 'kbkstack', 'kbpgtbl', 'kbvmused'], () => {
    const used = Math.round(memTotal * (0.55 + r() * 0.02));
    return [[String(memTotal - used), String(memTotal - used + 40_000_000), String(used), f2((100 * used) / memTotal), '81234', '40211000', String(Math.round(used * 1.1)), f2((110 * used) / (memTotal + 4_194_300)), '150000000', '60000000', String(Math.round(r() * 9000)), '120000000', '3000000', '61000', '900000', '310000']];
  });
  section(['kbswpfree', 'kbswpused', '%swpused', 'kbswpcad', '%swpcad'], () => [['4194300', '0', '0.00', '0', '0.00']]);
  section(['runq-sz', 'plist-sz', 'ldavg-1', 'ldavg-5', 'ldavg-15', 'blocked'], (_t, i) => [[String(Math.round(load(i) / 4)), '2400', f2(load(i) / 3), f2(load(i) / 3), f2(load(i) / 3), String(Math.round(r() * 2))]]);
  section(['DEV', 'tps', 'rkB/s', 'wkB/s', 'dkB/s', 'areq-sz', 'aqu-sz', 'await', '%util'], () => {
    const rows: string[][] = [];
    for (let k = 0; k < spec.disks; k++) {
      const tps = 20 + r() * 60;
      rows.push([`dev${k < 16 ? 8 : 65}-${(k % 16) * 16}`, f2(tps), f2(tps * 12), f2(tps * 30), '0.00', f2(42), f2(r() * 2), f2(0.4 + r() * 3), f2(r() * 40)]);
    }
    return rows;
  });
  out.close();
}

/**
 * One day of `sadf -x -- -A` (sysdata 3.11, sysstat 12.6 as Debian 12 ships it)
 * for the dataset's host, in the layout of a real capture
 * (test/fixtures/sosreport-archives/sosmortem-stress-ng-cpu.tar.xz): the XML
 * sos writes beside sarDD and that sosmortem reads in its place. Collected
 * with sysstat's default `-S DISK`: one summed interrupt counter, no per-CPU
 * ones.
 */
function sarXmlDay(file: string, spec: DatasetSpec, dayStartMs: number, lastSec: number, r: () => number): void {
  const out = new Out(file);
  const date = new Date(dayStartMs).toISOString().slice(0, 10);
  for (const l of [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE sysstat PUBLIC "DTD v3.11 sysstat //EN"',
    '"http://pagesperso-orange.fr/sebastien.godard/sysstat-3.11.dtd">',
    '<sysstat',
    'xmlns="http://pagesperso-orange.fr/sebastien.godard/sysstat"',
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    'xsi:schemaLocation="http://pagesperso-orange.fr/sebastien.godard sysstat.xsd">',
    '\t<sysdata-version>3.11</sysdata-version>',
    '\t<host nodename="db01">',
    '\t\t<sysname>Linux</sysname>',
    '\t\t<release>5.14.0-427.13.1.el9_4.x86_64</release>',
    '\t\t<machine>x86_64</machine>',
    `\t\t<number-of-cpus>${spec.cpus}</number-of-cpus>`,
    `\t\t<file-date>${date}</file-date>`,
    '\t\t<file-utc-time>00:00:01</file-utc-time>',
    '\t\t<timezone>UTC</timezone>',
    '\t\t<statistics>',
  ])
    out.line(l);
  const memTotal = 263_000_000;
  let i = 0;
  for (let sec = 60; sec <= lastSec; sec += 60, i++) {
    const t = '\t\t\t\t';
    const load = 20 + 15 * Math.sin(i / 90) + r() * 5;
    out.line(`\t\t\t<timestamp date="${date}" time="${hms(sec)}" utc="1" interval="60">`);
    out.line(`${t}<cpu-load>`);
    for (let c = -1; c < spec.cpus; c++) {
      const usr = Math.max(0, load + r() * 8 - 4);
      const sys = r() * 4;
      const io = r() * 2;
      out.line(`${t}\t<cpu number="${c < 0 ? 'all' : c}" usr="${f2(usr)}" nice="0.00" sys="${f2(sys)}" iowait="${f2(io)}" steal="0.00" irq="0.12" soft="0.31" guest="0.00" gnice="0.00" idle="${f2(Math.max(0, 100 - usr - sys - io - 0.43))}"/>`);
    }
    out.line(`${t}</cpu-load>`);
    out.line(`${t}<process-and-context-switch per="second" proc="${f2(r() * 20)}" cswch="${f2(40000 + r() * 9000)}"/>`);
    out.line(`${t}<interrupts>`);
    out.line(`${t}\t<int-global per="second">`);
    out.line(`${t}\t\t<irq intr="sum" cpu="all" value="${f2(20000 + r() * 4000)}"/>`);
    out.line(`${t}\t</int-global>`);
    out.line(`${t}</interrupts>`);
    out.line(`${t}<swap-pages per="second" pswpin="0.00" pswpout="0.00"/>`);
    out.line(`${t}<paging per="second" pgpgin="${f2(r() * 900)}" pgpgout="${f2(r() * 4000)}" fault="${f2(20000 + r() * 5000)}" majflt="${f2(r() * 2)}" pgfree="${f2(30000 + r() * 5000)}" pgscank="0.00" pgscand="0.00" pgsteal="0.00" vmeff-percent="0.00"/>`);
    out.line(`${t}<io per="second">`);
    out.line(`${t}\t<tps>${f2(900 + r() * 200)}</tps>`);
    out.line(`${t}\t<io-reads rtps="300.00" bread="${f2(r() * 9000)}"/>`);
    out.line(`${t}\t<io-writes wtps="600.00" bwrtn="${f2(r() * 30000)}"/>`);
    out.line(`${t}\t<io-discard dtps="0.00" bdscd="0.00"/>`);
    out.line(`${t}</io>`);
    const used = Math.round(memTotal * (0.55 + r() * 0.02));
    out.line(`${t}<memory unit="kB">`);
    const mem: [string, string][] = [
      ['memfree', String(memTotal - used)],
      ['avail', String(memTotal - used + 40_000_000)],
      ['memused', String(used)],
      ['memused-percent', f2((100 * used) / memTotal)],
      ['buffers', '81234'],
      ['cached', '40211000'],
      ['commit', String(Math.round(used * 1.1))],
      ['commit-percent', f2((110 * used) / (memTotal + 4_194_300))],
      ['active', '150000000'],
      ['inactive', '60000000'],
      ['dirty', String(Math.round(r() * 9000))],
      ['anonpg', '120000000'],
      ['slab', '3000000'],
      ['kstack', '61000'],
      ['pgtbl', '900000'],
      ['vmused', '310000'],
      ['swpfree', '4194300'],
      ['swpused', '0'],
      ['swpused-percent', '0.00'],
      ['swpcad', '0'],
      ['swpcad-percent', '0.00'],
    ];
    for (const [k, v] of mem) out.line(`${t}\t<${k}>${v}</${k}>`);
    out.line(`${t}</memory>`);
    out.line(`${t}<hugepages unit="kB">`);
    for (const k of ['hugfree', 'hugused', 'hugused-percent', 'hugrsvd', 'hugsurp']) out.line(`${t}\t<${k}>${k.endsWith('percent') ? '0.00' : '0'}</${k}>`);
    out.line(`${t}</hugepages>`);
    out.line(`${t}<kernel dentunusd="${Math.round(500000 + r() * 1000)}" file-nr="12000" inode-nr="400000" pty-nr="4"/>`);
    out.line(`${t}<queue runq-sz="${Math.round(load / 4)}" plist-sz="2400" ldavg-1="${f2(load / 3)}" ldavg-5="${f2(load / 3)}" ldavg-15="${f2(load / 3)}" blocked="${Math.round(r() * 2)}"/>`);
    out.line(`${t}<disk per="second">`);
    for (let k = 0; k < spec.disks; k++) {
      const tps = 20 + r() * 60;
      out.line(`${t}\t<disk-device dev="dev${k < 16 ? 8 : 65}-${(k % 16) * 16}" tps="${f2(tps)}" rd_sec="${f2(tps * 24)}" wr_sec="${f2(tps * 60)}" dc_sec="0.00" rkB="${f2(tps * 12)}" wkB="${f2(tps * 30)}" dkB="0.00" avgrq-sz="84.00" areq-sz="42.00" avgqu-sz="${f2(r() * 2)}" aqu-sz="${f2(r() * 2)}" await="${f2(0.4 + r() * 3)}" util-percent="${f2(r() * 40)}"/>`);
    }
    out.line(`${t}</disk>`);
    out.line(`${t}<network per="second">`);
    out.line(`${t}\t<net-dev iface="eth0" rxpck="${f2(r() * 9000)}" txpck="${f2(r() * 9000)}" rxkB="${f2(r() * 9000)}" txkB="${f2(r() * 9000)}" rxcmp="0.00" txcmp="0.00" rxmcst="0.00" ifutil-percent="${f2(r() * 10)}"/>`);
    out.line(`${t}</network>`);
    out.line('\t\t\t</timestamp>');
  }
  for (const l of ['\t\t</statistics>', '\t\t<restarts>', '\t\t</restarts>', '\t</host>', '</sysstat>']) out.line(l);
  out.close();
}

/**
 * A day of sar XML for the parse-throughput row, beside the bundle rather than
 * in it (the bundle figures stay comparable with earlier rounds').
 */
export function ensureSarXml(ds: Dataset, log: (msg: string) => void): string {
  const file = path.join(path.dirname(ds.dir), 'sar-xml', 'sa20.xml');
  const stampFile = `${file}.stamp`;
  const stamp = JSON.stringify({ v: 1, spec: ds.spec });
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return file;
  log(`generating a day of sar XML for ${ds.spec.name} …`);
  sarXmlDay(file, ds.spec, Date.UTC(2026, 10, 20), 86400 - 60, rng(0x5a12));
  writeFileSync(stampFile, stamp);
  return file;
}

/** Real incident blocks (OOM kill, hung task) lifted from the sample's dmesg, without their stamps. */
function incidentTemplates(): { oom: string[]; hung: string[] } {
  const text = readFileSync(path.join(SKELETON, 'sos_commands/kernel/dmesg'), 'utf8').split('\n').map((l) => l.replace(/^\[[^\]]*\] ?/, ''));
  const from = (start: RegExp, end: RegExp): string[] => {
    const a = text.findIndex((l) => start.test(l));
    const b = text.findIndex((l, i) => i > a && end.test(l));
    return a >= 0 && b > a ? text.slice(a, b + 1) : [];
  };
  return { oom: from(/invoked oom-killer/, /oom_reaper|Killed process/), hung: from(/^INFO: task .* blocked/, /<\/TASK>/) };
}

/**
 * The OOM block with its victim renamed for the k-th incident (java → java-k,
 * pid 4242 → 4242 + k): kills of one command are one finding, and the PDF
 * bench needs a report with many.
 */
function victim(oom: string[], k: number): string[] {
  const n = Math.floor(k);
  return oom.map((l) => l.replace(/\bjava\b/g, `java-${n}`).replace(/\b4242\b/g, String(4242 + n)));
}

/** A firewall drop (firewalld's log-denied): the kernel noise of a healthy host, which starts no event. */
const firewallDrop = (r: () => number): string =>
  `filter_IN_public_REJECT: IN=ens3 OUT= SRC=10.20.${Math.floor(r() * 255)}.${Math.floor(r() * 255)} DST=10.20.0.5 LEN=60 TTL=63 PROTO=TCP SPT=${30000 + Math.floor(r() * 30000)} DPT=5432 SYN`;

const XFS_ERROR_LINE = 4;

const DAEMON_LINES: ((r: () => number) => string)[] = [
  (r) => `systemd[1]: Started Session ${Math.floor(r() * 90000)} of User root.`,
  (r) => `sshd[${10000 + Math.floor(r() * 50000)}]: Accepted publickey for deploy from 10.20.${Math.floor(r() * 255)}.${Math.floor(r() * 255)} port ${30000 + Math.floor(r() * 30000)} ssh2: RSA SHA256:3bQk1Wq0Zr8v4n9m2xYc7s5dLhFJtPq`,
  (r) => `CROND[${10000 + Math.floor(r() * 50000)}]: (root) CMD (/usr/lib64/sa/sa1 1 1)`,
  (r) => `postgres[2180]: [${Math.floor(r() * 9)}-1] LOG:  checkpoint complete: wrote ${Math.floor(r() * 9000)} buffers (${f2(r() * 5)}%); 0 WAL file(s) added, 0 removed, 1 recycled`,
  (r) => `kernel: XFS (dm-${Math.floor(r() * 4)}): Metadata I/O error in "xfs_buf_ioend+0x${Math.floor(r() * 0xfff).toString(16)}/0x3c0" at daddr 0x${Math.floor(r() * 1e8).toString(16)} len 8 error 5`,
  (r) => `kernel: nfs: server fs${Math.floor(r() * 4)} not responding, still trying`,
  (r) => `NetworkManager[1022]: <info>  [${(1790000000 + r() * 1e6).toFixed(4)}] dhcp4 (ens3): state changed bound -> bound`,
  (r) => `rsyslogd[1190]: imjournal: ${Math.floor(r() * 900)} messages lost due to rate-limiting [v8.2310.0-4.el9 try https://www.rsyslog.com/e/2177 ]`,
];

function syslog(file: string, spec: DatasetSpec, r: () => number, inc: { oom: string[]; hung: string[] }): void {
  const out = new Out(file);
  const startSec = Math.floor(COLLECT_WALL / 1000) - spec.days * 86400;
  const avgLine = 118;
  const lines = Math.floor(spec.syslogBytes / avgLine);
  const span = spec.days * 86400;
  // An incident every ~200k lines: enough to exercise the event parsers, few enough to stay realistic.
  const every = Math.max(2000, Math.floor(lines / 12));
  let stamp = '';
  let stampSec = -1;
  for (let i = 0; i < lines && out.written < spec.syslogBytes; i++) {
    const sec = startSec + Math.floor((i / lines) * span);
    if (sec !== stampSec) {
      const d = new Date(sec * 1000);
      stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms(d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds())} db01 `;
      stampSec = sec;
    }
    if (i % every === every - 1) {
      for (const l of (i / every) % 2 ? victim(inc.oom, i / every) : inc.hung) out.line(`${stamp}kernel: ${l}`);
      continue;
    }
    const pick = Math.floor(r() * DAEMON_LINES.length);
    out.line(stamp + (pick === XFS_ERROR_LINE && !spec.ioErrorStorm ? `kernel: ${firewallDrop(r)}` : (DAEMON_LINES[pick] as (r: () => number) => string)(r)));
  }
  out.close();
}

function dmesg(file: string, spec: DatasetSpec, r: () => number, inc: { oom: string[]; hung: string[] }): void {
  const out = new Out(file);
  const lines = Math.floor(spec.dmesgBytes / 90);
  const every = Math.max(500, Math.floor(lines / 8));
  const stampOf = (up: number): string => `[${up.toFixed(6).padStart(13)}] `;
  for (let i = 0; i < lines; i++) {
    const up = 5 + (i / lines) * (UPTIME_SEC - 600);
    if (i % every === every - 1) {
      for (const l of (i / every) % 2 ? victim(inc.oom, 100 + i / every) : inc.hung) out.line(stampOf(up) + l);
      continue;
    }
    const k = Math.floor(r() * 4);
    if (k === 0) out.line(`${stampOf(up)}IPv4: martian source 10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)} from 10.0.0.1, on dev ens3`);
    else if (k === 1 && !spec.ioErrorStorm) out.line(`${stampOf(up)}${firewallDrop(r)}`);
    else if (k === 1) out.line(`${stampOf(up)}XFS (dm-${Math.floor(r() * 4)}): Metadata I/O error in "xfs_buf_ioend+0x110/0x3c0" at daddr 0x${Math.floor(r() * 1e8).toString(16)} len 8 error 5`);
    else if (k === 2) out.line(`${stampOf(up)}nfs: server fs${Math.floor(r() * 4)} not responding, still trying`);
    else out.line(`${stampOf(up)}perf: interrupt took too long (${2500 + Math.floor(r() * 900)} > ${2500 + Math.floor(r() * 100)}), lowering kernel.perf_event_max_sample_rate to ${Math.floor(r() * 90000)}`);
  }
  out.close();
}

function psText(spec: DatasetSpec, r: () => number): string {
  const lines = ['USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND'];
  for (let p = 0; p < spec.procs; p++) {
    const pid = p === 0 ? 1 : 800 + p * 7;
    const rss = Math.floor(2000 + r() * 900000);
    const user = p % 5 === 0 ? 'postgres' : 'root';
    const cmd = p % 5 === 0 ? `postgres: db01 orders 10.20.1.${p % 250}(${40000 + p}) idle` : `/usr/lib/worker-${p} --config /etc/worker/${p}.conf --threads 8`;
    lines.push(`${user.padEnd(8)} ${String(pid).padStart(7)} ${(r() * 20).toFixed(1).padStart(4)} ${((rss / 263_000_000) * 100).toFixed(1).padStart(4)} ${String(rss * 3).padStart(6)} ${String(rss).padStart(5)} ?        Ss    Nov02   1:${pad2(p % 60)} ${cmd}`);
  }
  return `${lines.join('\n')}\n`;
}

function pmapText(pid: number, spec: DatasetSpec, r: () => number): string {
  const lines = [`${pid}:   /usr/lib/jvm/java-17/bin/java -Xmx8g -jar /opt/orders/orders-api.jar`, 'Address           Kbytes     RSS   Dirty Mode  Mapping'];
  let addr = 0x7f0000000000;
  let kb = 0;
  let rssT = 0;
  let dirtyT = 0;
  for (let m = 0; m < spec.mappings; m++) {
    const size = 4 * Math.floor(1 + r() * 65536);
    const rss = Math.floor(size * r());
    const dirty = Math.floor(rss * r());
    kb += size;
    rssT += rss;
    dirtyT += dirty;
    const name = m % 3 === 0 ? '[ anon ]' : m % 3 === 1 ? `libjvm-${m}.so` : 'orders-api.jar';
    lines.push(`${addr.toString(16).padStart(16, '0')} ${String(size).padStart(7)} ${String(rss).padStart(7)} ${String(dirty).padStart(7)} rw---   ${name}`);
    addr += size * 1024;
  }
  lines.push('---------------- ------- ------- ------- ');
  lines.push(`total kB         ${String(kb).padStart(7)} ${String(rssT).padStart(7)} ${String(dirtyT).padStart(7)}`);
  return `${lines.join('\n')}\n`;
}

function numactlHardware(nodes: number, cpus: number): string {
  const per = Math.max(1, Math.floor(cpus / nodes));
  const lines = [`available: ${nodes} nodes (0-${nodes - 1})`];
  for (let n = 0; n < nodes; n++) {
    lines.push(`node ${n} cpus: ${Array.from({ length: per }, (_, i) => n * per + i).join(' ')}`);
    lines.push(`node ${n} size: ${Math.floor(257000 / nodes)} MB`);
    lines.push(`node ${n} free: ${Math.floor(90000 / nodes)} MB`);
  }
  lines.push('node distances:');
  lines.push(`node ${Array.from({ length: nodes }, (_, i) => String(i).padStart(3)).join(' ')} `);
  for (let a = 0; a < nodes; a++) lines.push(`  ${a}: ${Array.from({ length: nodes }, (_, b) => String(a === b ? 10 : 21).padStart(3)).join(' ')} `);
  return `${lines.join('\n')}\n`;
}

/**
 * The skeleton's lscpu and proc/stat describe the sample's 8-CPU host; they
 * are rewritten for the dataset's, so every file states the same host (files
 * that disagree draw a warning in the report, which a bench bundle should not).
 */
function matchCpus(dir: string, spec: DatasetSpec): void {
  const lscpuFile = path.join(dir, 'sos_commands/processor/lscpu');
  const perNode = Math.max(1, Math.floor(spec.cpus / spec.numaNodes));
  const lscpu = readFileSync(lscpuFile, 'utf8')
    .split('\n')
    .filter((l) => !/^NUMA node\d+ CPU\(s\):/.test(l))
    .map((l) => {
      const key = l.slice(0, l.indexOf(':') + 1);
      const at = (value: string | number): string => `${key}${' '.repeat(Math.max(1, 36 - key.length))}${value}`;
      if (key === 'CPU(s):') return at(spec.cpus);
      if (key === 'On-line CPU(s) list:') return at(`0-${spec.cpus - 1}`);
      if (key === 'Core(s) per socket:') return at(Math.max(1, spec.cpus / 2 / spec.numaNodes));
      if (key === 'Socket(s):' || key === 'NUMA node(s):') return at(spec.numaNodes);
      return l;
    });
  for (let n = 0; n < spec.numaNodes; n++) lscpu.push(`NUMA node${n} CPU(s):                  ${n * perNode}-${(n + 1) * perNode - 1}`);
  writeFileSync(lscpuFile, `${lscpu.filter((l) => l !== '').join('\n')}\n`);
  const statFile = path.join(dir, 'proc/stat');
  const stat = readFileSync(statFile, 'utf8').split('\n');
  const perCpu = stat.find((l) => /^cpu\d+ /.test(l)) ?? 'cpu0 0 0 0 0 0 0 0 0 0 0';
  const rest = perCpu.slice(perCpu.indexOf(' '));
  const cpus = Array.from({ length: spec.cpus }, (_, i) => `cpu${i}${rest}`);
  writeFileSync(statFile, [stat[0], ...cpus, ...stat.filter((l) => !/^cpu\d* /.test(l))].join('\n'));
}

/** sos plugins whose outputs no parser reads: the bulk of a real sosreport's entries. */
const OTHER_PLUGINS = ['networking', 'systemd', 'selinux', 'pci', 'usb', 'devices', 'firewalld', 'auditd', 'rpm', 'dnf', 'ssh', 'logrotate', 'crypto', 'firmware', 'grub2', 'kdump', 'login', 'nfs', 'pam', 'sssd'];

/**
 * `n` small files in sos_commands/<plugin>/ and etc/ (a few hundred bytes to a
 * few KiB of text each, ~1.5 KiB on average), none of them at a path a parser
 * claims: an archive reader pays for every entry, read or not.
 */
function otherFiles(dir: string, n: number, r: () => number): void {
  for (let k = 0; k < n; k++) {
    const plugin = OTHER_PLUGINS[k % OTHER_PLUGINS.length] as string;
    const rel = k % 4 === 3 ? `etc/${plugin}/conf.d/item-${k}.conf` : `sos_commands/${plugin}/${plugin}_show_item_${k}`;
    const lines: string[] = [];
    const count = 2 + Math.floor(r() * 40);
    for (let i = 0; i < count; i++) lines.push(`${plugin}.item${k}.key${i} = value-${Math.floor(r() * 1e9).toString(36)} state=${i % 3 ? 'active' : 'inactive'}`);
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), `${lines.join('\n')}\n`);
  }
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : e.isFile() ? statSync(p).size : 0;
  }
  return n;
}

/** Builds (or reuses, when the stamp matches) one dataset as a directory and a .tar.xz. */
export function ensureDataset(spec: DatasetSpec, root: string, log: (msg: string) => void): Dataset {
  const base = path.join(root, spec.name);
  const dir = path.join(base, TOP);
  const archive = path.join(base, `${TOP}.tar.xz`);
  const stampFile = path.join(base, 'stamp.json');
  const stamp = JSON.stringify({ v: GENERATOR_VERSION, spec });
  const rel = {
    sar: [] as string[],
    syslog: path.join(dir, 'var/log/messages'),
    dmesg: path.join(dir, 'sos_commands/kernel/dmesg'),
    ps: [] as string[],
    pmap: [] as string[],
  };
  for (let day = spec.days - 1; day >= 0; day--) rel.sar.push(path.join(dir, `sos_commands/sar/sar${pad2(new Date(COLLECT_WALL - day * 86400_000).getUTCDate())}`));
  for (let k = 0; k < spec.psSnapshots; k++) rel.ps.push(path.join(dir, k === 0 ? 'sos_commands/process/ps_auxwww' : `sos_commands/process/ps_auxwww.${k}`));
  for (let k = 0; k < spec.pmaps; k++) rel.pmap.push(path.join(dir, `sos_commands/process/pmap_-x_${4242 + k}`));
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && existsSync(archive)) {
    return { spec, dir, archive, bytes: dirBytes(dir), files: rel };
  }
  log(`generating ${spec.name} into ${base} …`);
  rmSync(base, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const copy = (from: string, to: string): void => {
    for (const e of readdirSync(from, { withFileTypes: true })) {
      const a = path.join(from, e.name);
      const b = path.join(to, e.name);
      if (e.isDirectory()) {
        mkdirSync(b, { recursive: true });
        copy(a, b);
      } else if (e.isFile()) copyFileSync(a, b);
    }
  };
  copy(SKELETON, dir);
  for (const f of ['sos_commands/sar/sar20', 'sos_commands/kernel/dmesg', 'sos_commands/process/ps_auxwww']) rmSync(path.join(dir, f), { force: true });
  const r = rng(0x5eed + spec.days);
  const inc = incidentTemplates();
  const collectSec = 16 * 3600 + 5 * 60;
  rel.sar.forEach((file, i) => {
    const dayStart = COLLECT_WALL - (spec.days - 1 - i) * 86400_000;
    sarDay(file, spec, Date.UTC(new Date(dayStart).getUTCFullYear(), new Date(dayStart).getUTCMonth(), new Date(dayStart).getUTCDate()), i === rel.sar.length - 1 ? collectSec : 86400 - 60, r);
  });
  syslog(rel.syslog, spec, r, inc);
  dmesg(rel.dmesg, spec, r, inc);
  for (const f of rel.ps) {
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, psText(spec, r));
  }
  rel.pmap.forEach((f, k) => writeFileSync(f, pmapText(4242 + k, spec, r)));
  mkdirSync(path.join(dir, 'sos_commands/numa'), { recursive: true });
  writeFileSync(path.join(dir, 'sos_commands/numa/numactl_--hardware'), numactlHardware(spec.numaNodes, spec.cpus));
  matchCpus(dir, spec);
  otherFiles(dir, spec.otherFiles, r);
  // As sos compresses its archive: `xz -2 -T<threads>`, threads 4 by default
  // (sos/policies/__init__.py, get_cmd_for_compress_method). Threaded xz
  // writes independent blocks (3 MiB at -2), which xz can decode in parallel.
  log(`compressing ${spec.name} (xz -2 -T4, as sos does) …`);
  execFileSync('sh', ['-c', 'tar -C "$1" -cf - "$2" | xz -2 -T4 > "$3"', 'sh', base, TOP, archive], { stdio: 'inherit' });
  writeFileSync(stampFile, stamp);
  return { spec, dir, archive, bytes: dirBytes(dir), files: rel };
}
