// sysctl(8): https://man7.org/linux/man-pages/man8/sysctl.8.html
// `sysctl -a` prints "name = value"; multi-value knobs use tabs between values;
// unreadable keys produce "sysctl: ..." lines on stderr, which sos captures too.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

export function sysctlValue(text: string): string | number {
  const t = fields(text).join(' ');
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    const v = Number(t);
    // 64-bit limits (kernel.shmmax = 18446744073692774399) do not survive a double: keep the text.
    if (Number.isSafeInteger(v) || !Number.isInteger(v)) return v;
  }
  return t;
}

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  const seen = new Set<string>();
  let count = 0;
  return {
    push(line, lineNo) {
      if (line.trim() === '' || line.startsWith('sysctl: ')) return;
      const eq = line.indexOf(' = ');
      const name = eq > 0 ? line.slice(0, eq).trim() : '';
      if (name === '' || name.includes(' ')) {
        // "key =" with an empty value has no " = " with a trailing space trimmed off.
        if (line.endsWith(' =') && !line.slice(0, -2).includes(' ')) return;
        sink.diagnostic(lineNo, 'warning', 'not a "name = value" line');
        return;
      }
      // dev.cdrom.info and friends print one line per row of a table: the first one names the key.
      if (seen.has(name)) return;
      seen.add(name);
      count++;
      sink.fact(`sysctl.${name}`, sysctlValue(line.slice(eq + 3)), lineNo);
    },
    end() {
      sink.format('sysctl -a');
      if (count === 0) sink.diagnostic(undefined, 'warning', 'no sysctl settings found');
    },
  };
}

export const sysctlParser: SourceParser = {
  id: 'sysctl',
  title: 'sysctl -a',
  paths: [/^sos_commands\/kernel\/sysctl_-a$/],
  sniff(head) {
    return /^(abi|crypto|debug|dev|fs|kernel|net|sunrpc|user|vm)\.[\w.-]+ = /.test(head);
  },
  create,
};
