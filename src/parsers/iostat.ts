/**
 * iostat output (`iostat -x`, `-t`, `-m`, `-N`, `-p`), an attachment customers make.
 * Format: iostat(1) https://man7.org/linux/man-pages/man1/iostat.1.html and
 * sysstat's iostat.c (https://github.com/sysstat/sysstat/blob/master/iostat.c).
 *
 * Columns changed across versions (rsec/s → rkB/s, avgrq-sz → areq-sz →
 * rareq-sz/wareq-sz, avgqu-sz → aqu-sz, await split into r_await/w_await,
 * svctm dropped), so values are mapped by column name. Without -t there is no
 * time at all and samples are not emitted: guessing an interval would put I/O
 * stalls at the wrong moment.
 */
import type { Labels, TimeBase } from '../model.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import {
  ABSURD_VALUE,
  dayStart,
  datePattern,
  parseSysstatDate,
  parseSysstatHeader,
  readClock,
  slashOrder,
  sysstatValue,
  type SysstatDate,
} from './sar.js';
import { fields } from './util.js';

const AVG_CPU: Record<string, string> = {
  '%user': 'cpu.userPct',
  '%nice': 'cpu.nicePct',
  '%system': 'cpu.systemPct',
  '%iowait': 'cpu.iowaitPct',
  '%steal': 'cpu.stealPct',
  '%idle': 'cpu.idlePct',
};

const DEVICE_COLUMNS: Record<string, [string, number]> = {
  tps: ['disk.tps', 1],
  'rkB/s': ['disk.readKBps', 1],
  'wkB/s': ['disk.writeKBps', 1],
  'kB_read/s': ['disk.readKBps', 1],
  'kB_wrtn/s': ['disk.writeKBps', 1],
  'rMB/s': ['disk.readKBps', 1024],
  'wMB/s': ['disk.writeKBps', 1024],
  'MB_read/s': ['disk.readKBps', 1024],
  'MB_wrtn/s': ['disk.writeKBps', 1024],
  // Sectors and iostat "blocks" are 512 bytes.
  'rsec/s': ['disk.readKBps', 0.5],
  'wsec/s': ['disk.writeKBps', 0.5],
  'Blk_read/s': ['disk.readKBps', 0.5],
  'Blk_wrtn/s': ['disk.writeKBps', 0.5],
  'avgrq-sz': ['disk.reqSizeKB', 0.5],
  'areq-sz': ['disk.reqSizeKB', 1],
  'avgqu-sz': ['disk.queueDepth', 1],
  'aqu-sz': ['disk.queueDepth', 1],
  await: ['disk.awaitMs', 1],
  r_await: ['disk.readAwaitMs', 1],
  w_await: ['disk.writeAwaitMs', 1],
  svctm: ['disk.svctmMs', 1],
  '%util': ['disk.utilPct', 1],
};

interface Pending {
  metric: string;
  labels: Labels;
  base: TimeBase;
  t: number;
  v: number;
  line: number;
}

const ISO_STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):?(\d{2})$/;

export const iostat: SourceParser = {
  id: 'iostat',
  title: 'iostat (attachment)',
  paths: [],
  sniff(head: string): boolean {
    if (!head.startsWith('Linux ')) return false;
    return head.includes('avg-cpu:') || /^Device:?\s+(?:rrqm\/s|tps|r\/s)/m.test(head);
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    return new IostatParser(ctx, sink);
  },
};

type Block = 'none' | 'cpu' | 'device';

class IostatParser implements LineParser {
  private order: 'mdy' | 'dmy' | null = null;
  private buffered: [string, number][] | null = null;
  private headerDate: SysstatDate | null = null;
  /** time of the current report, or null when the report has no timestamp */
  private now: { base: TimeBase; t: number } | null = null;
  private reports = 0;
  private first: Pending[] | null = [];
  private block: Block = 'none';
  private cols: string[] = [];
  private warnedNoTime = false;
  private twelveHour = false;
  private stampForm = 'no timestamps';
  private labelCache = new Map<string, Labels>();
  private problems = 0;

  constructor(
    readonly ctx: ParseContext,
    private readonly sink: RecordSink,
  ) {}

  push(line: string, lineNo: number): void {
    if (this.buffered) {
      this.buffered.push([line, lineNo]);
      const f = fields(line);
      const d = f.length > 0 && f.length <= 3 ? parseSysstatDate(f[0] ?? '') : null;
      if (d && d.order === 'slash') {
        const o = slashOrder(d.a, d.b);
        if (o) this.resolve(o, false);
      } else if (this.buffered.length > 500_000) this.resolve('mdy', true);
      return;
    }
    this.handle(line, lineNo);
  }

  end(): void {
    if (this.buffered) this.resolve('mdy', true);
    if (this.first && this.first.length > 0) for (const p of this.first) this.sink.sample(p.metric, p.labels, p.base, p.t, p.v, p.line);
    this.first = null;
    const pat = this.headerDate && this.order !== null ? datePattern(this.headerDate, this.order) : this.headerDate?.pattern ?? 'no date';
    this.sink.format(`iostat, ${this.stampForm}${this.twelveHour ? ', 12-hour' : ''}, ${pat}`);
  }

  private resolve(order: 'mdy' | 'dmy', defaulted: boolean): void {
    const lines = this.buffered ?? [];
    this.buffered = null;
    this.order = order;
    if (defaulted) this.sink.diagnostic(lines[0]?.[1], 'info', 'dates could be MM/DD or DD/MM and nothing in the file decides: read as MM/DD');
    for (const [l, n] of lines) this.handle(l, n);
  }

  private handle(line: string, lineNo: number): void {
    const f = fields(line);
    if (f.length === 0) {
      this.block = 'none';
      return;
    }
    const head = f[0] ?? '';
    if (head === 'Linux' && line.startsWith('Linux ')) {
      this.header(line, lineNo);
      return;
    }
    if (head === 'avg-cpu:') {
      this.block = 'cpu';
      this.cols = f.slice(1);
      this.reportBoundary(lineNo, false);
      return;
    }
    if (head === 'Device:' || head === 'Device') {
      this.block = 'device';
      this.cols = f.slice(1);
      this.reportBoundary(lineNo, false);
      return;
    }
    if (this.stamp(f, lineNo)) return;
    if (this.block === 'cpu') {
      this.cpuRow(f, lineNo);
      this.block = 'none';
    } else if (this.block === 'device') this.deviceRow(f, lineNo);
  }

  private header(line: string, lineNo: number): void {
    const h = parseSysstatHeader(line);
    if (!h) return;
    this.sink.fact('host.kernel', h.kernel, lineNo);
    if (h.hostname) this.sink.fact('host.hostname', h.hostname, lineNo);
    if (h.arch) this.sink.fact('host.arch', h.arch, lineNo);
    if (h.cpus !== null) this.sink.fact('host.cpus', h.cpus, lineNo);
    this.headerDate = h.date;
    if (h.date && h.date.order === 'slash' && this.order === null) this.buffered = [];
    else if (h.date && h.date.order === 'dmy' && this.order === null) this.order = 'dmy';
  }

  /** Reads a -t timestamp line; true when the line was one. */
  private stamp(f: string[], lineNo: number): boolean {
    const a = f[0] ?? '';
    let base: TimeBase = 'local';
    let t: number | null = null;
    if (a === 'Time:') {
      // Old iostat prints only the time of day: the date is the header's.
      const c = readClock(f, 1);
      if (!c) return false;
      if (c.twelveHour) this.twelveHour = true;
      this.stampForm = '-t time of day';
      const day = this.headerDay();
      if (day === null) {
        this.problem(lineNo, 'timestamp without a header date: report skipped');
        t = null;
      } else {
        // Only the time of day is printed: a time going backwards means midnight passed.
        if (this.lastSec >= 0 && c.sec < this.lastSec) this.dayOffset++;
        this.lastSec = c.sec;
        t = day + this.dayOffset * 86400000 + c.sec * 1000;
      }
    } else {
      const iso = ISO_STAMP.exec(a);
      if (iso && f.length === 1) {
        const off = (iso[7] === '-' ? -1 : 1) * (Number(iso[8]) * 60 + Number(iso[9]));
        t = Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4]), Number(iso[5]), Number(iso[6])) - off * 60000;
        base = 'utc';
        this.stampForm = '-t ISO 8601';
      } else {
        const d = f.length <= 3 ? parseSysstatDate(a) : null;
        if (!d) return false;
        const c = readClock(f, 1);
        if (!c || c.next !== f.length) return false;
        if (c.twelveHour) this.twelveHour = true;
        this.stampForm = '-t date and time';
        const order = d.order === 'slash' ? this.order ?? 'mdy' : d.order;
        const day = dayStart(d, order);
        if (day === null) {
          this.problem(lineNo, 'timestamp date is not a real date: report skipped');
        } else t = day + c.sec * 1000;
      }
    }
    this.reportBoundary(lineNo, true);
    this.now = t === null ? null : { base, t };
    return true;
  }

  private headerDay(): number | null {
    if (!this.headerDate) return null;
    const order = this.headerDate.order === 'slash' ? this.order ?? 'mdy' : this.headerDate.order;
    return dayStart(this.headerDate, order);
  }

  private stamped = false;
  private lastSec = -1;
  private dayOffset = 0;
  private lastBoundaryBlock: 'stamp' | 'block' | null = null;

  /**
   * Counts reports. With -t a report starts at its timestamp; without it, at
   * the first avg-cpu/Device block after a blank-separated gap.
   */
  private reportBoundary(lineNo: number, isStamp: boolean): void {
    if (isStamp) {
      this.stamped = true;
      this.lastBoundaryBlock = 'stamp';
      this.newReport(lineNo);
      return;
    }
    if (this.stamped) {
      this.lastBoundaryBlock = 'block';
      return;
    }
    // Without -t: avg-cpu opens a report; a Device block opens one only when no avg-cpu preceded it.
    if (this.cols[0] === '%user' || this.lastBoundaryBlock !== 'block') this.newReport(lineNo);
    this.lastBoundaryBlock = this.cols[0] === '%user' ? 'block' : null;
  }

  private newReport(lineNo: number): void {
    this.reports++;
    if (this.reports === 2 && this.first) {
      // iostat's first report averages everything since boot: not a sample of this window.
      if (this.first.length > 0) this.sink.diagnostic(lineNo, 'info', 'first iostat report holds since-boot averages: skipped');
      this.first = null;
    }
    if (!this.stamped) this.now = null;
  }

  private cpuRow(f: string[], lineNo: number): void {
    if (f.length !== this.cols.length) {
      this.problem(lineNo, `avg-cpu row has ${f.length} values for ${this.cols.length} columns: skipped`);
      return;
    }
    for (let i = 0; i < this.cols.length; i++) {
      const metric = AVG_CPU[this.cols[i] ?? ''];
      if (metric) this.out(metric, ALL_CPUS, sysstatValue(f[i] ?? ''), lineNo);
    }
  }

  private deviceRow(f: string[], lineNo: number): void {
    if (f.length !== this.cols.length + 1) {
      this.problem(lineNo, `device row has ${f.length - 1} values for ${this.cols.length} columns: skipped`);
      return;
    }
    const dev = f[0] ?? '';
    let labels = this.labelCache.get(dev);
    if (!labels) {
      labels = { device: dev };
      this.labelCache.set(dev, labels);
    }
    const byName = new Map<string, number>();
    for (let i = 0; i < this.cols.length; i++) byName.set(this.cols[i] ?? '', sysstatValue(f[i + 1] ?? ''));
    for (const [name, v] of byName) {
      const m = DEVICE_COLUMNS[name];
      if (m) this.out(m[0], labels, v * m[1], lineNo);
    }
    // sysstat >= 12 dropped tps, await and areq-sz from -x; rebuild them from the per-direction columns.
    const r = byName.get('r/s');
    const w = byName.get('w/s');
    if (r !== undefined && w !== undefined) {
      const ios = r + w;
      if (!byName.has('tps')) this.out('disk.tps', labels, ios + (byName.get('d/s') ?? 0), lineNo);
      const ra = byName.get('r_await');
      const wa = byName.get('w_await');
      if (!byName.has('await') && ra !== undefined && wa !== undefined) this.out('disk.awaitMs', labels, ios > 0 ? (r * ra + w * wa) / ios : 0, lineNo);
      const rs = byName.get('rareq-sz');
      const ws = byName.get('wareq-sz');
      if (!byName.has('areq-sz') && !byName.has('avgrq-sz') && rs !== undefined && ws !== undefined)
        this.out('disk.reqSizeKB', labels, ios > 0 ? (r * rs + w * ws) / ios : 0, lineNo);
    }
  }

  private out(metric: string, labels: Labels, v: number, lineNo: number): void {
    if (Number.isNaN(v)) return;
    if (v < 0 || v > ABSURD_VALUE) {
      this.problem(lineNo, `${metric} value ${v} is impossible (counter wrap): dropped`);
      return;
    }
    if (!this.sink.wants(metric)) return;
    if (!this.now) {
      if (!this.warnedNoTime) {
        this.warnedNoTime = true;
        this.sink.diagnostic(lineNo, 'warning', 'iostat without -t: reports carry no time and the interval is unknown, so no samples were taken');
      }
      return;
    }
    if (this.first) this.first.push({ metric, labels, base: this.now.base, t: this.now.t, v, line: lineNo });
    else this.sink.sample(metric, labels, this.now.base, this.now.t, v, lineNo);
  }

  private problem(lineNo: number, message: string): void {
    this.problems++;
    if (this.problems <= 50) this.sink.diagnostic(lineNo, 'warning', message);
  }
}

const ALL_CPUS: Labels = { cpu: 'all' };
