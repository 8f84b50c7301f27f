/**
 * sar data as `sadf -x -- -A` writes it (sos: sos_commands/sar/saDD.xml).
 * Format: sadf(1) https://man7.org/linux/man-pages/man1/sadf.1.html and the
 * schema https://github.com/sysstat/sysstat/blob/master/xml/sysstat.xsd.
 *
 * Unlike sar text, every timestamp carries its full date and says whether it
 * is UTC (utc="1" in sysstat < 12.5, tz="UTC" later), so no locale guessing is
 * needed. Emits the same metric names as sar.ts.
 */
import type { Labels, TimeBase } from '../model.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { ABSURD_VALUE } from './sar.js';
import { num } from './util.js';
import { fastXml } from './xml.js';

/** Larger XML is refused: fast-xml-parser builds the whole tree in memory. */
const MAX_XML_CHARS = 200 * 1024 * 1024;

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

const ARRAYS = new Set(['host', 'timestamp', 'cpu', 'disk-device', 'net-dev', 'net-edev', 'boot']);

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nodes(v: unknown): Node[] {
  if (Array.isArray(v)) return v.filter(isNode);
  return isNode(v) ? [v] : [];
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (isNode(v) && typeof v['#text'] === 'string') return v['#text'];
  return undefined;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})$/;

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

class SarXmlParser implements LineParser {
  private lines: string[] = [];
  private chars = 0;
  private tooBig = false;
  /** line number of each <timestamp element, in document order */
  private stampLines: number[] = [];
  /**
   * Per timestamp, the line of each element that carries values (`cpu|all`,
   * `memory`, `disk-device|sda` …): evidence then quotes the line with the
   * numbers, not the <timestamp> line above it.
   */
  private elementLines: Map<string, number>[] = [];
  private bootLines: number[] = [];
  private hostLine = 1;
  private labelCache = new Map<string, Labels>();
  private lineOf: (key: string) => number = () => 0;
  private problems = 0;

  constructor(
    readonly ctx: ParseContext,
    private readonly sink: RecordSink,
  ) {}

  push(line: string, lineNo: number): void {
    if (this.tooBig) return;
    this.chars += line.length + 1;
    if (this.chars > MAX_XML_CHARS) {
      this.tooBig = true;
      this.lines = [];
      this.sink.diagnostic(lineNo, 'error', `sadf XML larger than ${MAX_XML_CHARS / 1048576} MB: not parsed`);
      return;
    }
    if (line.includes('<timestamp')) {
      this.stampLines.push(lineNo);
      this.elementLines.push(new Map());
    } else if (line.includes('<boot ')) this.bootLines.push(lineNo);
    else if (line.includes('<host ')) this.hostLine = lineNo;
    else {
      const current = this.elementLines[this.elementLines.length - 1];
      if (current) {
        const m = ELEMENT_START.exec(line);
        if (m) {
          const key = m[2] === undefined ? (m[1] as string) : `${m[1]}|${m[2]}`;
          if (!current.has(key)) current.set(key, lineNo);
        }
      }
    }
    this.lines.push(line);
  }

  end(): void {
    if (this.tooBig) return;
    const xml = this.lines.join('\n');
    this.lines = [];
    let doc: unknown;
    try {
      const parser = new (fastXml().XMLParser)({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        parseTagValue: false,
        parseAttributeValue: false,
        removeNSPrefix: true,
        isArray: (name) => ARRAYS.has(name),
      });
      doc = parser.parse(xml);
    } catch (err) {
      this.sink.diagnostic(undefined, 'error', `sadf XML is not well formed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const root = isNode(doc) ? doc['sysstat'] : undefined;
    if (!isNode(root)) {
      this.sink.diagnostic(undefined, 'warning', 'no <sysstat> root element');
      return;
    }
    const version = text(root['sysdata-version']);
    let stampIndex = 0;
    let bootIndex = 0;
    let utcSeen = false;
    for (const host of nodes(root['host'])) {
      const hl = this.hostLine;
      const nodename = host['nodename'];
      if (typeof nodename === 'string' && nodename) this.sink.fact('host.hostname', nodename, hl);
      const release = text(host['release']);
      if (release) this.sink.fact('host.kernel', release, hl);
      const machine = text(host['machine']);
      if (machine) this.sink.fact('host.arch', machine, hl);
      const cpus = Number(text(host['number-of-cpus']));
      if (Number.isInteger(cpus) && cpus > 0) this.sink.fact('host.cpus', cpus, hl);
      const stats = host['statistics'];
      for (const ts of isNode(stats) ? nodes(stats['timestamp']) : []) {
        const elements = this.elementLines[stampIndex];
        const line = this.stampLines[stampIndex++] ?? 0;
        const when = this.when(ts, line);
        if (!when) continue;
        if (when.base === 'utc') utcSeen = true;
        this.lineOf = (key) => elements?.get(key) ?? line;
        this.timestamp(ts, when.base, when.t, line);
      }
      const restarts = host['restarts'];
      for (const b of isNode(restarts) ? nodes(restarts['boot']) : []) {
        const line = this.bootLines[bootIndex++] ?? 0;
        const when = this.when(b, line);
        if (!when) continue;
        const attrs: Record<string, number> = {};
        const n = Number(b['cpu_count']);
        if (Number.isInteger(n) && n > 0) attrs.cpus = n;
        this.sink.event({ type: 'boot', timeBase: when.base, t: when.t, labels: {}, attrs, line, lines: [{ line, text: `boot ${String(b['date'])} ${String(b['time'])}` }] });
      }
    }
    this.sink.format(`sadf -x${version ? ` (sysdata ${version})` : ''}, ${utcSeen ? 'UTC' : 'local'} times`);
  }

  private when(n: Node, line: number): { base: TimeBase; t: number } | null {
    const d = DATE_RE.exec(typeof n['date'] === 'string' ? n['date'] : '');
    const c = TIME_RE.exec(typeof n['time'] === 'string' ? n['time'] : '');
    if (!d || !c) {
      this.problem(line, 'timestamp without a readable date and time: skipped');
      return null;
    }
    const t = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(c[1]), Number(c[2]), Number(c[3]));
    const tz = typeof n['tz'] === 'string' ? n['tz'].toUpperCase() : '';
    // sadf writes UTC unless run with -t/-T; older versions flag it with utc="1", newer with tz="UTC".
    const utc = n['utc'] === '1' || tz === 'UTC' || tz === 'GMT';
    return { base: utc ? 'utc' : 'local', t };
  }

  private emit(metric: string, labels: Labels, base: TimeBase, t: number, raw: unknown, scale: number, line: number): void {
    const s = text(raw);
    if (s === undefined) return;
    const v = num(s) * scale;
    if (Number.isNaN(v)) return;
    if (v < 0 || v > ABSURD_VALUE) {
      this.problem(line, `${metric} value ${v} is impossible (counter wrap): dropped`);
      return;
    }
    if (!this.sink.wants(metric)) return;
    this.sink.sample(metric, labels, base, t, v, line);
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

  private timestamp(ts: Node, base: TimeBase, t: number, line: number): void {
    const perCpu = this.sink.wants('cpu.percpu');
    for (const key of ['cpu-load', 'cpu-load-all']) {
      const load = ts[key];
      if (!isNode(load)) continue;
      for (const cpu of nodes(load['cpu'])) {
        const number = typeof cpu['number'] === 'string' ? cpu['number'] : '';
        if (number !== 'all' && !perCpu) continue;
        const labels = this.labels('cpu', number);
        const at = this.lineOf(`cpu|${number}`);
        for (const [attr, [metric, scale]] of Object.entries(CPU_ATTRS)) if (attr in cpu) this.emit(metric, labels, base, t, cpu[attr], scale, at);
      }
    }
    for (const [el, map] of Object.entries(ATTR_ELEMENTS)) {
      const n = ts[el];
      if (!isNode(n)) continue;
      const at = this.lineOf(el);
      for (const [attr, [metric, scale]] of Object.entries(map)) if (attr in n) this.emit(metric, EMPTY, base, t, n[attr], scale, at);
    }
    for (const [el, map] of Object.entries(CHILD_ELEMENTS)) {
      const n = ts[el];
      if (!isNode(n)) continue;
      const at = this.lineOf(el);
      for (const [child, [metric, scale]] of Object.entries(map)) if (child in n) this.emit(metric, EMPTY, base, t, n[child], scale, this.lineOf(child) === line ? at : this.lineOf(child));
    }
    const io = ts['io'];
    if (isNode(io)) {
      this.emit('io.tps', EMPTY, base, t, io['tps'], 1, this.lineOf('tps'));
      for (const part of ['io-reads', 'io-writes', 'io-discard']) {
        const n = io[part];
        if (!isNode(n)) continue;
        const at = this.lineOf(part);
        for (const [attr, [metric, scale]] of Object.entries(IO_ATTRS)) if (attr in n) this.emit(metric, EMPTY, base, t, n[attr], scale, at);
      }
    }
    const disk = ts['disk'];
    if (isNode(disk)) {
      for (const dev of nodes(disk['disk-device'])) {
        const name = typeof dev['dev'] === 'string' ? dev['dev'] : '';
        const labels = this.labels('device', name);
        const at = this.lineOf(`disk-device|${name}`);
        for (const [attr, [metric, scale]] of Object.entries(DISK_ATTRS)) if (attr in dev) this.emit(metric, labels, base, t, dev[attr], scale, at);
        // Newer sysstat writes both kB and sector forms; prefer kB, sectors are 512 bytes.
        this.pick(dev, 'rkB', 'rd_sec', 0.5, 'disk.readKBps', labels, base, t, at);
        this.pick(dev, 'wkB', 'wr_sec', 0.5, 'disk.writeKBps', labels, base, t, at);
        this.pick(dev, 'areq-sz', 'avgrq-sz', 0.5, 'disk.reqSizeKB', labels, base, t, at);
        this.pick(dev, 'aqu-sz', 'avgqu-sz', 1, 'disk.queueDepth', labels, base, t, at);
      }
    }
    const net = ts['network'];
    if (isNode(net)) {
      for (const el of ['net-dev', 'net-edev']) {
        for (const dev of nodes(net[el])) {
          const name = typeof dev['iface'] === 'string' ? dev['iface'] : '';
          const labels = this.labels('iface', name);
          const at = this.lineOf(`${el}|${name}`);
          for (const [attr, [metric, scale]] of Object.entries(NET_DEV_ATTRS)) if (attr in dev) this.emit(metric, labels, base, t, dev[attr], scale, at);
        }
      }
    }
  }

  private pick(n: Node, newAttr: string, oldAttr: string, oldScale: number, metric: string, labels: Labels, base: TimeBase, t: number, line: number): void {
    if (newAttr in n) this.emit(metric, labels, base, t, n[newAttr], 1, line);
    else if (oldAttr in n) this.emit(metric, labels, base, t, n[oldAttr], oldScale, line);
  }

  private problem(line: number, message: string): void {
    this.problems++;
    if (this.problems <= 50) this.sink.diagnostic(line || undefined, 'warning', message);
  }
}

const EMPTY: Labels = {};
/** An element opening at the start of a line, with the attribute that names its subject (cpu number, device, interface). */
const ELEMENT_START = /^\s*<([a-z][a-z0-9-]*)(?:\s+(?:number|dev|iface)="([^"]*)")?/;
