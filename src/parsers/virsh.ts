// virsh read-only command outputs collected by sos's virsh plugin: list --all, freecell --all,
// nodeinfo, dominfo <domain>, dommemstat <domain>. Formats: virsh(1) https://www.libvirt.org/manpages/virsh.html and
// tools/virsh-domain-monitor.c, tools/virsh-host.c.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields, num } from './util.js';

// sos 4.0 runs `virsh -r freecell` without --all (the total only)
const PATH = /^sos_commands\/(?:virsh|libvirt)\/virsh_-r_(list_--all|freecell(?:_--all)?|nodeinfo|(?:dommemstat|dominfo)_(.+))$/;

type Kind = 'list' | 'freecell' | 'nodeinfo' | 'dominfo' | 'dommemstat' | 'unknown';

const NODEINFO: Record<string, { name: string; numeric: boolean }> = {
  'CPU model': { name: 'virsh.cpuModel', numeric: false },
  'CPU(s)': { name: 'virsh.cpus', numeric: true },
  'CPU frequency': { name: 'virsh.cpuMHz', numeric: true },
  'CPU socket(s)': { name: 'virsh.socketsPerNode', numeric: true },
  'Core(s) per socket': { name: 'virsh.coresPerSocket', numeric: true },
  'Thread(s) per core': { name: 'virsh.threadsPerCore', numeric: true },
  'NUMA cell(s)': { name: 'virsh.numaCells', numeric: true },
  'Memory size': { name: 'virsh.memoryKiB', numeric: true },
};

function kindOf(path: string, head: string): { kind: Kind; domain: string } {
  const m = PATH.exec(path);
  const which = m?.[1] ?? '';
  if (which.startsWith('list')) return { kind: 'list', domain: '' };
  if (which.startsWith('freecell')) return { kind: 'freecell', domain: '' };
  if (which === 'nodeinfo') return { kind: 'nodeinfo', domain: '' };
  if (which.startsWith('dommemstat')) return { kind: 'dommemstat', domain: m?.[2] ?? '' };
  if (which.startsWith('dominfo')) return { kind: 'dominfo', domain: m?.[2] ?? '' };
  if (/^\s*Id\s+Name\s+State/.test(head)) return { kind: 'list', domain: '' };
  if (head.startsWith('CPU model:')) return { kind: 'nodeinfo', domain: '' };
  if (/^Id:\s/.test(head)) return { kind: 'dominfo', domain: '' };
  return { kind: 'unknown', domain: '' };
}

export const virsh: SourceParser = {
  id: 'virsh',
  title: 'virsh list, freecell, nodeinfo, dominfo, dommemstat',
  paths: [PATH],
  sniff(head: string): boolean {
    return /^\s*Id\s+Name\s+State\s*$/m.test(head) || (/^CPU model:/m.test(head) && /^NUMA cell\(s\):/m.test(head));
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    let kind: Kind | null = null;
    let domain = '';
    return {
      push(line: string, lineNo: number): void {
        if (kind === null) {
          const k = kindOf(ctx.path, line);
          kind = k.kind;
          domain = k.domain;
          if (kind === 'unknown') sink.diagnostic(lineNo, 'warning', 'virsh: unrecognised output');
          else sink.format(`virsh ${kind}`);
        }
        const trimmed = line.trim();
        if (trimmed === '' || /^-+$/.test(trimmed)) return;
        if (trimmed.startsWith('error:')) {
          sink.diagnostic(lineNo, 'info', `virsh: ${trimmed}`);
          return;
        }
        switch (kind) {
          case 'list': {
            const f = fields(trimmed);
            if (f[0] === 'Id' && f[1] === 'Name') return;
            if (f.length < 3) {
              sink.diagnostic(lineNo, 'warning', 'virsh list: expected "Id Name State"');
              return;
            }
            const name = f[1] ?? '';
            // states are one or two words: running, paused, shut off, in shutdown, pmsuspended
            sink.fact('vm.state', f.slice(2).join(' '), lineNo, { domain: name });
            if (/^\d+$/.test(f[0] ?? '')) sink.fact('vm.id', Number(f[0]), lineNo, { domain: name });
            return;
          }
          case 'freecell': {
            const m = /^(\d+|Total):\s+(\d+) KiB$/.exec(trimmed);
            if (!m) {
              sink.diagnostic(lineNo, 'warning', 'virsh freecell: expected "<node>: <n> KiB"');
              return;
            }
            if (m[1] === 'Total') sink.fact('numa.freecellTotalKiB', Number(m[2]), lineNo);
            else sink.fact('numa.freecellKiB', Number(m[2]), lineNo, { node: m[1] ?? '' });
            return;
          }
          case 'nodeinfo': {
            const colon = trimmed.indexOf(':');
            if (colon <= 0) return;
            const def = NODEINFO[trimmed.slice(0, colon).trim()];
            if (!def) return;
            const value = trimmed.slice(colon + 1).trim();
            if (def.numeric) {
              const v = num(fields(value)[0]);
              if (Number.isFinite(v)) sink.fact(def.name, v, lineNo);
              else sink.diagnostic(lineNo, 'warning', `virsh nodeinfo: ${def.name} is not a number`);
            } else sink.fact(def.name, value, lineNo);
            return;
          }
          case 'dominfo': {
            // "Name:           hps02", "Autostart:      enable" (virsh-domain-monitor.c, cmdDominfo)
            const colon = trimmed.indexOf(':');
            if (colon <= 0) return;
            const key = trimmed.slice(0, colon);
            const value = trimmed.slice(colon + 1).trim();
            if (key === 'Name') domain = value;
            else if (domain === '') return;
            // virsh's own words, so that a finding that reads them quotes the line
            else if (key === 'Autostart' && (value === 'enable' || value === 'disable')) sink.fact('vm.autostart', value, lineNo, { domain });
            else if (key === 'Persistent' && (value === 'yes' || value === 'no')) sink.fact('vm.persistent', value, lineNo, { domain });
            return;
          }
          case 'dommemstat': {
            const f = fields(trimmed);
            const v = num(f[1]);
            if (f.length !== 2 || !Number.isFinite(v) || !/^\w+$/.test(f[0] ?? '')) {
              sink.diagnostic(lineNo, 'warning', 'virsh dommemstat: expected "<tag> <value>"');
              return;
            }
            sink.fact(`vm.memstat.${f[0] ?? ''}`, v, lineNo, { domain });
            return;
          }
          default:
            return;
        }
      },
      end(): void {},
    };
  },
};
