// What Debian's and Ubuntu's kdump-tools logged while saving a dump, read from the journal or syslog
// lines of the capture boot (the capture kernel boots the host's own system with
// systemd.unit=kdump-tools-dump.service, and its journal persists; kdump-config logs each outcome twice,
// on its output and with logger: "kdump-tools: saved vmcore in /var/crash/202612072052." and "saved
// vmcore in /var/crash/202612072052"). kexec-tools writes no such lines: its log is kexec-dmesg.log.
import { crashDirLayout, crashDirTime } from './crash-dir.js';
import { UNSUPPORTED_KERNEL, kdumpFailureOf } from './kdump-errors.js';
import type { ProgramLog } from './program-logs.js';
import type { LogStamp } from './syslog.js';
import type { RecordSink } from './types.js';

// kdump-config: "saved vmcore in DIR", "failed to save vmcore in DIR", and their SSH/FTP forms
// ("saved vmcore in HOST:DIR", "saved vmcore via FTP in HOST:FILE"); log_failure_msg adds " ... failed!"
const OUTCOME = /^(?:kdump-tools: )?(saved|failed to save) vmcore (?:via FTP )?in (?:[^\s:/]+:)?(\S+?)\.?(?: \.\.\. failed!)?$/;

export class KdumpToolsLog implements ProgramLog {
  readonly program = 'kdump-tools';
  private cause: { kind: string; line: number; text: string; raw: string } | null = null;
  private last = '';
  // makedumpfile's "The kernel version is not supported.": it writes the dump all the same, perhaps incomplete
  private unsupported: { line: number; raw: string } | null = null;
  constructor(private readonly sink: RecordSink) {}

  /** One line of the program kdump-tools: its message, and the line's time when asked. */
  push(message: string, lineNo: number, line: string, stamp: () => LogStamp): void {
    if (message.startsWith('Starting kdump-tools')) {
      this.cause = null;
      this.unsupported = null;
      return;
    }
    const m = OUTCOME.exec(message);
    if (!m) {
      if (this.unsupported === null && message.startsWith(UNSUPPORTED_KERNEL)) this.unsupported = { line: lineNo, raw: line };
      // the first error of this save is the cause; the ones after it ("makedumpfile Failed" after a full disk) its effects
      if (this.cause === null) {
        const kind = kdumpFailureOf(message);
        if (kind !== null) this.cause = { kind, line: lineNo, text: message, raw: line };
      }
      return;
    }
    const result = m[1] === 'saved' ? 'complete' : 'failed';
    const path = m[2] ?? '';
    const dir = path.replace(/\/+$/, '').split('/').pop() ?? '';
    const cause = result === 'failed' ? this.cause : null;
    const unsupported = this.unsupported;
    this.cause = null;
    // the logger copy of the line just read
    const key = `${result}\u0000${dir}`;
    if (key === this.last) return;
    this.last = key;
    // the crash's own time, as its directory is named for; the line's is when the save ended
    const named = crashDirTime(dir);
    const at = named === null ? stamp() : { timeBase: 'local' as const, t: named };
    this.sink.event({
      type: 'crash-dump',
      timeBase: at.timeBase,
      t: at.t,
      labels: {},
      attrs: {
        dir,
        root: path.replace(/\/+$/, '').replace(/\/[^/]*$/, '') || '/',
        source: 'kdump-tools',
        result,
        reason: cause?.kind ?? '',
        reasonText: cause ? cause.text.trim().slice(0, 300) : '',
        unsupportedKernel: unsupported !== null,
        layout: crashDirLayout(dir) ?? 'kdump-tools',
      },
      line: lineNo,
      lines: [
        { line: lineNo, text: line },
        ...(cause ? [{ line: cause.line, text: cause.raw }] : []),
        ...(unsupported ? [{ line: unsupported.line, text: unsupported.raw }] : []),
      ],
    });
  }
}
