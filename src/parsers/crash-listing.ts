// The kdump dump directories on the host, from a recursive listing of the dump path: sos's kdump
// plugin lists it (add_dir_listing: `ls -alZR /var/crash`, or the `path` kdump.conf names) into
// sos_commands/kdump/ls_-alZR_.var.crash, and Ubuntu's apport plugin lists /var/crash/ into
// sos_commands/apport/ls_-alhR_.var.crash. sos copies a dump's vmcore-dmesg.txt only on RHEL-like
// hosts, and never the dump: on a Debian or Ubuntu host, and wherever saving the log failed, the
// listing is what tells that the kernel crashed, when, and whether kdump saved it.
import { crashDirLayout, crashDirTime } from './crash-dir.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

interface Entry {
  name: string;
  bytes: number;
  line: number;
  text: string;
}

interface Section {
  path: string;
  line: number;
  text: string;
  entries: Entry[];
}

// "-rw-------. 1 root root system_u:object_r:kdump_crash_t:s0 1351110790 Feb 13 03:48 vmcore": the type and
// mode, then (owner, group and an SELinux context or "?" with -Z, which vary) the size, the date and the name.
// With -h the size is "1.3G". Device files (size "8, 0") are not dumps and do not match.
const ENTRY = /^([-dlbcps])[-rwxsStT]{9}[.+@]?\s.*?\s(\d+(?:[.,]\d+)?[KMGTPE]?)\s+[^\s\d]{3,5}\.?\s+\d{1,2}\s+(?:\d{1,2}:\d{2}|\d{4})\s(.+)$/;

const UNIT: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50, E: 2 ** 60 };

/** Bytes of an ls size, exact or (with -h) to its rounding. */
function sizeBytes(text: string): number {
  const unit = UNIT[text.slice(-1)];
  return unit === undefined ? Number(text) : Math.round(Number(text.slice(0, -1).replace(',', '.')) * unit);
}

// What kdump leaves in a dump directory (kexec-tools' kdump-lib-initramfs.sh; kdump-tools' kdump-config):
// the dump renamed to vmcore (kdump-tools: dump.<stamp>[.ext], or vmcore.<stamp> when it fell back to cp)
// once written, vmcore-incomplete (dump-incomplete[.ext]) while being written or after a failed write.
const COMPLETE_DUMP = /^(?:vmcore(?:\.\d{12})?|dump\.\d{12}(?:\.\w+)?|vmcore\.flat)$/;
const INCOMPLETE_DUMP = /^(?:vmcore-incomplete|dump-incomplete(?:\.\w+)?)$/;
const DUMP_LOG = /^(?:vmcore-dmesg\.txt|dmesg\.\d{12})$/;
const KDUMP_FILE = new RegExp(`${COMPLETE_DUMP.source}|${INCOMPLETE_DUMP.source}|${DUMP_LOG.source}|^(?:vmcore-dmesg-incomplete\\.txt|kexec-dmesg\\.log)$`);

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  let section: Section | null = null;
  let dumps = 0;
  let listed = 0;

  const flush = (): void => {
    const s = section;
    section = null;
    if (!s) return;
    const dir = s.path.replace(/\/+$/, '').split('/').pop() ?? '';
    const complete = s.entries.find((e) => COMPLETE_DUMP.test(e.name));
    const incomplete = s.entries.find((e) => INCOMPLETE_DUMP.test(e.name));
    const log = s.entries.find((e) => DUMP_LOG.test(e.name));
    const layout = crashDirLayout(dir);
    // a directory kdump made: named as it names them, or holding what it writes
    if (layout === null && !complete && !incomplete && !log) return;
    dumps++;
    const core = complete ?? incomplete;
    const t = crashDirTime(dir);
    sink.event({
      type: 'crash-dump',
      timeBase: 'local',
      t,
      labels: {},
      attrs: {
        dir,
        path: s.path,
        // the dump path kdump writes into (/var/crash, or kdump.conf's path)
        root: s.path.replace(/\/+$/, '').replace(/\/[^/]*$/, '') || '/',
        saved: complete ? 'complete' : incomplete ? 'incomplete' : 'none',
        dumpBytes: core?.bytes ?? 0,
        dumpFile: core?.name ?? '',
        logFile: log?.name ?? '',
        logIncomplete: s.entries.some((e) => e.name === 'vmcore-dmesg-incomplete.txt'),
        kexecLog: s.entries.some((e) => e.name === 'kexec-dmesg.log'),
        layout: layout ?? 'unknown',
        source: 'listing',
      },
      line: s.line,
      lines: [{ line: s.line, text: s.text }, ...(core ? [{ line: core.line, text: core.text }] : log ? [{ line: log.line, text: log.text }] : [])],
    });
  };

  return {
    push(line, lineNo) {
      // "/var/crash/127.0.0.1-2026-02-13-03:48:00:": a directory's header (its name may hold colons)
      if (line.startsWith('/') && line.endsWith(':')) {
        flush();
        section = { path: line.slice(0, -1), line: lineNo, text: line, entries: [] };
        return;
      }
      if (line.trim() === '') {
        flush();
        return;
      }
      if (!section || line.startsWith('total ')) return;
      const m = ENTRY.exec(line);
      if (!m) return;
      listed++;
      // only the files kdump writes are kept: a directory of a million other files costs nothing
      const name = (m[3] ?? '').trim();
      if (m[1] !== '-' || !KDUMP_FILE.test(name)) return;
      section.entries.push({ name, bytes: sizeBytes(m[2] ?? '0'), line: lineNo, text: line });
    },
    end() {
      flush();
      sink.format(`ls -lR of the kdump dump path${ctx.path.includes('apport') ? ' (apport)' : ''}`);
      if (listed === 0) sink.diagnostic(undefined, 'warning', 'no directory entry: not the output of ls -l');
      else sink.fact('kdump.dumpDirs', dumps, 0);
    },
  };
}

export const crashListingParser: SourceParser = {
  id: 'crash-listing',
  title: 'kdump dump directories (ls -lR /var/crash)',
  paths: [/^sos_commands\/(?:kdump|apport)\/ls_-[A-Za-z]*R_\.[^/]+$/],
  sniff() {
    return false;
  },
  create,
};
