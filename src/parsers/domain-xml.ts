// libvirt domain XML (persistent config etc/libvirt/qemu/*.xml, live status run/libvirt/qemu/*.xml
// wrapped in <domstatus>, and `virsh -r dumpxml` output). Schema: https://libvirt.org/formatdomain.html
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import type { Labels } from '../model.js';
import { errorMessage } from './collect.js';
import { fastXml } from './xml.js';

/** Domain XML is small (a few KiB); refuse absurd inputs rather than build a huge DOM. */
const MAX_CHARS = 4 * 1024 * 1024;

const ARRAYS = new Set(['disk', 'interface', 'vcpupin', 'page', 'hostdev', 'memnode', 'cell']);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(v: unknown, name: string): Obj | undefined {
  if (!isObj(v)) return undefined;
  const c = v[name];
  if (isObj(c)) return c;
  if (typeof c === 'string' || typeof c === 'number') return { '#text': String(c) };
  if (c === '') return {};
  return undefined;
}

function children(v: unknown, name: string): Obj[] {
  if (!isObj(v)) return [];
  const c = v[name];
  const list = Array.isArray(c) ? c : c === undefined ? [] : [c];
  const out: Obj[] = [];
  for (const item of list) {
    if (isObj(item)) out.push(item);
    else if (typeof item === 'string' || typeof item === 'number') out.push({ '#text': String(item) });
  }
  return out;
}

function attr(v: Obj | undefined, name: string): string | undefined {
  if (!v) return undefined;
  const a = v[`@_${name}`];
  return typeof a === 'string' ? a : typeof a === 'number' ? String(a) : undefined;
}

function text(v: Obj | undefined): string | undefined {
  if (!v) return undefined;
  const t = v['#text'];
  return typeof t === 'string' ? t.trim() : typeof t === 'number' ? String(t) : undefined;
}

/** libvirt's scaled integers: "KB" is 1000 bytes but "k"/"KiB" is 1024 (formatdomain.html#memory-allocation). */
export function toKiB(value: string | undefined, unit: string | undefined): number {
  if (value === undefined) return NaN;
  const n = Number(value);
  if (!Number.isFinite(n)) return NaN;
  const factors: Record<string, number> = {
    b: 1 / 1024, byte: 1 / 1024, bytes: 1 / 1024,
    kb: 1000 / 1024, k: 1, kib: 1,
    mb: 1e6 / 1024, m: 1024, mib: 1024,
    gb: 1e9 / 1024, g: 1024 ** 2, gib: 1024 ** 2,
    tb: 1e12 / 1024, t: 1024 ** 3, tib: 1024 ** 3,
  };
  // virScaleInteger compares suffixes case-insensitively
  const f = factors[(unit ?? 'KiB').toLowerCase()];
  return f === undefined ? NaN : n * f;
}

export const domainXml: SourceParser = {
  id: 'domain-xml',
  title: 'libvirt domain XML',
  paths: [/^etc\/libvirt\/qemu\/[^/]+\.xml$/, /^run\/libvirt\/qemu\/[^/]+\.xml$/, /^sos_commands\/virsh\/virsh_-r_dumpxml_/],
  sniff(head: string): boolean {
    return /<domain\s[^>]*type=['"]/.test(head) || head.includes('<domstatus');
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    const lines: string[] = [];
    let size = 0;
    let tooBig = false;
    const base = ctx.path.slice(ctx.path.lastIndexOf('/') + 1);
    const fileDomain = base.replace(/\.xml$/, '').replace(/^virsh_-r_dumpxml_(?:--\w+_)?/, '');

    /** the line number of the n-th line that opens `<tag`, so facts point at their evidence */
    const lineOf = (tag: string, nth = 0): number => {
      let seen = 0;
      const open = `<${tag}`;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i] ?? '';
        const at = l.indexOf(open);
        if (at >= 0) {
          const next = l.charAt(at + open.length);
          if (next === '>' || next === ' ' || next === '/' || next === '\t' || next === '') {
            if (seen === nth) return i + 1;
            seen++;
          }
        }
      }
      return 1;
    };

    return {
      push(line: string): void {
        if (tooBig) return;
        size += line.length + 1;
        if (size > MAX_CHARS) {
          tooBig = true;
          return;
        }
        lines.push(line);
      },
      end(): void {
        if (tooBig) {
          sink.diagnostic(undefined, 'warning', `domain XML larger than ${MAX_CHARS} characters; skipped`);
          return;
        }
        if (lines.every((l) => l.trim() === '')) return;
        const xml = lines.join('\n');
        // the parser itself is lenient and would return half a document for a cut-off file
        const valid = fastXml().XMLValidator.validate(xml);
        if (valid !== true) {
          const line = valid.err.line;
          sink.diagnostic(Number.isInteger(line) && line >= 1 && line <= lines.length ? line : undefined, 'warning', `not well-formed domain XML: ${valid.err.msg}`);
          return;
        }
        let doc: unknown;
        try {
          const parser = new (fastXml().XMLParser)({
            ignoreAttributes: false,
            attributeNamePrefix: '@_',
            parseTagValue: false,
            parseAttributeValue: false,
            removeNSPrefix: false,
            isArray: (name: string) => ARRAYS.has(name),
          });
          doc = parser.parse(xml);
        } catch (err) {
          sink.diagnostic(undefined, 'warning', `not well-formed domain XML: ${errorMessage(err)}`);
          return;
        }
        const dom = child(doc, 'domain') ?? child(child(doc, 'domstatus'), 'domain');
        if (!dom) {
          sink.diagnostic(undefined, 'warning', 'no <domain> element');
          return;
        }
        sink.format(child(doc, 'domstatus') ? 'libvirt domain status XML' : 'libvirt domain XML');
        const name = text(child(dom, 'name')) ?? fileDomain;
        const labels: Labels = { domain: name };
        const fact = (n: string, v: string | number | boolean, tag: string, l: Labels = labels, nth = 0): void => {
          if (typeof v === 'number' && !Number.isFinite(v)) return;
          sink.fact(n, v, lineOf(tag, nth), l);
        };

        fact('vm.name', name, 'name');
        // what libvirt does when the guest's kernel panics (pvpanic) or QEMU crashes: destroy, restart, preserve, coredump-*
        const onCrash = text(child(dom, 'on_crash'));
        if (onCrash) fact('vm.onCrash', onCrash, 'on_crash');
        // libvirt's live status (src/qemu/qemu_domain.c qemuDomainObjPrivateXMLFormat): the state and its
        // reason as virDomainState*/virDomainPausedReason names, e.g. state='paused' reason='ioerror'
        const status = child(doc, 'domstatus');
        if (status) {
          const state = attr(status, 'state');
          const reason = attr(status, 'reason');
          if (state) fact('vm.liveState', state, 'domstatus');
          if (reason) fact('vm.liveStateReason', reason, 'domstatus');
        }
        const uuid = text(child(dom, 'uuid'));
        if (uuid) fact('vm.uuid', uuid, 'uuid');
        const vcpu = child(dom, 'vcpu');
        const vcpus = Number(text(vcpu));
        if (Number.isInteger(vcpus)) fact('vm.vcpus', vcpus, 'vcpu');
        const vcpuPlacement = attr(vcpu, 'placement');
        if (vcpuPlacement) fact('vm.vcpuPlacement', vcpuPlacement, 'vcpu');
        const mem = child(dom, 'memory');
        fact('vm.memoryKiB', toKiB(text(mem), attr(mem, 'unit')), 'memory');
        const cur = child(dom, 'currentMemory');
        fact('vm.currentMemoryKiB', toKiB(text(cur), attr(cur, 'unit')), 'currentMemory');
        // the memory cgroup limit libvirt puts on the guest's whole QEMU: set too low, the kernel kills it
        const hardLimit = child(child(dom, 'memtune'), 'hard_limit');
        if (hardLimit) fact('vm.hardLimitKiB', toKiB(text(hardLimit), attr(hardLimit, 'unit')), 'hard_limit');

        const cputune = child(dom, 'cputune');
        const pins = children(cputune, 'vcpupin').map((p) => ({ vcpu: Number(attr(p, 'vcpu')), cpuset: attr(p, 'cpuset') ?? '' }));
        if (pins.length > 0) fact('vm.vcpupin', JSON.stringify(pins), 'vcpupin');
        const epin = attr(child(cputune, 'emulatorpin'), 'cpuset');
        if (epin) fact('vm.emulatorpin', epin, 'emulatorpin');

        const numaMem = child(child(dom, 'numatune'), 'memory');
        const nmode = attr(numaMem, 'mode');
        if (nmode) fact('vm.numatuneMode', nmode, 'numatune');
        const nodeset = attr(numaMem, 'nodeset');
        if (nodeset) fact('vm.numatuneNodeset', nodeset, 'numatune');
        const placement = attr(numaMem, 'placement');
        if (placement) fact('vm.numatunePlacement', placement, 'numatune');

        const backing = child(dom, 'memoryBacking');
        const huge = child(backing, 'hugepages');
        fact('vm.hugepages', huge !== undefined, huge ? 'hugepages' : 'domain');
        const page = children(huge, 'page')[0];
        if (page) fact('vm.hugepageSizeKiB', toKiB(attr(page, 'size'), attr(page, 'unit')), 'page');
        fact('vm.nosharepages', child(backing, 'nosharepages') !== undefined, backing ? 'memoryBacking' : 'domain');

        const cpuMode = attr(child(dom, 'cpu'), 'mode');
        if (cpuMode) fact('vm.cpuMode', cpuMode, 'cpu');

        const devices = child(dom, 'devices');
        const disks = children(devices, 'disk');
        fact('vm.diskCount', disks.length, disks.length > 0 ? 'disk' : 'domain');
        disks.forEach((d, i) => {
          const target = child(d, 'target');
          const driver = child(d, 'driver');
          const src = child(d, 'source');
          const source = attr(src, 'file') ?? attr(src, 'dev') ?? attr(src, 'name') ?? attr(src, 'volume') ?? attr(src, 'dir') ?? '';
          const info: Record<string, string> = {
            bus: attr(target, 'bus') ?? '',
            cache: attr(driver, 'cache') ?? 'default',
            io: attr(driver, 'io') ?? 'default',
            type: attr(d, 'type') ?? '',
            device: attr(d, 'device') ?? 'disk',
            format: attr(driver, 'type') ?? '',
            source: attr(src, 'protocol') ? `${attr(src, 'protocol') ?? ''}:${source}` : source,
          };
          fact('vm.disk', JSON.stringify(info), 'disk', { domain: name, target: attr(target, 'dev') ?? String(i) }, i);
        });
        const models = children(devices, 'interface').map((n) => attr(child(n, 'model'), 'type') ?? 'default');
        if (models.length > 0) fact('vm.interfaceModels', models.join(','), 'interface');
        const balloon = child(devices, 'memballoon');
        if (balloon) {
          fact('vm.memballoon', attr(balloon, 'model') ?? 'unknown', 'memballoon');
          const ad = attr(balloon, 'autodeflate');
          if (ad) fact('vm.memballoonAutodeflate', ad === 'on', 'memballoon');
          const period = Number(attr(child(balloon, 'stats'), 'period'));
          if (Number.isFinite(period)) fact('vm.memballoonStatsPeriodSec', period, 'stats');
        }
      },
    };
  },
};
