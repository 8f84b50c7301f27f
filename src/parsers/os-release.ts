// os-release(5): the distribution, as sos's release plugin copies it (etc/os-release, a link to
// usr/lib/os-release on most systems). Newline-separated KEY=value, the value in shell quoting
// (double or single quotes, or none); lines starting with # are comments. What is read: ID (debian,
// rhel, ubuntu …), ID_LIKE (the families it derives from: "rhel centos fedora"), VERSION_ID and
// PRETTY_NAME: advice differs by family (kdumpctl and grubby, or kdump-tools and update-grub).
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

const KEYS: Record<string, string> = { ID: 'os.id', ID_LIKE: 'os.idLike', VERSION_ID: 'os.versionId', PRETTY_NAME: 'os.prettyName' };
/** Longer is no distribution's name: a file that is not os-release. */
const MAX_VALUE = 200;

/** A value as the shell would read it: quotes removed, backslash escapes inside double quotes undone; null when the quoting is broken. */
export function unquote(raw: string): string | null {
  const v = raw.trim();
  if (v.startsWith('"')) return v.length >= 2 && v.endsWith('"') ? v.slice(1, -1).replace(/\\(["\\$`])/g, '$1') : null;
  if (v.startsWith("'")) return v.length >= 2 && v.endsWith("'") ? v.slice(1, -1) : null;
  return /^[^\s"'`$\\]*$/.test(v) ? v : null;
}

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let read = 0;
  return {
    push(line, lineNo) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) return;
      const eq = t.indexOf('=');
      const fact = eq > 0 ? KEYS[t.slice(0, eq)] : undefined;
      if (fact === undefined) return;
      const value = unquote(t.slice(eq + 1));
      if (value === null || value === '' || value.length > MAX_VALUE) {
        sink.diagnostic(lineNo, 'warning', `${t.slice(0, eq)}= has a value os-release(5) does not allow: ${t.slice(eq + 1, eq + 61)}`);
        return;
      }
      // IDs are lower-case by the spec; some vendors' are not
      sink.fact(fact, fact === 'os.prettyName' || fact === 'os.versionId' ? value : value.toLowerCase(), lineNo);
      read++;
    },
    end() {
      if (read === 0) sink.diagnostic(undefined, 'warning', 'no ID, VERSION_ID or PRETTY_NAME line: not an os-release file');
      else sink.format('os-release');
    },
  };
}

export const osReleaseParser: SourceParser = {
  id: 'os-release',
  title: 'the distribution (os-release)',
  paths: [/^etc\/os-release$/, /^usr\/lib\/os-release$/],
  sniff() {
    return false;
  },
  create,
};
