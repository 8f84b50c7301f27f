// `kdump-config show` (Debian's and Ubuntu's kdump-tools; sos's kdump plugin runs it there into
// sos_commands/kdump/kdump-config_show): whether a crash kernel is loaded ("current state: ready to
// kdump"), where dumps go (KDUMP_COREDIR), the reservation newer versions suggest ("crashkernel suggested
// size: 417M"), and, when not ready, the checks that failed before it
// ("no crashkernel= parameter in the kernel cmdline ... failed!", log_failure_msg's form).
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let state = false;
  let failure: { text: string; line: number } | null = null;
  return {
    push(line, lineNo) {
      const t = line.trim();
      const m = /^current state\s*:\s*(.+)$/.exec(t);
      if (m) {
        state = true;
        const ready = /^ready to kdump$/i.test((m[1] ?? '').trim());
        sink.fact('kdump.ready', ready ? 1 : 0, lineNo);
        if (!ready && failure) sink.fact('kdump.notReadyReason', failure.text, failure.line);
        return;
      }
      // newer kdump-tools (Ubuntu 25.10's) estimate what the capture kernel needs from what this boot used
      const suggested = /^crashkernel suggested size:\s*(\d+)M$/.exec(t);
      if (suggested) {
        sink.fact('kdump.suggestedMiB', Number(suggested[1]), lineNo);
        return;
      }
      const dir = /^KDUMP_COREDIR:\s+(\S+)$/.exec(t);
      if (dir) {
        sink.fact('kdump.coreDir', dir[1] ?? '', lineNo);
        return;
      }
      // the first check that failed says why it is not ready
      if (failure === null && t.endsWith('... failed!')) failure = { text: t.slice(0, -'... failed!'.length).trim(), line: lineNo };
    },
    end() {
      sink.format('kdump-config show (kdump-tools)');
      if (!state) sink.diagnostic(undefined, 'warning', 'no "current state" line: not the output of kdump-config show');
    },
  };
}

export const kdumpConfigParser: SourceParser = {
  id: 'kdump-config',
  title: "kdump-tools' state (kdump-config show)",
  paths: [/^sos_commands\/kdump\/kdump-config_show$/],
  sniff() {
    return false;
  },
  create,
};
