// hostname(1): https://man7.org/linux/man-pages/man1/hostname.1.html and hostname(5) for /etc/hostname.
import { symlinkStandIn } from './date.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

/** RFC 1123 labels joined by dots; anything else (a path, a sentence) is not a host name. */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split('.').every((label) => /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})$/.test(label));
}

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let done = false;
  return {
    push(line, lineNo) {
      if (lineNo === 1 && symlinkStandIn(line) !== null) {
        done = true;
        sink.diagnostic(lineNo, 'info', `stand-in for a symlink to ${line.trim()}; the target is read instead`);
        return;
      }
      const t = line.trim();
      // /etc/hostname may carry comments (hostname(5)).
      if (done || t === '' || t.startsWith('#')) return;
      if (!isHostname(t)) {
        sink.diagnostic(lineNo, 'warning', 'not a host name');
        return;
      }
      done = true;
      sink.format('hostname');
      sink.fact('host.hostname', t, lineNo);
    },
    end() {
      if (!done) sink.diagnostic(undefined, 'warning', 'no host name found in this file');
    },
  };
}

export const hostnameParser: SourceParser = {
  id: 'hostname',
  title: 'hostname',
  paths: [/^sos_commands\/(host|general)\/hostname$/, /^hostname$/, /^etc\/hostname$/],
  sniff(_head, name) {
    return name === 'hostname';
  },
  create,
};
