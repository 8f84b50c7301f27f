/**
 * sar data as `sadf -x -- -A` writes it (sos: sos_commands/sar/saDD.xml).
 * Format: sadf(1) https://man7.org/linux/man-pages/man1/sadf.1.html and the
 * schema https://github.com/sysstat/sysstat/blob/master/xml/sysstat.xsd.
 *
 * Unlike sar text, every timestamp carries its full date and says whether it
 * is UTC (utc="1" in sysstat < 12.5, tz="UTC" later), so no locale guessing is
 * needed. Emits the same metric names as sar.ts.
 *
 * Read as a stream of tags, line by line, never as a document tree: a day of
 * `sadf -x -- -A` is mostly per-CPU interrupt counters (two thirds of the lines
 * on a 2-CPU host, far more on a large one) that no rule reads, and a tree of
 * them cost fast-xml-parser 8 MB/s and three copies of the file in memory. A
 * file cut short keeps every sample before the cut.
 */
import type { Labels, TimeBase } from '../model.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { ABSURD_VALUE } from './sar.js';
import { num } from './util.js';

type Scaled = readonly [metric: string, scale: number];
const m = (metric: string, scale = 1): Scaled => [metric, scale];

const CPU_ATTRS: Record<string, Scaled> = {
  usr: m('cpu.userPct'),
  user: m('cpu.userPct'),
  nice: m('cpu.nicePct'),
  sys: m('cpu.systemPct'),
  system: m('cpu.systemPct'),
  iowait: m('cpu.iowaitPct'),
  steal: m('cpu.stealPct'),
  irq: m('cpu.irqPct'),
  soft: m('cpu.softPct'),
  guest: m('cpu.guestPct'),
  idle: m('cpu.idlePct'),
};

/** Elements whose values sit in attributes, one record per element. */
const ATTR_ELEMENTS: Record<string, Record<string, Scaled>> = {
  'process-and-context-switch': { proc: m('task.procPerSec'), cswch: m('task.cswchPerSec') },
  'swap-pages': { pswpin: m('swap.inPagesPerSec'), pswpout: m('swap.outPagesPerSec') },
  paging: {
    pgpgin: m('paging.pginKBps'),
    pgpgout: m('paging.pgoutKBps'),
    fault: m('paging.faultPerSec'),
    majflt: m('paging.majfltPerSec'),
    pgfree: m('paging.pgfreePerSec'),
    pgscank: m('paging.pgscankPerSec'),
    pgscand: m('paging.pgscandPerSec'),
    pgsteal: m('paging.pgstealPerSec'),
    'vmeff-percent': m('paging.vmeffPct'),
  },
  kernel: {
    dentunusd: m('kernel.dentryUnused'),
    'file-nr': m('kernel.fileHandles'),
    'inode-nr': m('kernel.inodes'),
    'pty-nr': m('kernel.ptys'),
  },
  queue: {
    'runq-sz': m('load.runQueue'),
    'plist-sz': m('load.plistSize'),
    'ldavg-1': m('load.avg1'),
    'ldavg-5': m('load.avg5'),
    'ldavg-15': m('load.avg15'),
    blocked: m('load.blocked'),
  },
};

/** Pressure stall information (sysstat >= 12.3.3), inside <psi>: some_avg/full_avg cover the interval, as sar's %scpu, %sio, %fio, %smem, %fmem. */
const PSI_ELEMENTS: Record<string, Record<string, Scaled>> = {
  'psi-cpu': { some_avg: m('pressure.cpu.somePct') },
  'psi-io': { some_avg: m('pressure.io.somePct'), full_avg: m('pressure.io.fullPct') },
  'psi-mem': { some_avg: m('pressure.memory.somePct'), full_avg: m('pressure.memory.fullPct') },
};

/** Elements whose values are child elements. */
const CHILD_ELEMENTS: Record<string, Record<string, Scaled>> = {
  memory: {
    memfree: m('mem.freeKiB'),
    avail: m('mem.availableKiB'),
    memused: m('mem.usedKiB'),
    'memused-percent': m('mem.usedPct'),
    buffers: m('mem.buffersKiB'),
    cached: m('mem.cachedKiB'),
    commit: m('mem.commitKiB'),
    'commit-percent': m('mem.commitPct'),
    active: m('mem.activeKiB'),
    inactive: m('mem.inactiveKiB'),
    dirty: m('mem.dirtyKiB'),
    anonpg: m('mem.anonPagesKiB'),
    slab: m('mem.slabKiB'),
    kstack: m('mem.kernelStackKiB'),
    pgtbl: m('mem.pageTablesKiB'),
    vmused: m('mem.vmallocUsedKiB'),
    shmem: m('mem.shmemKiB'),
    swpfree: m('swap.freeKiB'),
    swpused: m('swap.usedKiB'),
    'swpused-percent': m('swap.usedPct'),
    swpcad: m('swap.cachedKiB'),
  },
  // sysstat 12 writes <io per="second"><tps>…</tps>, with the rest in attributes of its other children.
  io: { tps: m('io.tps') },
  hugepages: {
    hugfree: m('hugepages.freeKiB'),
    hugused: m('hugepages.usedKiB'),
    'hugused-percent': m('hugepages.usedPct'),
    hugrsvd: m('hugepages.reservedKiB'),
    hugsurp: m('hugepages.surplusKiB'),
  },
};

// -b counts 512-byte blocks.
const IO_ATTRS: Record<string, Scaled> = {
  rtps: m('io.readTps'),
  bread: m('io.readKBps', 0.5),
  wtps: m('io.writeTps'),
  bwrtn: m('io.writeKBps', 0.5),
  dtps: m('io.discardTps'),
  bdscd: m('io.discardKBps', 0.5),
};

const DISK_ATTRS: Record<string, Scaled> = {
  tps: m('disk.tps'),
  await: m('disk.awaitMs'),
  r_await: m('disk.readAwaitMs'),
  w_await: m('disk.writeAwaitMs'),
  svctm: m('disk.svctmMs'),
  'util-percent': m('disk.utilPct'),
  dkB: m('disk.discardKBps'),
};

const NET_DEV_ATTRS: Record<string, Scaled> = {
  rxpck: m('net.rxPackets'),
  txpck: m('net.txPackets'),
  rxkB: m('net.rxKBps'),
  txkB: m('net.txKBps'),
  'ifutil-percent': m('net.utilPct'),
  rxerr: m('net.rxErrPerSec'),
  txerr: m('net.txErrPerSec'),
  rxdrop: m('net.rxDropPerSec'),
  txdrop: m('net.txDropPerSec'),
};

/** Host facts read from an element's text (memory and hugepages values are CHILD_ELEMENTS). */
const HOST_TEXT = new Set(['sysdata-version', 'release', 'machine', 'number-of-cpus']);

/** Every element whose start tag is read; the others only open and close. */
const READ_ELEMENTS = new Set(['sysstat', 'host', 'timestamp', 'boot', 'cpu', 'io', 'io-reads', 'io-writes', 'io-discard', 'disk-device', 'net-dev', 'net-edev', ...HOST_TEXT, ...Object.keys(ATTR_ELEMENTS), ...Object.keys(PSI_ELEMENTS), ...Object.values(CHILD_ELEMENTS).flatMap((c) => Object.keys(c))]);

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})$/;
/** sadf nests 7 deep; a stack past this is hostile or broken, and would make every tag cost its depth. */
const MAX_DEPTH = 64;
/** The text of an element read for a value (a number, a host name) is cut off past this. */
const MAX_TEXT_CHARS = 4096;
/** A tag cut by newlines is joined with the next lines up to this length, then dropped. */
const MAX_TAG_CHARS = 64 * 1024;

export const sarXml: SourceParser = {
  id: 'sar-xml',
  title: 'sar XML (sadf -x)',
  paths: [/^sos_commands\/sar\/sa\d{2,8}\.xml$/],
  sniff(head: string): boolean {
    return head.includes('<sysstat') && (head.includes('<sysdata-version>') || head.includes('sysstat.dtd') || head.includes('sysstat.xsd'));
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    return new SarXmlParser(ctx, sink);
  },
};

interface Stamp {
  base: TimeBase;
  t: number;
}

/** Text being collected for an element, with what to do with it at its end tag. */
interface Capture {
  name: string;
  line: number;
  text: string;
  use: (text: string, line: number) => void;
}

class SarXmlParser implements LineParser {
  /** open elements, local names (namespace prefixes dropped) */
  private readonly open: string[] = [];
  /** a tag (or comment) begun on an earlier line and not yet closed */
  private pending = '';
  private pendingLine = 0;
  private inComment = false;
  private capture: Capture | null = null;
  /** the <timestamp> being read; null outside one, or inside one whose time is unreadable */
  private stamp: Stamp | null = null;
  private rootSeen = false;
  private version: string | undefined;
  private utcSeen = false;
  private labelCache = new Map<string, Labels>();
  private problems = 0;
  private strayEnds = 0;
  private tooDeep = false;
  private readonly perCpu: boolean;
  private readonly wanted = new Map<string, boolean>();
  private readonly plans = new Map<Record<string, Scaled>, [string, string, number][]>();

  constructor(
    readonly ctx: ParseContext,
    private readonly sink: RecordSink,
  ) {
    this.perCpu = sink.wants('cpu.percpu');
  }

  push(line: string, lineNo: number): void {
    let pos = 0;
    if (this.inComment) {
      const close = line.indexOf('-->');
      if (close < 0) return;
      this.inComment = false;
      pos = close + 3;
    } else if (this.pending) {
      const joined = `${this.pending}\n${line}`;
      const gt = tagEnd(joined, 0);
      if (gt < 0) {
        if (joined.length > MAX_TAG_CHARS) {
          this.problem(this.pendingLine, `a tag runs past ${MAX_TAG_CHARS / 1024} KiB: skipped`);
          this.pending = '';
        } else this.pending = joined;
        return;
      }
      this.pending = '';
      const kind = joined.charCodeAt(1);
      if (kind !== 0x3f /* ? */ && kind !== 0x21 /* ! */) this.tag(joined.slice(1, gt), this.pendingLine);
      // Reading goes on in this line just after the tag's end.
      pos = gt + 1 - (joined.length - line.length);
    }
    else if (!this.capture && this.onlyIgnoredElement(line)) return;
    for (;;) {
      const lt = line.indexOf('<', pos);
      if (this.capture) {
        this.capture.text += decode(line.slice(pos, lt < 0 ? line.length : lt));
        if (lt < 0) this.capture.text += '\n';
        if (this.capture.text.length > MAX_TEXT_CHARS) {
          this.problem(this.capture.line, `<${this.capture.name}> holds more than ${MAX_TEXT_CHARS} characters where a number belongs: skipped`);
          this.capture = null;
        }
      }
      if (lt < 0) return;
      const next = line.charCodeAt(lt + 1);
      if (next === 0x21 /* ! */ && line.startsWith('<!--', lt)) {
        const close = line.indexOf('-->', lt + 4);
        if (close < 0) {
          this.inComment = true;
          return;
        }
        pos = close + 3;
        continue;
      }
      const gt = tagEnd(line, lt);
      if (gt < 0) {
        this.pending = line.slice(lt);
        this.pendingLine = lineNo;
        return;
      }
      // Declarations and processing instructions (<?xml …?>, <!DOCTYPE …>) carry no data.
      if (next !== 0x3f /* ? */ && next !== 0x21) this.tag(line.slice(lt + 1, gt), lineNo);
      pos = gt + 1;
    }
  }

  /**
   * A line holding one self-closing element that no metric comes from (the
   * interrupt, softnet, power and socket counters, most of the file) is passed
   * over without reading its tag.
   */
  private onlyIgnoredElement(line: string): boolean {
    let lt = 0;
    while (lt < line.length && (line.charCodeAt(lt) === 0x09 || line.charCodeAt(lt) === 0x20)) lt++;
    if (line.charCodeAt(lt) !== 0x3c /* < */ || !line.endsWith('/>') || line.indexOf('<', lt + 1) >= 0) return false;
    let nameEnd = lt + 1;
    while (nameEnd < line.length && !isNameEnd(line.charCodeAt(nameEnd))) nameEnd++;
    return !READ_ELEMENTS.has(localName(line.slice(lt + 1, nameEnd)));
  }

  end(): void {
    if (this.pending || this.inComment) this.problem(this.pendingLine || undefined, 'the file ends inside a tag: that tag was not read');
    if (!this.rootSeen) this.sink.diagnostic(undefined, 'warning', 'no <sysstat> root element');
    else if (this.open.length > 0) this.sink.diagnostic(undefined, 'warning', `the XML ends inside <${this.open[this.open.length - 1] ?? ''}> (cut short?): the samples before the cut were kept`);
    this.sink.format(`sadf -x${this.version ? ` (sysdata ${this.version})` : ''}, ${this.utcSeen ? 'UTC' : 'local'} times`);
  }

  /** One tag's inside, between < and >. */
  private tag(inner: string, line: number): void {
    if (inner.charCodeAt(0) === 0x2f /* / */) {
      this.close(localName(inner.slice(1).trim()), line);
      return;
    }
    const selfClosing = inner.charCodeAt(inner.length - 1) === 0x2f;
    let nameEnd = 0;
    while (nameEnd < inner.length && !isNameEnd(inner.charCodeAt(nameEnd))) nameEnd++;
    const name = localName(inner.slice(0, nameEnd));
    if (!name) return;
    const parent = this.open[this.open.length - 1];
    this.start(name, parent, inner, nameEnd, line, selfClosing);
    if (selfClosing) return;
    if (this.open.length >= MAX_DEPTH) {
      if (!this.tooDeep) this.problem(line, `elements nested deeper than ${MAX_DEPTH}: the deeper ones are not tracked`);
      this.tooDeep = true;
      return;
    }
    this.open.push(name);
  }

  private close(name: string, line: number): void {
    const at = this.open.lastIndexOf(name);
    if (at < 0) {
      if (++this.strayEnds <= 5) this.problem(line, `</${name}> closes nothing that is open: ignored`);
      return;
    }
    if (at !== this.open.length - 1) this.problem(line, `</${name}> closes <${this.open.slice(at + 1).join('>, <')}> too (malformed XML)`);
    for (let i = this.open.length - 1; i >= at; i--) {
      const closing = this.open[i];
      if (this.capture && this.capture.name === closing) {
        const c = this.capture;
        this.capture = null;
        c.use(c.text.trim(), c.line);
      }
      if (closing === 'timestamp') this.stamp = null;
    }
    this.open.length = at;
  }

  private start(name: string, parent: string | undefined, inner: string, nameEnd: number, line: number, selfClosing: boolean): void {
    const stamp = this.stamp;
    if (stamp && this.open.includes('timestamp')) {
      this.inStamp(name, parent, inner, nameEnd, line, selfClosing, stamp);
      return;
    }
    switch (name) {
      case 'sysstat':
        this.rootSeen = true;
        return;
      case 'host': {
        const nodename = attrs(inner, nameEnd).get('nodename');
        if (nodename) this.sink.fact('host.hostname', nodename, line);
        return;
      }
      case 'timestamp': {
        if (parent !== 'statistics') return;
        const when = this.when(attrs(inner, nameEnd), line);
        if (!when) return;
        if (when.base === 'utc') this.utcSeen = true;
        this.stamp = when;
        return;
      }
      case 'boot': {
        if (parent !== 'restarts') return;
        const a = attrs(inner, nameEnd);
        const when = this.when(a, line);
        if (!when) return;
        const out: Record<string, number | string> = { source: 'sysstat' };
        const n = Number(a.get('cpu_count'));
        if (Number.isInteger(n) && n > 0) out.cpus = n;
        this.sink.event({ type: 'boot', timeBase: when.base, t: when.t, labels: {}, attrs: out, line, lines: [{ line, text: `boot ${a.get('date') ?? ''} ${a.get('time') ?? ''}` }] });
        return;
      }
    }
    if (HOST_TEXT.has(name) && !selfClosing && (parent === 'host' || parent === 'sysstat')) {
      this.collect(name, line, (text, at) => {
        if (name === 'sysdata-version') this.version = text;
        else if (name === 'release') this.sink.fact('host.kernel', text, at);
        else if (name === 'machine') this.sink.fact('host.arch', text, at);
        else {
          const cpus = Number(text);
          if (Number.isInteger(cpus) && cpus > 0) this.sink.fact('host.cpus', cpus, at);
        }
      });
    }
  }

  /** An element inside a <timestamp> with a readable time. */
  private inStamp(name: string, parent: string | undefined, inner: string, nameEnd: number, line: number, selfClosing: boolean, stamp: Stamp): void {
    const { base, t } = stamp;
    // The attributes of an element are read only when a metric of it is wanted.
    if (parent === 'timestamp') {
      const simple = ATTR_ELEMENTS[name];
      if (simple) {
        if (this.anyWanted(simple)) this.emitAll(simple, attrs(inner, nameEnd), EMPTY, stamp, line);
        return;
      }
      if (name === 'io' && this.wants('io.tps')) this.emit('io.tps', EMPTY, base, t, attrs(inner, nameEnd).get('tps'), 1, line);
      return;
    }
    if (name === 'cpu' && (parent === 'cpu-load' || parent === 'cpu-load-all')) {
      // Per-CPU rows are most of the section; without a use for them only "all" is read.
      if (!this.perCpu && !isAllCpu(inner)) return;
      if (!this.anyWanted(CPU_ATTRS)) return;
      const a = attrs(inner, nameEnd);
      const number = a.get('number') ?? '';
      // isAllCpu reads sadf's own layout; a tag in another form is checked here.
      if (number !== 'all' && !this.perCpu) return;
      this.emitAll(CPU_ATTRS, a, this.labels('cpu', number), stamp, line);
      return;
    }
    if (parent === 'io' && (name === 'io-reads' || name === 'io-writes' || name === 'io-discard')) {
      if (this.anyWanted(IO_ATTRS)) this.emitAll(IO_ATTRS, attrs(inner, nameEnd), EMPTY, stamp, line);
      return;
    }
    const children = parent === undefined ? undefined : CHILD_ELEMENTS[parent];
    if (children) {
      const scaled = children[name];
      if (scaled && !selfClosing && this.wants(scaled[0])) this.collect(name, line, (text, at) => this.emit(scaled[0], EMPTY, base, t, text, scaled[1], at));
      return;
    }
    if (name === 'disk-device' && parent === 'disk') {
      if (!this.anyWanted(DISK_ATTRS) && !DISK_PICKED.some((metric) => this.wants(metric))) return;
      const a = attrs(inner, nameEnd);
      const labels = this.labels('device', a.get('dev') ?? '');
      this.emitAll(DISK_ATTRS, a, labels, stamp, line);
      // Newer sysstat writes both kB and sector forms; prefer kB, sectors are 512 bytes.
      this.pick(a, 'rkB', 'rd_sec', 0.5, 'disk.readKBps', labels, stamp, line);
      this.pick(a, 'wkB', 'wr_sec', 0.5, 'disk.writeKBps', labels, stamp, line);
      this.pick(a, 'areq-sz', 'avgrq-sz', 0.5, 'disk.reqSizeKB', labels, stamp, line);
      this.pick(a, 'aqu-sz', 'avgqu-sz', 1, 'disk.queueDepth', labels, stamp, line);
      return;
    }
    const psi = parent === 'psi' ? PSI_ELEMENTS[name] : undefined;
    if (psi) {
      if (this.anyWanted(psi)) this.emitAll(psi, attrs(inner, nameEnd), EMPTY, stamp, line);
      return;
    }
    if ((name === 'net-dev' || name === 'net-edev') && parent === 'network' && this.anyWanted(NET_DEV_ATTRS)) {
      const a = attrs(inner, nameEnd);
      this.emitAll(NET_DEV_ATTRS, a, this.labels('iface', a.get('iface') ?? ''), stamp, line);
    }
  }

  private collect(name: string, line: number, use: Capture['use']): void {
    this.capture = { name, line, text: '', use };
  }

  private when(a: TagAttrs, line: number): Stamp | null {
    const d = DATE_RE.exec(a.get('date') ?? '');
    const c = TIME_RE.exec(a.get('time') ?? '');
    if (!d || !c) {
      this.problem(line, 'timestamp without a readable date and time: skipped');
      return null;
    }
    const t = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(c[1]), Number(c[2]), Number(c[3]));
    const tz = (a.get('tz') ?? '').toUpperCase();
    // sadf writes UTC unless run with -t/-T; older versions flag it with utc="1", newer with tz="UTC".
    const utc = a.get('utc') === '1' || tz === 'UTC' || tz === 'GMT';
    return { base: utc ? 'utc' : 'local', t };
  }

  private emitAll(map: Record<string, Scaled>, a: TagAttrs, labels: Labels, stamp: Stamp, line: number): void {
    for (const [attr, metric, scale] of this.plan(map)) {
      const raw = a.get(attr);
      if (raw !== undefined) this.emit(metric, labels, stamp.base, stamp.t, raw, scale, line);
    }
  }

  /** The attributes of an element that carry a wanted metric. */
  private plan(map: Record<string, Scaled>): [attr: string, metric: string, scale: number][] {
    let p = this.plans.get(map);
    if (!p) {
      p = Object.entries(map)
        .filter(([, [metric]]) => this.wants(metric))
        .map(([attr, [metric, scale]]) => [attr, metric, scale]);
      this.plans.set(map, p);
    }
    return p;
  }

  private emit(metric: string, labels: Labels, base: TimeBase, t: number, raw: string | undefined, scale: number, line: number): void {
    if (raw === undefined || !this.wants(metric)) return;
    const v = num(raw) * scale;
    if (Number.isNaN(v)) return;
    if (v < 0 || v > ABSURD_VALUE) {
      this.problem(line, `${metric} value ${v} is impossible (counter wrap): dropped`);
      return;
    }
    this.sink.sample(metric, labels, base, t, v, line);
  }

  private wants(metric: string): boolean {
    let w = this.wanted.get(metric);
    if (w === undefined) {
      w = this.sink.wants(metric);
      this.wanted.set(metric, w);
    }
    return w;
  }

  private anyWanted(map: Record<string, Scaled>): boolean {
    return this.plan(map).length > 0;
  }

  private labels(name: string, key: string): Labels {
    const ck = `${name}\0${key}`;
    let l = this.labelCache.get(ck);
    if (!l) {
      l = { [name]: key };
      this.labelCache.set(ck, l);
    }
    return l;
  }

  private pick(a: TagAttrs, newAttr: string, oldAttr: string, oldScale: number, metric: string, labels: Labels, stamp: Stamp, line: number): void {
    const fresh = a.get(newAttr);
    if (fresh !== undefined) this.emit(metric, labels, stamp.base, stamp.t, fresh, 1, line);
    else this.emit(metric, labels, stamp.base, stamp.t, a.get(oldAttr), oldScale, line);
  }

  private problem(line: number | undefined, message: string): void {
    this.problems++;
    if (this.problems <= 50) this.sink.diagnostic(line || undefined, 'warning', message);
  }
}

const EMPTY: Labels = {};

/** The disk metrics read with pick(), from one of two attributes. */
const DISK_PICKED = ['disk.readKBps', 'disk.writeKBps', 'disk.reqSizeKB', 'disk.queueDepth'];

/** <cpu number="all" …>, told without reading the other attributes. */
function isAllCpu(inner: string): boolean {
  const at = inner.indexOf('number=');
  return at >= 0 && inner.startsWith('all', at + 8);
}

/**
 * Index of the > that ends the tag opening at `from`, or -1 when it is not in
 * this text. A > inside a quoted value does not end it: the last attribute
 * before a candidate is checked for an unclosed quote (a value holding both =
 * and > can still fool it; sadf writes neither in the values read here).
 */
function tagEnd(text: string, from: number): number {
  let gt = text.indexOf('>', from + 1);
  while (gt >= 0) {
    const eq = text.lastIndexOf('=', gt);
    if (eq <= from) return gt;
    let q = eq + 1;
    while (q < gt && isSpace(text.charCodeAt(q))) q++;
    const quote = text.charCodeAt(q);
    if (quote !== 0x22 && quote !== 0x27) return gt;
    const close = text.indexOf(quote === 0x22 ? '"' : "'", q + 1);
    if (close < 0) return -1;
    if (close < gt) return gt;
    gt = text.indexOf('>', close + 1);
  }
  return -1;
}

function isNameEnd(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2f;
}

/** The element name without a namespace prefix (sysstat ≥ 12 declares a default namespace). */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * A tag's attributes in document order. A tag has a few; a linear search beats
 * building a dictionary for each of the hundreds of thousands of tags.
 */
class AttrList {
  readonly names: string[] = [];
  readonly values: string[] = [];
  length = 0;
  get(name: string): string | undefined {
    for (let i = 0; i < this.length; i++) if (this.names[i] === name) return this.values[i];
    return undefined;
  }
}

/**
 * The attributes of one tag, looked up by name. sadf writes a tag on one line
 * as name="value" pairs separated by single spaces; for such a tag a lookup is
 * one indexOf, and the dozen attributes no rule reads are never split out.
 * Any other form (tabs or newlines between attributes, single quotes,
 * character references, spaces around =) is parsed in full.
 */
class TagAttrs {
  private inner = '';
  private from = 0;
  private simple = true;
  private full: AttrList | null = null;

  reset(inner: string, from: number): this {
    this.inner = inner;
    this.from = from;
    this.full = null;
    this.simple = inner.indexOf('\n') < 0 && inner.indexOf('\t') < 0 && inner.indexOf('\r') < 0 && inner.indexOf("'") < 0 && inner.indexOf('&') < 0 && inner.indexOf(' =') < 0 && inner.indexOf('= ') < 0 && inner.indexOf(':') < 0;
    return this;
  }

  get(name: string): string | undefined {
    if (!this.simple) {
      this.full ??= parseAttrs(this.inner, this.from, new AttrList());
      return this.full.get(name);
    }
    let needle = NEEDLES.get(name);
    if (needle === undefined) {
      needle = ` ${name}="`;
      NEEDLES.set(name, needle);
    }
    const at = this.inner.indexOf(needle, this.from);
    if (at < 0) return undefined;
    const start = at + needle.length;
    const end = this.inner.indexOf('"', start);
    return end < 0 ? undefined : this.inner.slice(start, end);
  }
}

const NEEDLES = new Map<string, string>();
/** Reused by every tag: attributes are read and used before the next tag is. */
const SCRATCH = new TagAttrs();

function attrs(inner: string, from: number): TagAttrs {
  return SCRATCH.reset(inner, from);
}

function parseAttrs(inner: string, from: number, out: AttrList): AttrList {
  out.length = 0;
  let i = from;
  for (;;) {
    const eq = inner.indexOf('=', i);
    if (eq < 0) return out;
    let nameEnd = eq;
    while (nameEnd > i && isSpace(inner.charCodeAt(nameEnd - 1))) nameEnd--;
    let nameStart = nameEnd;
    while (nameStart > i && !isSpace(inner.charCodeAt(nameStart - 1))) nameStart--;
    let q = eq + 1;
    while (q < inner.length && isSpace(inner.charCodeAt(q))) q++;
    const quote = inner.charCodeAt(q);
    if (quote !== 0x22 && quote !== 0x27) {
      i = eq + 1;
      continue;
    }
    const close = inner.indexOf(quote === 0x22 ? '"' : "'", q + 1);
    if (close < 0) return out;
    const name = inner.slice(nameStart, nameEnd);
    out.names[out.length] = name.includes(':') ? localName(name) : name;
    out.values[out.length] = decode(inner.slice(q + 1, close));
    out.length++;
    i = close + 1;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos);/g, (whole, e: string) => {
    if (e.charCodeAt(0) !== 0x23) return ENTITIES[e] ?? whole;
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
