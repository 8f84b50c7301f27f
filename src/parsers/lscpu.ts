// lscpu(1): https://man7.org/linux/man-pages/man1/lscpu.1.html
// "Key: value" lines; util-linux 2.37+ nests them under indented section
// headers (e.g. "NUMA:" then "  NUMA node(s):"), so keys are trimmed.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

const NUMBERS: Record<string, string> = {
  'CPU(s)': 'host.cpus',
  'NUMA node(s)': 'host.numaNodes',
  'Socket(s)': 'host.sockets',
  'Core(s) per socket': 'host.coresPerSocket',
  'Thread(s) per core': 'host.threadsPerCore',
};

const STRINGS: Record<string, string> = {
  'Model name': 'host.model',
  Architecture: 'host.arch',
  'Hypervisor vendor': 'host.hypervisor',
};

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let keys = 0;
  const seen = new Set<string>();
  return {
    push(line, lineNo) {
      const colon = line.indexOf(':');
      if (colon <= 0) return;
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (value === '') return;
      keys++;
      // Some lscpu versions repeat Model name for each CPU type (big.LITTLE): keep the first.
      if (seen.has(key)) return;
      seen.add(key);
      const numName = NUMBERS[key];
      if (numName !== undefined) {
        const v = Number(value);
        if (Number.isInteger(v) && v >= 0) sink.fact(numName, v, lineNo);
        else sink.diagnostic(lineNo, 'warning', `${key} is not a count`);
        return;
      }
      const strName = STRINGS[key];
      if (strName !== undefined) {
        sink.fact(strName, value, lineNo);
        if (strName === 'host.hypervisor') sink.fact('host.virtualized', true, lineNo);
        return;
      }
      if (key.startsWith('NUMA node') && key.endsWith(' CPU(s)')) {
        const node = key.slice('NUMA node'.length, -' CPU(s)'.length);
        if (/^\d+$/.test(node)) sink.fact('numa.cpulist', value, lineNo, { node });
      }
    },
    end() {
      sink.format('lscpu');
      if (keys === 0) sink.diagnostic(undefined, 'warning', 'no lscpu fields found');
    },
  };
}

export const lscpuParser: SourceParser = {
  id: 'lscpu',
  title: 'lscpu',
  paths: [/^sos_commands\/processor\/lscpu$/],
  sniff(head) {
    return head.startsWith('Architecture:') && head.includes('\nCPU(s):');
  },
  create,
};
