// libvirtd daemon log (log_outputs="...:file:/var/log/libvirt/libvirtd.log"), line layout from
// virLogFormatString() in src/util/virlog.c: "<time>: <tid>: <level> : <func>:<line> : <msg>".
// https://libvirt.org/logging.html
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { parseStamp } from './libvirt-qemu-log.js';

/** Messages longer than this are cut: a QMP reply can be a whole JSON document on one line. */
const MSG_MAX = 500;

export const libvirtdLog: SourceParser = {
  id: 'libvirtd-log',
  title: 'libvirtd daemon log',
  paths: [/^var\/log\/(?:containers\/)?libvirt\/libvirtd\.log(?:\.\d+|-\d{8})?$/],
  sniff(head: string): boolean {
    return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+0000: \d+: (?:error|warning|info|debug) : /m.test(head);
  },
  create(_ctx: ParseContext, sink: RecordSink): LineParser {
    sink.format('libvirtd log');
    return {
      push(line: string, lineNo: number): void {
        const st = parseStamp(line);
        if (!st) return;
        // "<tid>: <level> : <fn>:<line> : <msg>"; older libvirt (< 1.2) has no tid
        const parts = st.rest.split(' : ');
        if (parts.length < 2) return;
        const head = parts[0] ?? '';
        const colon = head.indexOf(':');
        const tid = colon >= 0 ? head.slice(0, colon).trim() : '';
        const level = (colon >= 0 ? head.slice(colon + 1) : head).trim();
        // libvirtd writes its version first thing whenever it starts: a start after a guest's log went silent says the daemon (or the host) restarted
        if (level === 'info' && parts.length >= 2 && (parts[parts.length - 1] ?? '').startsWith('libvirt version:')) {
          sink.event({ type: 'libvirtd-start', timeBase: 'utc', t: st.t, labels: {}, attrs: { version: (parts[parts.length - 1] ?? '').slice('libvirt version:'.length).trim().slice(0, 200) }, line: lineNo, lines: [{ line: lineNo, text: line }] });
          return;
        }
        if (level !== 'error') return;
        const fn = parts.length >= 3 ? (parts[1] ?? '').trim() : '';
        const msgRaw = parts.slice(parts.length >= 3 ? 2 : 1).join(' : ').trim();
        const msg = msgRaw.length > MSG_MAX ? msgRaw.slice(0, MSG_MAX) : msgRaw;
        const attrs: Record<string, string | number | boolean> = { msg };
        if (fn !== '') attrs['fn'] = fn;
        if (/^\d+$/.test(tid)) attrs['tid'] = Number(tid);
        sink.event({ type: 'libvirtd-error', timeBase: 'utc', t: st.t, labels: {}, attrs, line: lineNo, lines: [{ line: lineNo, text: line }] });
      },
      end(): void {},
    };
  },
};
