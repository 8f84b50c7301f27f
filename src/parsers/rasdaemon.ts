// `ras-mc-ctl --errors` (rasdaemon's util/ras-mc-ctl, sub errors), which sos's rasdaemon plugin runs:
// the memory errors rasdaemon recorded from the kernel's ras:mc_event tracepoint into its database,
// one line each, kept across reboots and however far the ring buffer and the logs have rolled:
//   "Memory controller events:"
//   "1 2025-04-04 18:24:01 +0800 20 Corrected error(s): memory read error at CPU_SrcID#0_Ha#0_Chan#2_DIMM#0
//    location: 0:0:2:-1, addr 4377135296, grain 32, syndrome 0  OVERFLOW area:DRAM …"
// (id, time with its offset, error count, type, message, DIMM label, mc:top:middle:low layer, address in
// decimal, grain, syndrome, the driver's detail) or "No Memory errors.". Each becomes the hw-error event the
// kernel's own "EDAC MC0: 20 CE memory read error on …" line gives (kernel-events.ts), attribute for
// attribute, so an error both recorded here and logged by the kernel is counted once (timeline/kernel-twins.ts).
// Its "MCE events:" section (the mce_record table, from the kernel's mce:mce_record tracepoint) gives the
// machine checks the kernel logged only as "Machine check events logged":
//   "1 2025-04-06 09:12:33 +0800 error: MEMORY CONTROLLER RD_CHANNEL1_ERR Transaction: Memory read error,
//    bank Memory Controller 1 (bank 7), mci Corrected_error, …, status=0x8c00004000010091, …, cpu=0x00000003, …, bank=0x00000007"
// (ras-mc-ctl prints each hex field only when it is not 0), read as the kernel's own printed machine check
// would be (kernel-events.ts machineCheckStatus), with rasdaemon's decoding beside it.
// The tool's other sections (PCIe AER, extlog, memory failures) are not read.
import type { EventRecord, LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { machineCheckStatus } from './kernel-events.js';

const MC_EVENT =
  /^\d+ (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d) (\d+) (\w+) error\(s\): (.*?) at (.*?) location: (-?\d+):(-?\d+):(-?\d+):(-?\d+), addr (\d+), grain (\d+), syndrome (\d+)/;

const MCE_EVENT = /^\d+ (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d) error: (.*)$/;

/** The time a ras-mc-ctl line states, with its offset, in epoch ms. */
function stampOf(m: RegExpExecArray): number {
  const [, y, mo, d, h, mi, s, sign, oh, om] = m as unknown as string[];
  const offsetMin = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMin * 60_000;
}

/** A field ras-mc-ctl prints as ", name=0x…", or 0 when it printed none (it leaves out fields that are 0). */
function hexField(rest: string, name: string): bigint {
  const m = new RegExp(`, ${name}=0x([0-9a-f]{1,16})(?:,|$)`).exec(rest);
  return m?.[1] !== undefined ? BigInt(`0x${m[1]}`) : 0n;
}

/** rasdaemon's err_type (ras-mc-handler.c mc_event_error_type) in the words the kernel-event scanner uses */
const KINDS: Record<string, string> = { Corrected: 'corrected', Uncorrected: 'uncorrected', Fatal: 'fatal', Info: 'corrected' };

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  const machineCheck = (line: string, lineNo: number): void => {
    const m = MCE_EVENT.exec(line);
    const rest = m?.[10];
    const status = rest !== undefined ? hexField(rest, 'status') : 0n;
    if (!m || rest === undefined || status === 0n) {
      sink.diagnostic(lineNo, 'warning', 'not a ras-mc-ctl MCE event (id, time, "error:", a status=0x… field)');
      return;
    }
    const t = stampOf(m);
    // the decoded words up to the first field ras-mc-ctl appends (", bank …", ", mci …", ", status=0x…")
    const cut = /, (?:CPU \d|bank |mcg |mci |[a-z]+=0x)/.exec(rest);
    const decoded = (cut ? rest.slice(0, cut.index) : rest).trim();
    const channel = /, (memory_channel=[^,]*(?:,rank=[^,]*)?)/.exec(rest)?.[1];
    const location = `CPU ${hexField(rest, 'cpu').toString()} bank ${hexField(rest, 'bank').toString()}`;
    // as the kernel's own whole machine check line would give it (a copy in dmesg is then counted once),
    // rasdaemon's decoding beside it
    const attrs: EventRecord['attrs'] = {
      source: 'mce',
      ...machineCheckStatus(status),
      errorCount: 1,
      location,
      what: `machine check, status 0x${status.toString(16)}`,
      decoded: (channel !== undefined ? `${decoded} (${channel})` : decoded).slice(0, 200),
    };
    sink.event({
      type: 'hw-error',
      timeBase: 'utc',
      t: Number.isFinite(t) ? t : null,
      labels: { location },
      attrs,
      line: lineNo,
      lines: [{ line: lineNo, text: line }],
    });
    records++;
  };
  let section: 'memory' | 'mce' | 'other' | null = null;
  let records = 0;
  let sawHeader = false;
  return {
    push(line, lineNo) {
      if (line === 'Memory controller events:') {
        section = 'memory';
        sawHeader = true;
        return;
      }
      if (line === 'No Memory errors.') {
        sawHeader = true;
        return;
      }
      if (line === 'MCE events:') {
        section = 'mce';
        return;
      }
      if (line.endsWith(' events:') || line.endsWith(' errors.') || line.endsWith(' events summary:')) {
        section = 'other';
        return;
      }
      if (section === 'mce' && line.length > 0) {
        machineCheck(line, lineNo);
        return;
      }
      if (section !== 'memory' || line.length === 0) return;
      const m = MC_EVENT.exec(line);
      if (!m) {
        sink.diagnostic(lineNo, 'warning', 'not a ras-mc-ctl memory controller event');
        return;
      }
      const [, y, mo, d, h, mi, s, sign, oh, om, count, type, msg, label, mc, , , , addr] = m as unknown as string[];
      const offsetMin = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
      const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMin * 60_000;
      const errorCount = Number(count);
      const address = Number(addr);
      const attrs: EventRecord['attrs'] = {
        source: 'edac',
        kind: KINDS[type as string] ?? 'corrected',
        unit: 'memory',
        errorCount: Number.isSafeInteger(errorCount) ? errorCount : 1,
        location: (label as string).slice(0, 120),
        mc: `MC${mc as string}`,
        what: (msg as string).slice(0, 120),
      };
      // the kernel's line states the page frame: the address over the 4 KiB page
      if (Number.isSafeInteger(address) && address > 0) attrs.page = Math.floor(address / 4096);
      const location = attrs.location as string;
      sink.event({
        type: 'hw-error',
        timeBase: 'utc',
        t: Number.isFinite(t) ? t : null,
        labels: location ? { location } : {},
        attrs,
        line: lineNo,
        lines: [{ line: lineNo, text: line }],
      });
      records++;
    },
    end() {
      sink.format('ras-mc-ctl --errors');
      if (!sawHeader)
        sink.diagnostic(undefined, 'warning', 'no "Memory controller events:" or "No Memory errors." section: not the output of ras-mc-ctl --errors');
      else if (records === 0 && section === 'memory') sink.diagnostic(undefined, 'info', 'the memory controller section lists no event');
    },
  };
}

export const rasdaemon: SourceParser = {
  id: 'rasdaemon',
  title: "rasdaemon's recorded memory errors (ras-mc-ctl --errors)",
  paths: [/^sos_commands\/rasdaemon\/ras-mc-ctl_--errors$/],
  sniff(head) {
    return /^(?:Memory controller events:|No Memory errors\.)$/m.test(head.split('\n', 3).join('\n'));
  },
  create,
};
