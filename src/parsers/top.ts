/**
 * `top -b` batch output (one or more iterations), an attachment or part of a
 * crm_report sysstats.txt.
 * Format: top(1) https://man7.org/linux/man-pages/man1/top.1.html (sections
 * 2 SUMMARY Display and 3 FIELDS) and procps-ng's top.c.
 *
 * The `top - HH:MM:SS up ...` line gives only the time of day, so the date
 * comes from ctx.fileTime; without it every iteration is a snapshot at
 * collection time.
 */
import type { Labels, TimeBase } from '../model.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { readClock } from './sar.js';
import { fields, num } from './util.js';

/** %Cpu(s) field abbreviations → metrics (hi/si are hardware/software interrupts). */
const CPU_FIELDS: Record<string, string> = {
  us: 'cpu.userPct',
  sy: 'cpu.systemPct',
  ni: 'cpu.nicePct',
  id: 'cpu.idlePct',
  wa: 'cpu.iowaitPct',
  hi: 'cpu.irqPct',
  si: 'cpu.softPct',
  st: 'cpu.stealPct',
};

/** Units of the summary memory lines (-E scaling) in KiB. */
const MEM_UNITS: Record<string, number> = { KiB: 1, MiB: 1024, GiB: 1024 ** 2, TiB: 1024 ** 3, PiB: 1024 ** 4, EiB: 1024 ** 5 };

/** Suffixes top uses in task columns when a value does not fit (-e scaling); plain numbers are KiB. */
const TASK_SUFFIX: Record<string, number> = { k: 1, m: 1024, g: 1024 ** 2, t: 1024 ** 3, p: 1024 ** 4, e: 1024 ** 5 };

export const top: SourceParser = {
  id: 'top',
  title: 'top -b (attachment)',
  paths: [],
  sniff(head: string): boolean {
    return /^top - \d{1,2}:\d{2}:\d{2} /m.test(head) && head.includes('load average');
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    return new TopParser(ctx, sink);
  },
};

export function taskKiB(tok: string): number {
  const last = tok.charAt(tok.length - 1).toLowerCase();
  const factor = TASK_SUFFIX[last];
  if (factor !== undefined) return num(tok.slice(0, -1)) * factor;
  return num(tok);
}

class TopParser implements LineParser {
  private when: { base: TimeBase; t: number } | null = null;
  private cols: string[] | null = null;
  private warnedCollected = false;
  private iterations = 0;
  private lastSec = -1;
  private dayOffset = 0;
  private problems = 0;
  private readonly wantsProc: boolean;

  constructor(
    private readonly ctx: ParseContext,
    private readonly sink: RecordSink,
  ) {
    this.wantsProc = sink.wants('proc.');
  }

  push(line: string, lineNo: number): void {
    if (line.startsWith('top - ')) {
      this.summary(line, lineNo);
      return;
    }
    if (!this.when) return;
    const f = fields(line);
    if (f.length === 0) {
      return;
    }
    const head = f[0] ?? '';
    if (head.startsWith('%Cpu') || head.startsWith('Cpu')) {
      this.cpu(line, head, lineNo);
      return;
    }
    const second = f[1] ?? '';
    if (head === 'Mem:' || head === 'Swap:' || (head in MEM_UNITS && (second.startsWith('Mem') || second.startsWith('Swap')))) {
      this.memory(line, f, lineNo);
      return;
    }
    if (head === 'PID') {
      this.cols = f;
      return;
    }
    if (this.cols && this.wantsProc) this.task(f, lineNo);
  }

  end(): void {
    this.sink.format(`top -b, ${this.iterations} iteration${this.iterations === 1 ? '' : 's'}${this.when?.base === 'collected' ? ', no date' : ''}`);
  }

  private summary(line: string, lineNo: number): void {
    this.cols = null;
    this.iterations++;
    const f = fields(line);
    const c = readClock(f, 2);
    if (!c) {
      this.problem(lineNo, 'top summary line without a time of day');
      this.when = { base: 'collected', t: 0 };
    } else if (this.ctx.fileTime !== undefined) {
      const midnight = Math.floor(this.ctx.fileTime / 86400000) * 86400000;
      if (this.lastSec >= 0 && c.sec < this.lastSec) this.dayOffset++;
      this.lastSec = c.sec;
      let t = midnight + this.dayOffset * 86400000 + c.sec * 1000;
      // A capture that began before midnight and was written after it.
      if (this.dayOffset === 0 && t > this.ctx.fileTime + 3600000) t -= 86400000;
      this.when = { base: 'local', t };
    } else {
      if (!this.warnedCollected) {
        this.warnedCollected = true;
        this.sink.diagnostic(lineNo, 'info', 'top prints only the time of day and the file has no date: samples placed at collection time');
      }
      this.when = { base: 'collected', t: 0 };
    }
    const at = line.indexOf('load average:');
    if (at >= 0) {
      const parts = line.slice(at + 'load average:'.length).split(',');
      // Locales with a decimal comma print "0,00, 0,01, 0,05": rejoin pairs.
      const vals = parts.length === 6 ? [parts[0] + '.' + parts[1], parts[2] + '.' + parts[3], parts[4] + '.' + parts[5]] : parts;
      const names = ['load.avg1', 'load.avg5', 'load.avg15'];
      for (let i = 0; i < 3; i++) {
        const v = num((vals[i] ?? '').trim());
        const name = names[i] ?? '';
        if (!Number.isNaN(v) && this.sink.wants(name)) this.sink.sample(name, NONE, this.when.base, this.when.t, v, lineNo);
      }
    }
  }

  private cpu(line: string, head: string, lineNo: number): void {
    const when = this.when;
    if (!when) return;
    const colon = line.indexOf(':');
    if (colon < 0) return;
    let labels = ALL_CPUS;
    const id = head.replace(/^%?Cpu/, '').replace(/:$/, '');
    if (id !== '(s)' && id !== '') {
      if (!this.sink.wants('cpu.percpu')) return;
      labels = { cpu: id };
    }
    // "30.3 us,  0.0 sy" (procps 3.3+) or "1.0%us,  0.5%sy" (older).
    for (const part of line.slice(colon + 1).split(',')) {
      const p = part.trim().replace('%', ' ');
      const sp = fields(p);
      const v = num(sp[0]);
      const metric = CPU_FIELDS[sp[1] ?? ''];
      if (metric && !Number.isNaN(v) && this.sink.wants(metric)) this.sink.sample(metric, labels, when.base, when.t, v, lineNo);
    }
  }

  private memory(line: string, f: string[], lineNo: number): void {
    const when = this.when;
    if (!when) return;
    const unit = MEM_UNITS[f[0] ?? ''] ?? 1;
    const swap = (f[1] ?? '').startsWith('Swap') || f[0] === 'Swap:';
    const colon = line.indexOf(':');
    for (const part of line.slice(colon + 1).split(/[,.](?=\s)/)) {
      const sp = fields(part);
      const raw = sp[0] ?? '';
      // procps < 3.3.10 wrote "16393256k total".
      const v = (raw.endsWith('k') ? num(raw.slice(0, -1)) : num(raw)) * unit;
      const label = sp.slice(1).join(' ');
      let metric: string | undefined;
      if (label === 'free') metric = swap ? 'swap.freeKiB' : 'mem.freeKiB';
      else if (label === 'used') metric = swap ? 'swap.usedKiB' : 'mem.usedKiB';
      else if (label === 'buffers') metric = 'mem.buffersKiB';
      else if (label === 'avail Mem') metric = 'mem.availableKiB';
      else if (label === 'cached' || label === 'cached Mem') metric = 'mem.cachedKiB';
      if (metric && !Number.isNaN(v) && this.sink.wants(metric)) this.sink.sample(metric, NONE, when.base, when.t, v, lineNo);
    }
  }

  private task(f: string[], lineNo: number): void {
    const when = this.when;
    const cols = this.cols;
    if (!when || !cols) return;
    const cmdIdx = cols.indexOf('COMMAND');
    // COMMAND is last and may hold spaces (top -c); every other column is one token.
    if (f.length < cols.length || (cmdIdx !== cols.length - 1 && f.length !== cols.length)) {
      this.problem(lineNo, `task row has ${f.length} fields for ${cols.length} columns: skipped`);
      return;
    }
    const get = (name: string): string | undefined => {
      const i = cols.indexOf(name);
      return i < 0 ? undefined : f[i];
    };
    const pid = get('PID');
    if (pid === undefined || !/^\d+$/.test(pid)) return;
    const comm = cmdIdx >= 0 ? f.slice(cmdIdx).join(' ') : '';
    const user = get('USER');
    const labels: Labels = user !== undefined ? { pid, comm, user } : { pid, comm };
    const put = (metric: string, raw: string | undefined, parse: (s: string) => number): void => {
      if (raw === undefined || !this.sink.wants(metric)) return;
      const v = parse(raw);
      if (!Number.isNaN(v)) this.sink.sample(metric, labels, when.base, when.t, v, lineNo);
    };
    put('proc.rssKiB', get('RES'), taskKiB);
    put('proc.vszKiB', get('VIRT'), taskKiB);
    put('proc.swapKiB', get('SWAP'), taskKiB);
    put('proc.cpuPct', get('%CPU'), num);
    put('proc.memPct', get('%MEM'), num);
  }

  private problem(lineNo: number, message: string): void {
    this.problems++;
    if (this.problems <= 50) this.sink.diagnostic(lineNo, 'warning', message);
  }
}

const ALL_CPUS: Labels = { cpu: 'all' };
const NONE: Labels = {};
