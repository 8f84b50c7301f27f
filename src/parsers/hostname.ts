// hostname(1): https://man7.org/linux/man-pages/man1/hostname.1.html and hostname(5) for /etc/hostname.
import { firstLineParser } from './util.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

/** RFC 1123 labels joined by dots; anything else (a path, a sentence) is not a host name. */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return s.split('.').every((label) => /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})$/.test(label));
}

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  return firstLineParser(sink, {
    what: 'a host name',
    format: 'hostname',
    skip: (t) => t.startsWith('#') /* /etc/hostname may carry comments (hostname(5)) */,
    parse: (line) => (isHostname(line.trim()) ? line.trim() : null),
    emit: (name, lineNo) => sink.fact('host.hostname', name, lineNo),
  });
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
