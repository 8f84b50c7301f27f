// /proc/cpuinfo: https://man7.org/linux/man-pages/man5/proc_cpuinfo.5.html
// Layout differs by architecture: x86/arm/ppc repeat "processor : N" blocks;
// s390x states "# processors : N" once. The x86 "hypervisor" flag is CPUID
// leaf 1 ECX bit 31, set by every mainstream hypervisor.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let processors = 0;
  let stated: number | null = null;
  let firstLine = 0;
  let model = false;
  let flagsSeen = false;
  return {
    push(line, lineNo) {
      const colon = line.indexOf(':');
      if (colon <= 0) return;
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key === 'processor' && /^\d+$/.test(value)) {
        processors++;
        if (firstLine === 0) firstLine = lineNo;
        return;
      }
      if (key === '# processors') {
        const v = Number(value);
        if (Number.isInteger(v)) {
          stated = v;
          firstLine = lineNo;
        }
        return;
      }
      if (!model && (key === 'model name' || key === 'cpu') && value !== '') {
        model = true;
        sink.fact('host.model', value, lineNo);
        return;
      }
      if (!flagsSeen && key === 'flags') {
        flagsSeen = true;
        sink.fact('host.virtualized', fields(value).includes('hypervisor'), lineNo);
      }
    },
    end() {
      sink.format('proc/cpuinfo');
      const cpus = stated ?? processors;
      if (cpus > 0) sink.fact('host.cpus', cpus, firstLine);
      else sink.diagnostic(undefined, 'warning', 'no processor entries found');
    },
  };
}

export const cpuinfoParser: SourceParser = {
  id: 'cpuinfo',
  title: '/proc/cpuinfo',
  paths: [/^proc\/cpuinfo$/],
  sniff(head) {
    return /^processor\s*: \d+\n/.test(head) || head.startsWith('vendor_id       : IBM/S390');
  },
  create,
};
