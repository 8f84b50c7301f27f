// sysctl.d(5): https://man7.org/linux/man-pages/man5/sysctl.d.5.html and sysctl.conf(5).
// The settings applied at boot (systemd-sysctl, or procps' `sysctl --system`), which sos's kernel
// plugin copies: /etc/sysctl.conf and the sysctl.d directories under /etc, /run, /usr/local/lib,
// /lib (/usr/lib). Each file is read on its own; which line wins at boot (files by name, /etc over
// /run over /usr/lib, later lines over earlier) is settled across files in timeline/boot-settings.ts.
import { sysctlValue } from './sysctl.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

/** "vm/nr_hugepages" is "vm.nr_hugepages": with a slash first, slashes and dots swap (sysctl.d(5)). */
export function sysctlKey(written: string): string {
  const slash = written.indexOf('/');
  const dot = written.indexOf('.');
  if (slash < 0 || (dot >= 0 && dot < slash)) return written;
  return written.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/** A key as sysctl.d(5) allows it: dots or slashes, globs, the characters of interface names. */
export const SYSCTL_KEY = /^[A-Za-z0-9_*][A-Za-z0-9_./*:@-]*$/;

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  let settings = 0;
  return {
    push(line, lineNo) {
      const t = line.trim();
      if (t === '' || t.startsWith('#') || t.startsWith(';')) return;
      const eq = t.indexOf('=');
      // "-key" alone keeps that key out of a glob set elsewhere (systemd 247+): no setting of its own
      if (eq < 0 && t.startsWith('-') && SYSCTL_KEY.test(t.slice(1))) return;
      // a leading "-": a key whose failure to apply is not an error
      const written = (eq > 0 ? t.slice(0, eq) : t).trim().replace(/^-/, '');
      if (eq <= 0 || !SYSCTL_KEY.test(written)) {
        sink.diagnostic(lineNo, 'warning', 'not a "key = value" line: systemd-sysctl ignores it');
        return;
      }
      settings++;
      sink.fact(`sysctl.file.${sysctlKey(written)}`, sysctlValue(t.slice(eq + 1)), lineNo);
    },
    end() {
      if (ctx.linkTarget !== undefined) {
        // a link to /dev/null in /etc/sysctl.d masks the vendor file of that name (sysctl.d(5))
        if (ctx.linkTarget === '/dev/null') {
          sink.format('masked (link to /dev/null)');
          sink.fact('sysctl.fileMasked', true, 0);
        }
        return;
      }
      sink.format('sysctl.d');
      if (settings === 0) sink.diagnostic(undefined, 'info', 'no settings in this file');
    },
  };
}

export const sysctlConfParser: SourceParser = {
  id: 'sysctl-conf',
  title: 'sysctl.conf, sysctl.d',
  paths: [/^etc\/sysctl\.conf$/, /^(?:etc|run|lib|usr\/lib|usr\/local\/lib)\/sysctl\.d\/[^/]+\.conf$/],
  sniff() {
    return false;
  },
  create,
  readsLinks: true,
};
