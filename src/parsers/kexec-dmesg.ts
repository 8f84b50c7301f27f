// <dump dir>/kexec-dmesg.log: what the capture kernel logged while kdump saved the dump (kexec-tools'
// kdump-lib-initramfs.sh save_log: `dmesg -T`, then `journalctl -ab`, moved into the dump directory
// when saving ends, well or badly). sos's kdump plugin copies it beside vmcore-dmesg.txt. It says
// whether the dump was saved and, when not, the error that stopped it: the capture kernel running out
// of memory (crashkernel= too small), a full or unmountable dump target, an unreachable network
// target, makedumpfile failing on the crashed kernel's memory.
import { crashDirLayout, crashDirTime } from './crash-dir.js';
import { UNSUPPORTED_KERNEL, kdumpFailureOf } from './kdump-errors.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

const OUTCOME_COMPLETE = /saving vmcore complete/;
const OUTCOME_FAILED = /saving vmcore failed|sync vmcore failed|failed to dump to|kdump: dump target .* is not mounted/;
const LOG_FAILED = /saving vmcore-dmesg\.txt failed/;

/** The message of a `dmesg -T` line ("[Sat Dec  5 23:52:16 2026] …") or a journal line ("Dec 05 23:52:17 host kdump[426]: …"). */
function messageOf(line: string): string {
  const t = line.trim();
  if (t.startsWith('[')) {
    const close = t.indexOf('] ');
    return close > 0 && close < 40 ? t.slice(close + 2) : t;
  }
  const m = /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \S+ [^:\s]+: (.*)$/.exec(t);
  return m ? (m[1] ?? t) : t;
}

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const dir = ctx.path.split('/').slice(-2, -1)[0] ?? '';
  let outcome: { result: 'complete' | 'failed'; line: number; text: string } | null = null;
  let reason: { kind: string; line: number; text: string } | null = null;
  let logFailed = false;
  let unsupported = false;
  let lines = 0;
  return {
    push(line, lineNo) {
      lines++;
      if (line.length === 0 || line.length > 4096) return;
      if (!unsupported && line.includes(UNSUPPORTED_KERNEL)) unsupported = true;
      if (OUTCOME_COMPLETE.test(line)) {
        // a later attempt (dump_to_rootfs after a failed target) can still end well
        outcome = { result: 'complete', line: lineNo, text: line };
        return;
      }
      if (OUTCOME_FAILED.test(line)) {
        // "saving vmcore failed, _exitcode:1" comes before the bare "saving vmcore failed": the first says more
        if (outcome?.result !== 'failed') outcome = { result: 'failed', line: lineNo, text: line };
        return;
      }
      if (LOG_FAILED.test(line)) {
        logFailed = true;
        return;
      }
      // the first error is the cause; the ones after it (makedumpfile Failed after an OOM kill) its effects
      if (reason === null) {
        const kind = kdumpFailureOf(line);
        if (kind !== null) reason = { kind, line: lineNo, text: line };
      }
    },
    end() {
      sink.format("kexec-dmesg.log: the capture kernel's log while kdump saved a dump");
      if (lines === 0) {
        sink.diagnostic(undefined, 'warning', 'empty: the capture kernel logged nothing');
        return;
      }
      const o = outcome as { result: 'complete' | 'failed'; line: number; text: string } | null;
      const r = reason as { kind: string; line: number; text: string } | null;
      const result = o?.result ?? 'unknown';
      // an error on the way to a saved dump (a first target that failed) did not stop it
      const cause = result === 'complete' ? null : r;
      const headline = o ?? cause;
      // a log cut before kdump said anything adds nothing to the directory's own listing
      if (headline === null) {
        sink.diagnostic(undefined, 'info', 'no outcome of the dump and no error in it: the log may have been cut short');
        return;
      }
      sink.event({
        type: 'crash-dump',
        timeBase: 'local',
        t: crashDirTime(dir),
        labels: {},
        attrs: {
          dir,
          // the dump path, as the bundle holds it (var/crash/<dir>/kexec-dmesg.log: /var/crash)
          root: `/${ctx.path.split('/').slice(0, -2).join('/')}`,
          source: 'kexec-dmesg',
          result,
          reason: cause?.kind ?? '',
          reasonText: cause ? messageOf(cause.text).slice(0, 300) : '',
          logFailed,
          unsupportedKernel: unsupported,
          layout: crashDirLayout(dir) ?? 'unknown',
        },
        line: headline.line,
        lines: [...(o ? [{ line: o.line, text: o.text }] : []), ...(cause && cause.line !== o?.line ? [{ line: cause.line, text: cause.text }] : [])],
      });
    },
  };
}

export const kexecDmesgParser: SourceParser = {
  id: 'kexec-dmesg',
  title: "kdump's capture-kernel log (kexec-dmesg.log)",
  paths: [/^(?!sos_commands\/)(?:.*\/)?[^/]+\/kexec-dmesg\.log$/],
  sniff() {
    return false;
  },
  create,
};
