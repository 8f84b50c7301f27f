// uname(1): https://man7.org/linux/man-pages/man1/uname.1.html
// `uname -a` prints: kernel-name nodename release version machine [processor
// hardware-platform] operating-system; coreutils drops processor and platform
// when they are "unknown", and the version itself contains spaces, so the
// machine is read from the end of the line.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields, firstLineParser } from './util.js';

const OS_NAMES = new Set(['GNU/Linux', 'Linux', 'GNU']);

export function parseUnameA(line: string): { hostname: string; kernel: string; arch: string | null } | null {
  const f = fields(line);
  if (f.length < 3 || f[0] !== 'Linux') return null;
  const hostname = f[1] ?? '';
  const kernel = f[2] ?? '';
  let arch: string | null = null;
  for (let i = f.length - 1; i >= 4; i--) {
    const tok = f[i] ?? '';
    if (OS_NAMES.has(tok) || tok === 'unknown') continue;
    // The first token from the end that is not the OS is the hardware platform (= machine on Linux).
    if (/^[a-z0-9_]+$/.test(tok) && !/^\d+$/.test(tok)) arch = tok;
    break;
  }
  return { hostname, kernel, arch };
}

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  return firstLineParser(sink, {
    what: 'a `uname -a` line',
    format: 'uname -a',
    parse: parseUnameA,
    emit: (u, lineNo) => {
      sink.fact('host.kernel', u.kernel, lineNo);
      sink.fact('host.hostname', u.hostname, lineNo);
      if (u.arch !== null) sink.fact('host.arch', u.arch, lineNo);
    },
  });
}

export const unameParser: SourceParser = {
  id: 'uname',
  title: 'uname -a',
  paths: [/^sos_commands\/kernel\/uname_-a$/, /^uname$/],
  sniff(head) {
    return /^Linux \S+ \d+\.\d+\S* #/.test(head);
  },
  create,
};
