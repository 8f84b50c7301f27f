// `dumpe2fs -h <device>`, which sos's filesys plugin runs for each ext2/3/4 filesystem
// (sos_commands/filesys/dumpe2fs_-h_.dev.sda1; with `-k filesys.dumpe2fs=on` it runs without
// -h, dumpe2fs__.dev.sda1, the group table after the same header). ext4 keeps an error count and its first and last error
// in the superblock (e2fsprogs lib/e2p/ls.c prints them) until e2fsck clears them, so
// they outlive a kernel log that wrapped or a reboot.
import { MONTHS } from '../timeline/clock.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

/** ctime's "Mon Dec  7 04:32:14 2026" (local wall clock of the host) as "2026-12-07 04:32:14"; anything else as it was. */
export function ctimeText(text: string): string {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}:\d{2}:\d{2}) (\d{4})$/.exec(text);
  const month = m ? MONTHS[(m[1] ?? '').toLowerCase()] : undefined;
  if (!m || month === undefined) return text.replace(/\s+/g, ' ');
  return `${m[4]}-${String(month + 1).padStart(2, '0')}-${(m[2] ?? '').padStart(2, '0')} ${m[3]}`;
}

/** ctime's text as wall-clock milliseconds (the local time base), or null. */
function ctimeWallMs(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(ctimeText(text));
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

/** "/dev/sda1" from sos's file name ".dev.sda1" ("." for "/"; "mapper/rhel-root" stays a path below /dev). */
export function deviceOfPath(path: string): string | null {
  const m = /dumpe2fs(?:_-h)?_+\.dev\.(.+)$/.exec(path);
  return m?.[1] ? m[1].replace(/\./g, '/') : null;
}

/** Which of the superblock's two recorded errors a line describes, and the event attribute it fills. */
interface ErrorField {
  which: 'first' | 'last';
  attr: 'time' | 'function' | 'err' | 'block' | 'inode';
}

/** The superblock lines kept: name in dumpe2fs → fact, whether it is a number, and the recorded error it describes. */
const KEPT: Record<string, { fact: string; numeric: boolean; error?: ErrorField }> = {
  'Filesystem state': { fact: 'fs.state', numeric: false },
  'Errors behavior': { fact: 'fs.errorsBehavior', numeric: false },
  'FS Error count': { fact: 'fs.errorCount', numeric: true },
  'First error time': { fact: 'fs.firstErrorTime', numeric: false, error: { which: 'first', attr: 'time' } },
  'First error function': { fact: 'fs.firstErrorFunction', numeric: false, error: { which: 'first', attr: 'function' } },
  'First error err': { fact: 'fs.firstErrorErr', numeric: false, error: { which: 'first', attr: 'err' } },
  'First error block #': { fact: 'fs.firstErrorBlock', numeric: true, error: { which: 'first', attr: 'block' } },
  'First error inode #': { fact: 'fs.firstErrorInode', numeric: true, error: { which: 'first', attr: 'inode' } },
  'Last error time': { fact: 'fs.lastErrorTime', numeric: false, error: { which: 'last', attr: 'time' } },
  'Last error function': { fact: 'fs.lastErrorFunction', numeric: false, error: { which: 'last', attr: 'function' } },
  'Last error err': { fact: 'fs.lastErrorErr', numeric: false, error: { which: 'last', attr: 'err' } },
  'Last checked': { fact: 'fs.lastChecked', numeric: false },
  'Last mounted on': { fact: 'fs.mountPoint', numeric: false },
};

/** The superblock's first and last error, each one event on the timeline once its fields are read. */
interface RecordedError {
  which: 'first' | 'last';
  t: number;
  line: number;
  text: string;
  attrs: Record<string, string | number>;
}

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const device = deviceOfPath(ctx.path);
  let seen = false;
  let inGroups = false;
  const recorded: RecordedError[] = [];
  return {
    push(line, lineNo) {
      if (inGroups || device === null) return;
      // the full (non -h) output goes on with the group table: nothing more for us
      if (line.startsWith('Group 0:')) {
        inGroups = true;
        return;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) return;
      const kept = KEPT[line.slice(0, colon)];
      if (!kept) return;
      const text = line.slice(colon + 1).trim();
      let value: string | number = text;
      if (kept.numeric) {
        value = Number(text);
        if (!Number.isFinite(value)) {
          sink.diagnostic(lineNo, 'warning', `${line.slice(0, colon)}: not a number`);
          return;
        }
      } else if (kept.fact.endsWith('Time') || kept.fact === 'fs.lastChecked') value = ctimeText(text);
      sink.fact(kept.fact, value, lineNo, { device });
      const err = kept.error;
      if (err?.attr === 'time') {
        const t = ctimeWallMs(text);
        if (t !== null) recorded.push({ which: err.which, t, line: lineNo, text: line, attrs: { device, which: err.which } });
      } else if (err && value !== '') {
        const r = recorded.find((x) => x.which === err.which);
        if (r) r.attrs[err.attr] = value;
      }
      seen = true;
    },
    end() {
      if (device === null) {
        sink.diagnostic(undefined, 'warning', 'no device in the file name (expected dumpe2fs_-h_.dev.<device>)');
        return;
      }
      if (!seen) {
        sink.diagnostic(undefined, 'info', 'no superblock fields (dumpe2fs could not read the device)');
        return;
      }
      sink.format('dumpe2fs -h');
      sink.fact('fs.device', device, 1, { device });
      // dumpe2fs prints the times in the host's zone (ctime): local wall clock, as a syslog's
      const [first, last] = [recorded.find((r) => r.which === 'first'), recorded.find((r) => r.which === 'last')];
      // one error, or several within the second: one event
      if (first && last && first.t === last.t) {
        first.attrs['which'] = 'first and last';
        recorded.splice(recorded.indexOf(last), 1);
      }
      for (const r of recorded)
        sink.event({
          type: 'fs-error-recorded',
          timeBase: 'local',
          t: r.t,
          labels: { device },
          attrs: r.attrs,
          line: r.line,
          lines: [{ line: r.line, text: r.text }],
        });
    },
  };
}

export const dumpe2fsParser: SourceParser = {
  id: 'dumpe2fs',
  title: 'dumpe2fs -h (ext2/3/4 superblock)',
  paths: [/^sos_commands\/filesys\/dumpe2fs(?:_-h)?_+\.dev\..+$/],
  sniff(head) {
    return /^dumpe2fs \d/.test(head) && head.includes('Filesystem magic number:');
  },
  create,
};
