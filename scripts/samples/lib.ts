/**
 * Building blocks for sample bundles: a deterministic random source and
 * writers for each source in the exact text format the real tool prints
 * (sysstat 12 `sar -A` in the C locale, util-linux/procps outputs, kernel
 * log lines). Modeled on the real captures in test/fixtures.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Tree {
  constructor(readonly root: string) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
  }
  write(rel: string, text: string): void {
    const file = path.join(this.root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
export const hhmmss = (secOfDay: number): string => `${pad2(Math.floor(secOfDay / 3600) % 24)}:${pad2(Math.floor(secOfDay / 60) % 60)}:${pad2(secOfDay % 60)}`;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `date` output: "Fri Nov 20 16:05:12 CET 2026" (wall clock given as UTC fields). */
export function dateLine(wall: Date, abbrev: string): string {
  const d = wall;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hhmmss(d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds())} ${abbrev} ${d.getUTCFullYear()}`;
}

/** timedatectl, which newer sos links as the top-level `date`. */
export function timedatectl(wall: Date, utc: Date, zone: string, abbrev: string, offset: string): string {
  const f = (d: Date, z: string): string =>
    `${DAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${hhmmss(d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds())} ${z}`;
  return [
    `               Local time: ${f(wall, abbrev)}`,
    `           Universal time: ${f(utc, 'UTC')}`,
    `                 RTC time: ${f(utc, '').trimEnd()}`,
    `                Time zone: ${zone} (${abbrev}, ${offset})`,
    'System clock synchronized: yes',
    '              NTP service: active',
    '          RTC in local TZ: no',
  ].join('\n');
}

export interface SarRow {
  /** seconds of the day (end of the interval) */
  t: number;
  cpu: { usr: number; sys: number; iowait: number; steal: number; idle?: number };
  runq: number;
  blocked: number;
  plist: number;
  ldavg: [number, number, number];
  mem: { free: number; avail: number; used: number; buffers: number; cached: number; commit: number; active: number; inact: number; dirty: number };
  swap: { free: number; used: number; cad: number };
  pswpin: number;
  pswpout: number;
  fault: number;
  majflt: number;
  pgscank: number;
  pgsteal: number;
  disks: { dev: string; tps: number; rkB: number; wkB: number; aqu: number; await: number; util: number }[];
  proc: number;
  cswch: number;
}

const col = (v: string | number, w = 10): string => String(v).padStart(w);
const f2 = (n: number): string => n.toFixed(2);

/** sysstat 12.5 `sar -A` as sos writes it (LC_ALL=C: 24-hour, MM/DD/YY). */
export function sarText(opts: { kernel: string; host: string; date: Date; cpus: number; memTotalKiB: number; swapTotalKiB: number; rows: SarRow[] }): string {
  const d = opts.date;
  const header = `Linux ${opts.kernel} (${opts.host}) \t${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}/${String(d.getUTCFullYear()).slice(2)} \t_x86_64_\t(${opts.cpus} CPU)`;
  const out: string[] = [header, '', `00:00:01     LINUX RESTART\t(${opts.cpus} CPU)`.replace('LINUX RESTART', 'LINUX RESTART').replace(/^.*$/, (l) => l)];
  out.length = 2; // the restart marker is only for bundles that rebooted
  const rows = opts.rows;
  const t0 = rows[0] ? rows[0].t - 600 : 0;
  const section = (head: string[], line: (r: SarRow) => string[][], avg: string[][]): void => {
    out.push(`${hhmmss(t0)} ${head.map((h, i) => col(h, i === 0 ? 9 : 9)).join(' ')}`);
    for (const r of rows) for (const cells of line(r)) out.push(`${hhmmss(r.t)} ${cells.map((c, i) => col(c, i === 0 ? 9 : 9)).join(' ')}`);
    for (const cells of avg) out.push(`Average: ${cells.map((c) => col(c, 9)).join(' ')}`);
    out.push('');
  };
  const mean = (f: (r: SarRow) => number): number => rows.reduce((s, r) => s + f(r), 0) / Math.max(1, rows.length);
  const idle = (r: SarRow): number => r.cpu.idle ?? Math.max(0, 100 - r.cpu.usr - r.cpu.sys - r.cpu.iowait - r.cpu.steal);
  section(['CPU', '%user', '%nice', '%system', '%iowait', '%steal', '%idle'], (r) => [['all', f2(r.cpu.usr), '0.00', f2(r.cpu.sys), f2(r.cpu.iowait), f2(r.cpu.steal), f2(idle(r))]], [['all', f2(mean((r) => r.cpu.usr)), '0.00', f2(mean((r) => r.cpu.sys)), f2(mean((r) => r.cpu.iowait)), f2(mean((r) => r.cpu.steal)), f2(mean(idle))]]);
  section(['proc/s', 'cswch/s'], (r) => [[f2(r.proc), f2(r.cswch)]], [[f2(mean((r) => r.proc)), f2(mean((r) => r.cswch))]]);
  section(['pswpin/s', 'pswpout/s'], (r) => [[f2(r.pswpin), f2(r.pswpout)]], [[f2(mean((r) => r.pswpin)), f2(mean((r) => r.pswpout))]]);
  section(
    ['pgpgin/s', 'pgpgout/s', 'fault/s', 'majflt/s', 'pgfree/s', 'pgscank/s', 'pgscand/s', 'pgsteal/s', '%vmeff'],
    (r) => [[f2(r.pswpin * 4 + 12), f2(r.pswpout * 4 + 40), f2(r.fault), f2(r.majflt), f2(r.fault * 1.1), f2(r.pgscank), '0.00', f2(r.pgsteal), r.pgscank > 0 ? f2(Math.min(100, (100 * r.pgsteal) / r.pgscank)) : '0.00']],
    [[f2(mean((r) => r.pswpin * 4 + 12)), f2(mean((r) => r.pswpout * 4 + 40)), f2(mean((r) => r.fault)), f2(mean((r) => r.majflt)), f2(mean((r) => r.fault * 1.1)), f2(mean((r) => r.pgscank)), '0.00', f2(mean((r) => r.pgsteal)), '0.00']],
  );
  section(
    ['tps', 'rtps', 'wtps', 'dtps', 'bread/s', 'bwrtn/s', 'bdscd/s'],
    (r) => {
      const tps = r.disks.reduce((s, x) => s + x.tps, 0);
      return [[f2(tps), f2(tps * 0.4), f2(tps * 0.6), '0.00', f2(r.disks.reduce((s, x) => s + x.rkB * 2, 0)), f2(r.disks.reduce((s, x) => s + x.wkB * 2, 0)), '0.00']];
    },
    [],
  );
  const pct = (a: number, b: number): string => f2((100 * a) / b);
  section(
    ['kbmemfree', 'kbavail', 'kbmemused', '%memused', 'kbbuffers', 'kbcached', 'kbcommit', '%commit', 'kbactive', 'kbinact', 'kbdirty'],
    (r) => [[r.mem.free, r.mem.avail, r.mem.used, pct(r.mem.used, opts.memTotalKiB), r.mem.buffers, r.mem.cached, r.mem.commit, pct(r.mem.commit, opts.memTotalKiB + opts.swapTotalKiB), r.mem.active, r.mem.inact, r.mem.dirty].map(String)],
    [],
  );
  section(['kbswpfree', 'kbswpused', '%swpused', 'kbswpcad', '%swpcad'], (r) => [[String(r.swap.free), String(r.swap.used), pct(r.swap.used, opts.swapTotalKiB), String(r.swap.cad), r.swap.used > 0 ? pct(r.swap.cad, r.swap.used) : '0.00']], []);
  section(['runq-sz', 'plist-sz', 'ldavg-1', 'ldavg-5', 'ldavg-15', 'blocked'], (r) => [[String(r.runq), String(r.plist), f2(r.ldavg[0]), f2(r.ldavg[1]), f2(r.ldavg[2]), String(r.blocked)]], []);
  section(
    ['DEV', 'tps', 'rkB/s', 'wkB/s', 'dkB/s', 'areq-sz', 'aqu-sz', 'await', '%util'],
    (r) => r.disks.map((x) => [x.dev, f2(x.tps), f2(x.rkB), f2(x.wkB), '0.00', f2(x.tps > 0 ? (x.rkB + x.wkB) / x.tps : 0), f2(x.aqu), f2(x.await), f2(x.util)]),
    [],
  );
  return out.join('\n');
}

export function meminfo(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([k, v]) => (k.startsWith('HugePages_') ? `${`${k}:`.padEnd(16)}${String(v).padStart(8)}` : `${`${k}:`.padEnd(16)}${String(v).padStart(8)} kB`))
    .join('\n');
}

/** dmesg line: "[1577847.123456] text" */
export function kmsg(uptimeSec: number, text: string): string {
  return `[${uptimeSec.toFixed(6).padStart(13)}] ${text}`;
}

export function pmapX(pid: number, cmd: string, mappings: { addr: string; kb: number; rss: number; dirty: number; mode: string; name: string }[]): string {
  const lines = [`${pid}:   ${cmd}`, 'Address           Kbytes     RSS   Dirty Mode  Mapping'];
  for (const m of mappings) lines.push(`${m.addr} ${String(m.kb).padStart(7)} ${String(m.rss).padStart(7)} ${String(m.dirty).padStart(7)} ${m.mode} ${m.name}`);
  const sum = (f: (m: { kb: number; rss: number; dirty: number }) => number): number => mappings.reduce((s, m) => s + f(m), 0);
  lines.push('---------------- ------- ------- ------- ');
  lines.push(`total kB         ${String(sum((m) => m.kb)).padStart(7)} ${String(sum((m) => m.rss)).padStart(7)} ${String(sum((m) => m.dirty)).padStart(7)}`);
  return lines.join('\n');
}

export interface PsProc {
  user: string;
  pid: number;
  cpu: number;
  mem: number;
  vsz: number;
  rss: number;
  stat: string;
  start: string;
  time: string;
  cmd: string;
}

export function psAux(procs: PsProc[]): string {
  const lines = ['USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND'];
  for (const p of procs) lines.push(`${p.user.padEnd(8)} ${String(p.pid).padStart(7)} ${p.cpu.toFixed(1).padStart(4)} ${p.mem.toFixed(1).padStart(4)} ${String(p.vsz).padStart(6)} ${String(p.rss).padStart(5)} ?        ${p.stat.padEnd(4)} ${p.start.padStart(5)} ${p.time.padStart(6)} ${p.cmd}`);
  return lines.join('\n');
}
