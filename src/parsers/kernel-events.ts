/**
 * Recognises multi-line kernel events in kernel log messages, shared by the
 * dmesg, syslog and journal parsers: each of them strips its own prefix and
 * feeds the bare kernel message here, in order.
 *
 * Message formats, from the kernel source:
 * - OOM: mm/oom_kill.c (dump_header, __oom_kill_process, dump_oom_summary)
 * - hung task: kernel/hung_task.c (check_hung_task)
 * - I/O errors: block/blk-core.c (blk_print_req_error, older blk_update_request
 *   and end_request), fs/buffer.c (buffer_io_error), drivers/scsi/scsi_logging.c
 * - soft/hard lockup: kernel/watchdog.c; page allocation failure: mm/page_alloc.c (warn_alloc)
 */
import { guestAttrsOfCgroup } from './libvirt-machine.js';
import type { TimeBase } from '../model.js';
import type { EventRecord, RecordSink } from './types.js';

type EventLine = { line: number; text: string };

/** When a line happened: its time base and instant (null when the line carries none). */
export interface LineTime {
  timeBase: TimeBase;
  t: number | null;
}

interface At {
  line: number;
  text: string;
  timeBase: TimeBase;
  t: number | null;
  /** the kernel's stamp of the line, seconds since boot, when it had one */
  uptime: number | null;
}

/** A kill within this many seconds of a full memcg OOM report belongs to the same storm. */
const STORM_GAP_SEC = 60;

/** Whether two lines are within a storm's gap on the same clock. */
function sameStorm(a: { t: number | null; timeBase: TimeBase }, b: { t: number | null; timeBase: TimeBase }): boolean {
  return withinSec(a, b, STORM_GAP_SEC);
}

interface PendingOom {
  start: At | null;
  invokedBy?: string;
  constraintLine?: At;
  constraint?: string;
  cgroup?: string;
  /** the victim's own cgroup (task_memcg, or "Task in X"), which may sit below the limited one */
  taskCgroup?: string;
  memcg: boolean;
  /** the limited cgroup's "memory: usage NkB, limit NkB" line (mm/memcontrol.c, mem_cgroup_print_oom_meminfo) */
  memcgUsageKiB?: number;
  memcgLimitKiB?: number;
  /** that line, quoted as evidence: it is where the limit the finding names is written */
  memcgUsageLine?: At;
  /** from the pre-4.19 "Kill process N (x) score S or sacrifice child" line */
  victimPid?: number;
  victimComm?: string;
  victimLine?: At;
}

interface PendingHung extends TraceFrames {
  at: At;
  comm: string;
  pid: number;
  blockedSec: number;
  inTrace: boolean;
  /** the task-state line comes once, right after the headline */
  sawState: boolean;
}

interface PendingHwBlock {
  style: 'ghes' | 'amd';
  at: At;
  more: EventLine[];
  kind: 'corrected' | 'uncorrected' | 'fatal' | null;
  unit: 'memory' | 'cache' | 'cpu' | 'unknown';
  what: string | null;
  location: string | null;
}

/** Whether two lines are within `sec` seconds of each other on the same clock (dmesg's uptime stamps count seconds; dated stamps, milliseconds). */
function withinSec(a: { t: number | null; timeBase: TimeBase }, b: { t: number | null; timeBase: TimeBase }, sec: number): boolean {
  if (a.t === null || b.t === null || a.timeBase !== b.timeBase) return false;
  return Math.abs(b.t - a.t) <= (b.timeBase === 'uptime' ? sec : sec * 1000);
}

interface PendingLockup extends TraceFrames {
  type: 'soft-lockup' | 'hard-lockup';
  at: At;
  attrs: EventRecord['attrs'];
  labels: Record<string, string>;
  inTrace: boolean;
  /** inside <IRQ> … </IRQ>: the watchdog's own timer interrupt, not what the CPU was stuck in */
  inIrq: boolean;
  more: EventLine[];
}

/**
 * A kernel oops, BUG or WARNING report (lib/bug.c report_bug, arch/x86/mm/fault.c
 * page_fault_oops, arch/x86/kernel/dumpstack.c __die, kernel/panic.c __warn):
 * the headline, the oops line with its count, the CPU line with the task and
 * taint flags, RIP, registers, the call trace, and "---[ end trace … ]---".
 */
interface PendingOops extends TraceFrames {
  at: At;
  attrs: EventRecord['attrs'];
  labels: Record<string, string>;
  /** "------------[ cut here ]------------" seen, its headline not yet */
  awaitingHeadline: boolean;
  inTrace: boolean;
  inIrq: boolean;
  more: EventLine[];
  /** "---[ end trace … ]---" seen: only a panic line may still join */
  ended?: boolean;
}

/** Oops report lines between the headline and the trace that start no event of their own. */
const OOPS_REPORT_LINES = [
  'Modules linked in:', 'Hardware name:', 'Workqueue:', '#PF: ', 'PGD ', 'Code: ', 'Dumping ftrace buffer', 'CR2: ', 'note: ', 'Unloaded tainted modules:', 'Fixing recursive fault', 'irq event stamp:', 'hardirqs last', 'softirqs last',
  // arm64 (arch/arm64/mm/fault.c, kernel/traps.c)
  'Mem abort info:', 'Data abort info:', 'user pgtable:', 'swapper pgtable:', 'pstate: ',
];

/**
 * Lines of a soft-lockup report between its headline and its call trace
 * (kernel/watchdog.c watchdog_timer_fn, then show_regs/dump_stack): module
 * list, CPU and hardware lines, lockdep's irq stamps, and the panic line when
 * kernel.softlockup_panic is set.
 */
const LOCKUP_REPORT_LINES = ['Modules linked in:', 'CPU: ', 'Hardware name:', 'Workqueue:', 'irq event stamp:', 'hardirqs last', 'softirqs last', 'task:', 'Sending NMI', 'NMI backtrace'];

/** Hung-task traces rarely matter past the top frames; a short stack keeps evidence readable. */
const MAX_STACK_FRAMES = 8;
const MAX_KVM_MESSAGE = 300;
/** How many messages after "Linux version" its command line may come (x86: the next; arm64: a few dozen). */
const BOOT_COMMAND_LINE_WITHIN = 200;
const CRASH_RESERVING = /^Reserving (\d+)MB of memory at \d+MB for crashkernel \(System RAM: (\d+)MB\)/;
const CRASH_RESERVED = /^crashkernel reserved: 0x[0-9a-f]+ - 0x[0-9a-f]+ \((\d+) MB\)/;
const CRASH_FAILED = /^(?:crashkernel reservation failed - (.+)|(cannot allocate crashkernel) \(size:0x[0-9a-f]+\))/;
/** "comm[pid]: segfault at ADDR ip IP sp SP error CODE" (ip/sp as %px, or "(null)" on old kernels) */
const SEGFAULT = /^(.{1,64}?)\[(\d+)\]: segfault at ([0-9a-f]+) ip ([0-9a-f]+|\(null\)) sp (?:[0-9a-f]+|\(null\)) error ([0-9a-f]+)/;
/** "traps: comm[pid] general protection fault ip:IP sp:SP error:CODE", "… trap invalid opcode ip:…", "… trap divide error ip:…" */
const TRAP = /^traps: (.{1,64}?)\[(\d+)\] (?:trap )?([a-z][a-z0-9 ]{2,40}?) ip:([0-9a-f]+) sp:[0-9a-f]+ error:([0-9a-f]+)/;

/**
 * EDAC's report of memory errors the memory controller saw (drivers/edac/edac_mc.c edac_raw_mc_handle_error):
 * "EDAC MC0: 20 CE memory read error on CPU_SrcID#0_Ha#0_Chan#2_DIMM#0 (channel:2 slot:0 page:0x104e5c …)",
 * a driver's name between EDAC and MC on some ("EDAC skx MC4: …"), no message on old kernels
 * ("EDAC MC0: 1 CE on mc#0csrow#0channel#1 (csrow:0 …)"). The count is how many errors the line stands for.
 */
const EDAC = /^EDAC (?:[\w-]+ )?MC(\d+): (\d+) (CE|UE) (?:(.*?) )?on (.*?)(?: ?\((.*)\))?$/;
/** 2.6-era EDAC: "EDAC MC0: CE page 0x1f2c, offset 0x2d0, grain 0, syndrome 0xab49, row 1, channel 0, label "DIMM_B1": i5000 …" */
const EDAC_OLD = /^EDAC MC(\d+): (CE|UE) page 0x([0-9a-f]+),.*?label "([^"]*)"/;
/**
 * What a machine check's MCi_STATUS says, the same whoever printed it (the kernel whole, or rasdaemon's
 * record): UC (bit 61) set is uncorrected, with PCC (57) fatal; the unit from the MCA error code (bits
 * 15:0, the F bit 12 masked) by the compound codes of Intel's SDM vol. 3B table 16-9 (AMD uses the same):
 * memory controller 000F 0000 1MMM CCCC, cache hierarchy 000F 0001 RRRR TTLL and 000F 0000 0000 11LL,
 * TLB 000F 0000 0001 TTLL; anything else (bus, internal, simple codes) is not said.
 */
export function machineCheckStatus(status: bigint): { kind: 'corrected' | 'uncorrected' | 'fatal'; unit: 'memory' | 'cache' | 'cpu' | 'unknown' } {
  const uc = (status >> 61n) & 1n;
  const pcc = (status >> 57n) & 1n;
  const code = Number(status & 0xefffn);
  const unit = (code & 0xef80) === 0x0080 ? 'memory' : (code & 0xef00) === 0x0100 || (code & 0xeffc) === 0x000c ? 'cache' : (code & 0xeff0) === 0x0010 ? 'cpu' : 'unknown';
  return { kind: uc === 0n ? 'corrected' : pcc === 1n ? 'fatal' : 'uncorrected', unit };
}

/** mm/memory-failure.c (pr_fmt "Memory failure: "): a page taken out of use, and what was done about its users */
const MEMORY_FAILURE = /^Memory failure: 0x([0-9a-f]+): (.*)$/;
/** arch/x86/kernel/cpu/mce/core.c print_mce: "mce: [Hardware Error]: CPU 2: Machine Check: 0 Bank 5: bea0000000000108" */
const MCE_RECORD = /^mce: \[Hardware Error\]: CPU (\d+): Machine Check(?: Exception)?: [0-9a-f]+ Bank (\d+): ([0-9a-f]{1,16})\b/;
/** drivers/acpi/apei/ghes.c and drivers/firmware/efi/cper.c: "{3}[Hardware Error]: event severity: corrected" */
const GHES_LINE = /^\{\d+\}\[Hardware Error\]: +(.*)$/;
/** drivers/edac/mce_amd.c decode_mce headline: "[Hardware Error]: Corrected error, no action required." */
const AMD_HEADLINE = /^\[Hardware Error\]: (Corrected error|Deferred error|Uncorrected, software (?:restartable|containable) error|System Fatal error|Uncorrected, software non-restartable error)/;
/** Notices within this many seconds of a decoded hardware error are that error, not another. */
const HW_NOTICE_SAME_SEC = 5;
/** Undecoded notices held for a decoded error to claim them; past this many the oldest are let go. */
const MAX_PENDING_NOTICES = 1000;

/**
 * A small state machine: OOM reports span dozens of lines (invoker, trace,
 * Mem-Info, task table, summary, victim) and hung-task reports run until the
 * call trace ends, so both are held open until the line that completes them.
 */
/** What an XFS line complains of, and how it reads after "shut down after" when the same line shuts the filesystem down. */
const XFS_COMPLAINTS: { match: RegExp; what: string; after: string }[] = [
  { match: /^metadata I\/O error/i, what: 'metadata I/O error', after: 'a metadata I/O error' },
  { match: /^log I\/O error/i, what: 'log I/O error', after: 'a log I/O error' },
  { match: /^Failing async write/, what: 'metadata writes failing, retried', after: 'metadata writes failed' },
  { match: /Corruption/, what: 'corruption detected', after: 'corruption was detected' },
];

/** The kernel's rate limiters in front of I/O error messages (block/blk-core.c, fs/buffer.c). */
const IO_RATELIMITERS = ['blk_print_req_error:', 'print_req_error:', 'blk_update_request:', 'buffer_io_error:'];

export class KernelEventScanner {
  private oom: PendingOom | null = null;
  /** rate-limited memcg kills with no report before them (a wrapped ring buffer): held for a report within the minute after */
  private orphans: { oom: PendingOom; at: At; attrs: EventRecord['attrs'] }[] = [];
  /**
   * The last full memcg OOM report's cgroup and limit. In an OOM storm the
   * kernel rate-limits the report before each kill ("oom_kill_process: 120
   * callbacks suppressed") and prints only "Memory cgroup out of memory:
   * Killed process": such a kill within a minute of a report is taken to be in
   * its cgroup, and marked so (otherwise one crash-looping container reads as
   * two findings, one without its cgroup).
   */
  private lastMemcg: { cgroup: string; at: At; limitKiB?: number } | null = null;
  private hung: PendingHung | null = null;
  private lockup: PendingLockup | null = null;
  private oops: PendingOops | null = null;
  /** lib/list_debug.c prints what it found ("list_add corruption. next->prev should be …") just before its BUG */
  private listCorruption: { message: string; line: number; text: string } | null = null;
  /**
   * I/O error messages the kernel rate-limited away ("blk_print_req_error: 115 callbacks
   * suppressed", "buffer_io_error: 17 …"): counted onto the next I/O error it does print,
   * whose device the burst is on (a real capture: 272 more failures than lines).
   */
  private ioSuppressed = 0;
  /** how many "Linux version" lines were seen: zero in a dmesg means the ring buffer wrapped */
  boots = 0;
  /**
   * The boot being read is kdump's capture kernel (its command line holds elfcorehdr=, which kexec adds to
   * load it): Debian's kdump-tools boots it through systemd, whose journal keeps its lines. Its OOM kills,
   * allocation failures and probe errors are the capture kernel's, in the memory crashkernel= set aside,
   * not the host's: they are emitted as capture-kernel events (kind: what they would have been).
   */
  private captureBoot = false;
  /**
   * A boot's event, held until its command line says whose boot it is (x86 prints it on the next line,
   * arm64 some lines later): a capture kernel's is marked so, and reads "kdump's capture kernel booted".
   */
  private pendingBoot: { at: At; attrs: EventRecord['attrs']; messagesLeft: number } | null = null;
  /** a GHES (firmware-first) or AMD-decoded hardware error report, held until its last line */
  private hwBlock: PendingHwBlock | null = null;
  /** "Machine check events logged" lines waiting to learn whether a decoded error accounts for them */
  private hwNotices: At[] = [];
  /** the last decoded hardware error's line: a notice just after it is the same error */
  private lastHwError: At | null = null;
  /** the last firmware-first memory error, which ghes_edac logs again as an EDAC line */
  private lastGhesMemory: At | null = null;

  constructor(private readonly sink: RecordSink) {}

  /** The line being fed; its time is read only when an event needs it (feedLazy). */
  private curLine = 0;
  private curText = '';
  private curTimeBase: TimeBase = 'local';
  private curT: number | null = null;
  private curTime: (() => LineTime) | null = null;
  private curUptime: number | null = null;

  /**
   * @param message the kernel message with any timestamp or syslog prefix removed (leading spaces kept: they mark trace lines)
   * @param text the whole line as written, for evidence
   */
  feed(message: string, lineNo: number, timeBase: TimeBase, t: number | null, text: string = message): void {
    this.curLine = lineNo;
    this.curText = text;
    this.curTimeBase = timeBase;
    this.curT = t;
    this.curTime = null;
    this.curUptime = timeBase === 'uptime' ? t : null;
    this.scan(message);
  }

  /**
   * As feed, with the line's time read by `time()` only if an event needs it:
   * nearly all kernel lines of a syslog start none, and reading each one's
   * stamp was a third of the syslog's parse. `time` is called, if at all,
   * before this returns.
   */
  feedLazy(message: string, lineNo: number, text: string, time: () => LineTime, uptime: number | null = null): void {
    this.curLine = lineNo;
    this.curText = text;
    this.curTime = time;
    this.curUptime = uptime;
    this.scan(message);
  }

  private at(): At {
    if (this.curTime !== null) {
      const lt = this.curTime();
      this.curTimeBase = lt.timeBase;
      this.curT = lt.t;
      this.curTime = null;
    }
    return { line: this.curLine, text: this.curText, timeBase: this.curTimeBase, t: this.curT, uptime: this.curUptime };
  }

  private scan(message: string): void {
    if (this.hung) {
      if (this.absorbHung(this.hung, message)) return;
      this.emitHung(this.hung);
      this.hung = null;
    }
    if (this.lockup) {
      if (this.absorbLockup(this.lockup, message)) return;
      this.emitLockup(this.lockup);
      this.lockup = null;
    }
    if (this.hwBlock) {
      if (this.absorbHwBlock(this.hwBlock, message)) return;
      this.emitHwBlock(this.hwBlock);
      this.hwBlock = null;
    }
    if (this.oops) {
      if (this.absorbOops(this.oops, message)) return;
      this.emitOops(this.oops);
      this.oops = null;
    }
    if (message.length === 0) return;
    if (this.pendingBoot !== null && --this.pendingBoot.messagesLeft <= 0) this.flushBoot();
    const c0 = message.charCodeAt(0);
    // Trace frames, register dumps and Mem-Info continuations all start with a space; none starts an event.
    if (c0 === 32 || c0 === 9) return;

    if (message.includes('invoked oom-killer:')) return this.oomInvoked(message, this.at());
    if (message.startsWith('oom-kill:')) return this.oomConstraint(message, this.at());
    if (this.oom !== null && message.startsWith('memory: usage ')) return this.oomMemcgUsage(message, this.at());
    // Outside an OOM report only the kernel's own victim line (with its KiB fields) counts: user space logs "Killed process" too.
    if (message.includes('Killed process ') && (this.oom !== null || message.includes('total-vm:'))) return this.oomKilled(message, this.at());
    if (message.includes('Kill process ') && (this.oom !== null || message.includes(' or sacrifice child'))) return this.oomChosen(message, this.at());
    if (message.startsWith('Task in ') && message.includes(' killed as a result of limit of ')) return this.oomTaskIn(message, this.at());
    if (message.startsWith('INFO: task ') && message.includes(' blocked for more than ')) return this.hungStart(message, this.at());
    if (message.includes('error, dev ') || message.startsWith('Buffer I/O error on dev')) return this.ioError(message, this.at());
    if (message.endsWith(' callbacks suppressed') && IO_RATELIMITERS.some((fn) => message.startsWith(fn))) {
      this.ioSuppressed += numberAfter(message, ': ') ?? 0;
      return;
    }
    if (message.startsWith('EXT4-fs error (device ')) return this.fsError(message, this.at());
    if (message.startsWith('XFS (')) return this.xfsMessage(message);
    if (message.startsWith('EXT4-fs (') && message.includes('Remounting filesystem read-only')) return this.fsState(message, 'EXT4-fs ('.length, 'ext4', 'remounted read-only', true);
    if (message.includes(': writeback error on inode ')) return this.writebackError(message);
    if (message.startsWith('sd ') && (message.includes('FAILED Result:') || message.includes('Unhandled error code'))) return this.scsiError(message, this.at());
    if (message.includes('soft lockup - CPU#')) return this.softLockup(message, this.at());
    if (message.includes('hard LOCKUP on cpu')) return this.hardLockup(message, this.at());
    if (message.startsWith('------------[ cut here ]------------')) return this.oopsStart(null, this.at());
    if (message.startsWith('list_add corruption') || message.startsWith('list_del corruption')) {
      this.listCorruption = { message, line: this.curLine, text: this.curText };
      return;
    }
    if (oopsKind(message) !== null) return this.oopsStart(message, this.at());
    if (message.includes('page allocation failure')) return this.allocFailure(message, this.at());
    if (message.startsWith('Linux version ')) return this.boot(message, this.at());
    // x86 prints "Command line:" first, every architecture "Kernel command line:"
    if ((c0 === 67 || c0 === 75) && (message.startsWith('Command line: ') || message.startsWith('Kernel command line: '))) {
      this.captureBoot = message.includes(' elfcorehdr=');
      this.flushBoot();
      return;
    }
    if (message.startsWith('kvm')) return this.kvm(message, this.at());
    // "Reserving …", "crashkernel reserved: …", "cannot allocate crashkernel …": R or c first spares other lines the scan
    if ((c0 === 82 || c0 === 99) && message.includes('crashkernel')) return this.crashReserve(message);
    if (message.includes(']: segfault at ') || message.startsWith('traps: ')) return this.userFault(message);
    if (message.startsWith('EDAC ')) return this.edac(message);
    if (message.startsWith('mce: [Hardware Error]: ')) return this.mce(message);
    if (message.startsWith('Memory failure: ')) return this.memoryFailure(message);
    if (c0 === 123 /* { */ || message.startsWith('[Hardware Error]: ')) return this.hwBlockStart(message);
    if (message.includes(' failed with error -')) return this.probeFailed(message);
  }

  end(): void {
    this.flushBoot();
    if (this.hwBlock) this.emitHwBlock(this.hwBlock);
    this.hwBlock = null;
    if (this.oops) this.emitOops(this.oops);
    this.oops = null;
    this.releaseHwNotices(null);
    if (this.hung) this.emitHung(this.hung);
    this.hung = null;
    if (this.lockup) this.emitLockup(this.lockup);
    this.lockup = null;
    this.flushOom();
    this.releaseOrphans(null);
  }

  private emit(type: string, at: At, attrs: EventRecord['attrs'], labels: Record<string, string> = {}, more: EventLine[] = []): void {
    // a boot is a boot, the capture kernel's too: its attribute says whose (flushBoot)
    if (this.captureBoot && type !== 'boot') {
      attrs = { ...attrs, kind: type };
      type = 'capture-kernel';
    }
    this.sink.event({
      type,
      timeBase: at.timeBase,
      t: at.t,
      labels,
      attrs,
      line: at.line,
      lines: [{ line: at.line, text: at.text }, ...more],
      ...(at.uptime === null ? {} : { uptime: at.uptime }),
    });
  }

  // --- OOM ---------------------------------------------------------------

  private oomInvoked(message: string, at: At): void {
    this.flushOom();
    const idx = message.indexOf(' invoked oom-killer:');
    this.oom = { start: at, memcg: false };
    if (idx > 0) this.oom.invokedBy = message.slice(0, idx);
  }

  private pendingOom(): PendingOom {
    if (!this.oom) this.oom = { start: null, memcg: false };
    return this.oom;
  }

  private oomConstraint(message: string, at: At): void {
    const oom = this.pendingOom();
    oom.constraintLine = at;
    const kv = new Map<string, string>();
    for (const part of message.slice('oom-kill:'.length).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) kv.set(part.slice(0, eq), part.slice(eq + 1));
    }
    const constraint = kv.get('constraint');
    if (constraint) oom.constraint = constraint;
    if (constraint === 'CONSTRAINT_MEMCG') oom.memcg = true;
    // oom_memcg is the cgroup whose limit was hit; task_memcg only where the victim lived.
    const cgroup = kv.get('oom_memcg') ?? kv.get('task_memcg');
    if (cgroup) oom.cgroup = cgroup;
    const task = kv.get('task_memcg');
    if (task) oom.taskCgroup = task;
  }

  /**
   * "memory: usage 32768kB, limit 32768kB, failcnt 16956056": the limited
   * cgroup's use and limit, printed in every memcg OOM report (cgroup v1 and
   * v2). A limit of 8 PiB or more is no limit: v1 prints 9007199254740988kB
   * (2^63 bytes) for a cgroup without one.
   */
  private oomMemcgUsage(message: string, at: At): void {
    const m = /^memory: usage (\d+)kB, limit (\d+)kB/.exec(message);
    if (!m || !this.oom) return;
    this.oom.memcgUsageLine = at;
    const usage = Number(m[1]);
    const limit = Number(m[2]);
    if (Number.isSafeInteger(usage)) this.oom.memcgUsageKiB = usage;
    if (Number.isSafeInteger(limit) && limit < 2 ** 53 / 1024) this.oom.memcgLimitKiB = limit;
  }

  /** Pre-4.19 memcg OOMs name the limited cgroup on this line instead of oom-kill:. */
  private oomTaskIn(message: string, at: At): void {
    const oom = this.pendingOom();
    oom.memcg = true;
    const limit = message.slice(message.indexOf(' killed as a result of limit of ') + ' killed as a result of limit of '.length).trim();
    if (limit) oom.cgroup = limit;
    const task = message.slice('Task in '.length, message.indexOf(' killed as a result of limit of ')).trim();
    if (task) oom.taskCgroup = task;
    oom.constraintLine ??= at;
  }

  private oomChosen(message: string, at: At): void {
    const oom = this.pendingOom();
    if (message.startsWith('Memory cgroup out of memory')) oom.memcg = true;
    const victim = parseVictim(message, message.indexOf('Kill process ') + 'Kill process '.length);
    if (victim) {
      oom.victimPid = victim.pid;
      oom.victimComm = victim.comm;
      oom.victimLine = at;
    }
  }

  private oomKilled(message: string, at: At): void {
    const oom = this.pendingOom();
    if (message.startsWith('Memory cgroup out of memory')) oom.memcg = true;
    const from = message.indexOf('Killed process ') + 'Killed process '.length;
    const victim = parseVictim(message, from);
    if (!victim) {
      this.sink.diagnostic(at.line, 'warning', 'OOM "Killed process" line without a readable pid and command');
      return;
    }
    const kib = parseKiBFields(message.slice(victim.end));
    const anon = kib.get('anon-rss') ?? 0;
    const file = kib.get('file-rss') ?? 0;
    const shmem = kib.get('shmem-rss') ?? 0;
    const attrs: EventRecord['attrs'] = {
      pid: victim.pid,
      comm: victim.comm,
      anonRssKiB: anon,
      fileRssKiB: file,
      shmemRssKiB: shmem,
      rssKiB: anon + file + shmem,
      totalVmKiB: kib.get('total-vm') ?? 0,
      memcg: oom.memcg,
    };
    if (oom.cgroup !== undefined) attrs.cgroup = oom.cgroup;
    Object.assign(attrs, guestAttrsOfCgroup(oom.taskCgroup ?? oom.cgroup ?? ''));
    if (oom.constraint !== undefined) attrs.constraint = oom.constraint;
    if (oom.invokedBy !== undefined) attrs.invokedBy = oom.invokedBy;
    if (oom.memcgUsageKiB !== undefined) attrs.memcgUsageKiB = oom.memcgUsageKiB;
    if (oom.memcgLimitKiB !== undefined) attrs.memcgLimitKiB = oom.memcgLimitKiB;
    const adj = kib.get('oom_score_adj');
    if (adj !== undefined) attrs.oomScoreAdj = adj;
    this.oom = null;
    this.releaseOrphans(at);
    if (oom.memcg && oom.cgroup !== undefined) {
      // A full report: it names the cgroup of the storm's rate-limited kills around it.
      this.lastMemcg = { cgroup: oom.cgroup, at, ...(oom.memcgLimitKiB !== undefined ? { limitKiB: oom.memcgLimitKiB } : {}) };
      for (const o of this.orphans) this.emitOom(o.oom, o.at, this.fromReport(o.attrs));
      this.orphans = [];
    } else if (oom.memcg && oom.start === null && oom.cgroup === undefined) {
      // A kill whose report the kernel rate-limited: the last report's, when it came within the minute; else it waits for the next.
      if (this.lastMemcg && sameStorm(this.lastMemcg.at, at)) this.fromReport(attrs);
      else if (at.t !== null) {
        this.orphans.push({ oom, at, attrs });
        return;
      }
    }
    this.emitOom(oom, at, attrs);
  }

  /** Held kills that no report came within the minute of (by `at`, or by the end): emitted as they are. */
  private releaseOrphans(at: At | null): void {
    while (this.orphans.length > 0) {
      const o = this.orphans[0] as (typeof this.orphans)[number];
      if (at !== null && sameStorm(o.at, at)) break;
      this.orphans.shift();
      this.emitOom(o.oom, o.at, o.attrs);
    }
  }

  /** A rate-limited kill's attrs, given the cgroup and limit of the report of its storm, and marked as inferred. */
  private fromReport(attrs: EventRecord['attrs']): EventRecord['attrs'] {
    const last = this.lastMemcg;
    if (!last) return attrs;
    attrs.cgroup = last.cgroup;
    attrs.cgroupInferred = true;
    Object.assign(attrs, guestAttrsOfCgroup(last.cgroup));
    if (last.limitKiB !== undefined) attrs.memcgLimitKiB = last.limitKiB;
    return attrs;
  }

  private emitOom(oom: PendingOom, killed: At, attrs: EventRecord['attrs']): void {
    const head = oom.start ?? killed;
    const more: EventLine[] = [];
    if (head !== killed) more.push({ line: killed.line, text: killed.text });
    if (oom.constraintLine) more.push({ line: oom.constraintLine.line, text: oom.constraintLine.text });
    if (oom.memcgUsageLine) more.push({ line: oom.memcgUsageLine.line, text: oom.memcgUsageLine.text });
    // in the log's order, as a reader scrolling the file meets them (the kernel writes oom-kill: before Killed process)
    more.sort((a, b) => a.line - b.line);
    // The pid stays an attribute, not a label: a respawning worker killed a hundred thousand times over a
    // month is one storm of its command, folded (bundle/event-storm.ts), not as many shapes kept one by one.
    const labels: Record<string, string> = { comm: String(attrs.comm) };
    this.emit('oom-kill', head, attrs, labels, more);
  }

  /** An old-style report can stop after "Kill process" (log cut, or the victim exited first): still an OOM kill. */
  private flushOom(): void {
    const oom = this.oom;
    this.oom = null;
    if (!oom) return;
    if (oom.victimPid !== undefined && oom.victimComm !== undefined && oom.victimLine) {
      const attrs: EventRecord['attrs'] = { pid: oom.victimPid, comm: oom.victimComm, memcg: oom.memcg };
      if (oom.cgroup !== undefined) attrs.cgroup = oom.cgroup;
      if (oom.constraint !== undefined) attrs.constraint = oom.constraint;
      if (oom.invokedBy !== undefined) attrs.invokedBy = oom.invokedBy;
      this.emitOom(oom, oom.victimLine, attrs);
      return;
    }
    if (oom.start) {
      this.sink.diagnostic(oom.start.line, 'info', 'the OOM killer was invoked here but no "Killed process" line follows (log cut, or nothing was killable)');
    }
  }

  // --- hung tasks ----------------------------------------------------------

  private hungStart(message: string, at: At): void {
    // "INFO: task kworker/1:2:123 blocked for more than 120 seconds." — comm may itself hold colons.
    const body = message.slice('INFO: task '.length, message.indexOf(' blocked for more than '));
    const colon = body.lastIndexOf(':');
    const pid = Number(body.slice(colon + 1));
    const after = message.slice(message.indexOf(' blocked for more than ') + ' blocked for more than '.length);
    const sec = Number(after.slice(0, after.indexOf(' ')));
    if (colon <= 0 || !Number.isInteger(pid) || !Number.isFinite(sec)) {
      this.sink.diagnostic(at.line, 'warning', 'hung-task line without a readable task name, pid or duration');
      return;
    }
    this.hung = { at, comm: body.slice(0, colon), pid, blockedSec: sec, frames: [], guesses: [], inTrace: false, sawState: false };
  }

  /** True while the line still belongs to the hung-task report. */
  private absorbHung(hung: PendingHung, message: string): boolean {
    if (message.length === 0) return false;
    const c0 = message.charCodeAt(0);
    if (c0 === 32 || c0 === 9) {
      if (hung.inTrace) addFrame(message, hung);
      return true;
    }
    // x86 writes "Call Trace:", arm64 "Call trace:" (real capture: dmesg/debian12-arm64-guest)
    if (message.startsWith('Call Trace:') || message.startsWith('Call trace:')) {
      hung.inTrace = true;
      return true;
    }
    if (message.startsWith('<TASK>') || message.startsWith('</TASK>') || message.startsWith('"echo 0 >')) return true;
    if (!hung.inTrace && !hung.sawState) {
      // "docker  D ffff... 0 20744 1 0x0" (old) or "task:df state:D stack: 0 pid:..." (5.x)
      if (message.startsWith('task:') || fieldAt(message, 1) === 'D') {
        hung.sawState = true;
        return true;
      }
    }
    // The register dump after a user-space trace: "RIP: 0033:...", "RAX: ...", "R10: ...", "Code: ..."
    if (hung.inTrace && isRegisterLine(message)) return true;
    return false;
  }

  private emitHung(hung: PendingHung): void {
    const attrs: EventRecord['attrs'] = { pid: hung.pid, comm: hung.comm, blockedSec: hung.blockedSec };
    const stack = stackOf(hung);
    if (stack) attrs.stack = stack;
    this.emit('hung-task', hung.at, attrs, { comm: hung.comm, pid: String(hung.pid) });
  }

  // --- single-line events --------------------------------------------------

  /** An I/O error line, with the count of those rate-limited before it. */
  private emitIoError(at: At, attrs: EventRecord['attrs'], device: string): void {
    if (this.ioSuppressed > 0) {
      attrs.suppressedBefore = this.ioSuppressed;
      this.ioSuppressed = 0;
    }
    this.emit('io-error', at, attrs, { device });
  }

  private fsError(message: string, at: At): void {
    // "EXT4-fs error (device loop0): __ext4_get_inode_loc_noinmem:5038: inode #23: block 38: comm ls: unable to read itable block"
    const open = 'EXT4-fs error (device '.length;
    const close = message.indexOf(')', open);
    if (close < 0) return;
    const device = message.slice(open, close);
    if (!device) return;
    const attrs: EventRecord['attrs'] = { device, kind: 'fs', fs: 'ext4' };
    // the last ": " part is the complaint ("unable to read itable block")
    const what = message.slice(message.lastIndexOf(': ') + 2).trim();
    if (what) attrs.what = what.slice(0, 120);
    const block = numberAfter(message, 'block ');
    if (block !== undefined) attrs.block = block;
    this.emitIoError(at, attrs, device);
  }

  /**
   * XFS's complaints (fs/xfs/xfs_buf.c, xfs_fsops.c; a real capture on 6.18): "XFS (loop0): metadata
   * I/O error in "…" at daddr 0x2c0 len 32 error 28", "Failing async write on buffer block 0x120080.
   * Retrying async write.", "Metadata I/O Error (0x1) detected at … Shutting down filesystem.";
   * mount, unmount and "Please unmount …" lines are not errors.
   */
  private xfsMessage(message: string): void {
    const close = message.indexOf('): ');
    if (close < 0) return;
    const rest = message.slice(close + 3);
    // "Shutting down filesystem" and "has been shut down": a storm's every line passes here, so no regex
    const shutdown = rest.includes('shut down') || rest.includes('Shutting down filesystem');
    const complaint = XFS_COMPLAINTS.find((c) => c.match.test(rest));
    const what = complaint ? (shutdown ? `shut down after ${complaint.after}` : complaint.what) : shutdown ? 'shut down' : null;
    if (what === null) return;
    // "at daddr 0x2c0 len 32": XFS's disk address counts 512-byte sectors of its device
    this.fsState(message, 'XFS ('.length, 'xfs', what, shutdown, hexAfter(rest, ' daddr 0x'));
  }

  /** A filesystem's own error or change of state, "<fs> (<device>): …" from `open` on: one fs event. */
  private fsState(message: string, open: number, fs: string, what: string, stopped: boolean, sector?: number): void {
    const close = message.indexOf(')', open);
    const device = close > open ? message.slice(open, close) : '';
    if (!device) return;
    const attrs: EventRecord['attrs'] = { device, kind: 'fs', fs, what };
    if (sector !== undefined) attrs.sector = sector;
    // shut down (XFS) or read-only (ext4 errors=remount-ro): the filesystem stopped taking writes
    if (stopped) attrs.stopped = true;
    this.emitIoError(this.at(), attrs, device);
  }

  /** iomap's "loop0: writeback error on inode 131, offset 0, sector 524368" (XFS and other iomap filesystems): written data was lost. */
  private writebackError(message: string): void {
    const device = message.slice(0, message.indexOf(': writeback error on inode '));
    if (!/^[\w.-]+$/.test(device)) return;
    const attrs: EventRecord['attrs'] = { device, kind: 'fs', what: 'writeback error: written data lost' };
    const inode = numberAfter(message, 'inode ');
    if (inode !== undefined) attrs.inode = inode;
    this.emitIoError(this.at(), attrs, device);
  }

  private ioError(message: string, at: At): void {
    if (message.startsWith('Buffer I/O error on dev')) {
      // "Buffer I/O error on dev sda1, logical block 0, async page read" (older: "on device sda1")
      const rest = message.slice(message.indexOf(' on dev') + ' on dev'.length).replace(/^ice/, '');
      const device = rest.trim().split(',')[0]?.trim() ?? '';
      if (!device) return;
      const attrs: EventRecord['attrs'] = { device, kind: 'buffer' };
      const block = numberAfter(message, 'logical block ');
      if (block !== undefined) attrs.block = block;
      this.emitIoError(at, attrs, device);
      return;
    }
    const idx = message.indexOf('error, dev ');
    // "blk_update_request: I/O error, dev sda, ..." / "I/O error, dev sdb, ..." / "critical medium error, dev sdb, ..."
    const head = message.slice(0, idx + 'error'.length);
    const colon = head.indexOf(': ');
    const fn = colon > 0 ? head.slice(0, colon) : '';
    const error = colon > 0 ? head.slice(colon + 2) : head;
    if (!/^[A-Za-z/ ]{0,40}error$/.test(error)) return;
    // BLK_STS_NOTSUPP: the device does not do that operation (mkfs probing DISCARD/WRITE_ZEROES); nothing failed
    if (error === 'operation not supported error') return;
    const devText = message.slice(idx + 'error, dev '.length);
    const device = devText.split(/[, ]/)[0] ?? '';
    if (!device) return;
    const kind = fn === 'blk_update_request' || fn === 'end_request' || fn === 'print_req_error' ? fn : 'blk';
    const attrs: EventRecord['attrs'] = { device, kind, error };
    const sector = numberAfter(message, 'sector ');
    if (sector !== undefined) attrs.sector = sector;
    const op = opName(message);
    if (op) attrs.op = op;
    this.emitIoError(at, attrs, device);
  }

  private scsiError(message: string, at: At): void {
    // "sd 2:0:0:0: [sdb] tag#0 FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_SENSE"
    const open = message.indexOf('[');
    const close = message.indexOf(']', open);
    if (open < 0 || close < 0) return;
    const device = message.slice(open + 1, close);
    const attrs: EventRecord['attrs'] = { device, kind: 'scsi' };
    const result = message.indexOf('Result: ');
    if (result >= 0) attrs.result = message.slice(result + 'Result: '.length).trim();
    this.emitIoError(at, attrs, device);
  }

  private softLockup(message: string, at: At): void {
    // "watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [java:1234]"
    const cpu = numberAfter(message, 'CPU#');
    const stuck = numberAfter(message, 'stuck for ');
    const open = message.lastIndexOf('[');
    const close = message.lastIndexOf(']');
    const task = open >= 0 && close > open ? message.slice(open + 1, close) : '';
    const colon = task.lastIndexOf(':');
    const attrs: EventRecord['attrs'] = {};
    if (cpu !== undefined) attrs.cpu = cpu;
    if (stuck !== undefined) attrs.stuckSec = stuck;
    if (colon > 0) {
      attrs.comm = task.slice(0, colon);
      const pid = Number(task.slice(colon + 1));
      if (Number.isInteger(pid)) attrs.pid = pid;
    }
    // Held open: the register dump and call trace that follow say where the CPU was stuck.
    this.lockup = { type: 'soft-lockup', at, attrs, labels: colon > 0 ? { comm: task.slice(0, colon) } : {}, frames: [], guesses: [], inTrace: false, inIrq: false, more: [] };
  }

  /** True while the line still belongs to the soft- or hard-lockup report. */
  private absorbLockup(lockup: PendingLockup, message: string): boolean {
    if (message.length === 0) return false;
    if (absorbTraceLine(lockup, message)) return true;
    if (message.startsWith('Kernel panic - not syncing')) {
      // Once: a log that repeats the line must not grow the evidence without bound.
      if (lockup.attrs.panic !== true) lockup.more.push({ line: this.curLine, text: this.curText });
      lockup.attrs.panic = true;
      return true;
    }
    if (isRegisterLine(message) || message.startsWith('RIP: ')) {
      // "RIP: 0010:smp_call_function_many_cond+0x11e/0x4f0", or before 4.x "RIP: 0010:[<ffffffff81088847>]  [<…>] csd_lock_wait.isra.1+0x4/0xa"
      if (message.startsWith('RIP: ') && lockup.attrs.rip === undefined) {
        const rip = ripFunction(message);
        if (rip) {
          lockup.attrs.rip = rip;
          lockup.more.push({ line: this.curLine, text: this.curText });
        }
      }
      return true;
    }
    // "CPU: 12 PID: 0 Comm: swapper/12 Not tainted …": the task, which a hard lockup's headline does not name.
    if (message.startsWith('CPU: ') && lockup.attrs.comm === undefined) {
      const comm = message.indexOf(' Comm: ');
      const pid = numberAfter(message, ' PID: ');
      if (comm > 0) {
        const name = message.slice(comm + ' Comm: '.length).split(' ')[0] ?? '';
        if (name !== '') {
          lockup.attrs.comm = name;
          lockup.labels.comm = name;
          if (pid !== undefined) lockup.attrs.pid = pid;
        }
      }
      return true;
    }
    return LOCKUP_REPORT_LINES.some((p) => message.startsWith(p));
  }

  private emitLockup(lockup: PendingLockup): void {
    const stack = stackOf(lockup);
    if (stack) lockup.attrs.stack = stack;
    this.emit(lockup.type, lockup.at, lockup.attrs, lockup.labels, lockup.more);
  }

  private hardLockup(message: string, at: At): void {
    // "NMI watchdog: Watchdog detected hard LOCKUP on cpu 5", then the same register dump and trace as a soft lockup.
    const cpu = numberAfter(message, 'hard LOCKUP on cpu ');
    this.lockup = { type: 'hard-lockup', at, attrs: cpu === undefined ? {} : { cpu }, labels: {}, frames: [], guesses: [], inTrace: false, inIrq: false, more: [] };
  }

  // --- Oops, BUG, WARNING, panic ----------------------------------------------

  /** A report's first line: its headline, or "cut here" with the headline on the next line. */
  private oopsStart(message: string | null, at: At): void {
    this.oops = { at, attrs: {}, labels: {}, awaitingHeadline: message === null, inTrace: false, inIrq: false, more: [], frames: [], guesses: [] };
    const found = this.listCorruption;
    if (found !== null && found.line === at.line - 1) {
      this.oops.attrs.detail = found.message.slice(0, 200);
      this.oops.more.push({ line: found.line, text: found.text });
    }
    this.listCorruption = null;
    if (message !== null) this.oopsHeadline(this.oops, message);
  }

  private oopsHeadline(oops: PendingOops, message: string): void {
    const kind = oopsKind(message) ?? 'bug';
    oops.awaitingHeadline = false;
    oops.attrs.kind = kind;
    oops.labels.kind = kind;
    oops.attrs.what = headlineOf(message, kind);
    // "WARNING: CPU: 3 PID: 812 at fs/xfs/xfs_trans.c:321 xfs_trans_cancel+0x12/0x90 [xfs]", "kernel BUG at mm/slub.c:4111!"
    const at = kind === 'warning' ? message.indexOf(' at ') : kind === 'bug' && message.startsWith('kernel BUG at ') ? 'kernel BUG'.length : -1;
    if (at >= 0) {
      const rest = message.slice(at + ' at '.length).replace(/!$/, '');
      const location = rest.split(' ')[0] ?? '';
      if (/^[\w./-]+:\d+$/.test(location)) {
        oops.attrs.location = location;
        oops.labels.location = location;
      }
      const fn = frameName(` ${rest.slice(location.length).trim()}`);
      if (fn?.reliable) oops.attrs.func = fn.name;
      const mod = /\[([\w-]+)\]\s*$/.exec(rest);
      if (mod?.[1]) oops.attrs.module = mod[1];
    }
    if (kind === 'panic') oops.attrs.panic = true;
    // a general protection fault's headline is its oops line: "… 0xdead000000000100: 0000 [#9] PREEMPT SMP NOPTI"
    const count = kind === 'gpf' ? /\[#(\d+)\]/.exec(message) : null;
    if (count) oops.attrs.oopsCount = Number(count[1]);
    const cpu = numberAfter(message, 'CPU: ');
    const pid = numberAfter(message, ' PID: ');
    if (kind === 'warning' && cpu !== undefined) oops.attrs.cpu = cpu;
    if (kind === 'warning' && pid !== undefined) oops.attrs.pid = pid;
  }

  /** True while the line still belongs to the oops report. */
  private absorbOops(oops: PendingOops, message: string): boolean {
    if (message.length === 0) return false;
    if (oops.awaitingHeadline) {
      // "cut here" is followed by the WARNING or BUG line, or by a message of the code that warned
      // ("list_add corruption. prev->next should be next …") and then "kernel BUG at lib/list_debug.c:30!"
      if (oopsKind(message) !== null) {
        // the headline is the event's first line; "cut here" adds nothing to quote
        oops.at = this.at();
        this.oopsHeadline(oops, message);
      } else if (oops.attrs.what === undefined && message.charCodeAt(0) !== 32) {
        oops.attrs.detail = message.slice(0, 200);
        oops.more.push({ line: this.curLine, text: this.curText });
      } else return false;
      return true;
    }
    if (absorbTraceLine(oops, message)) return true;
    const c0 = message.charCodeAt(0);
    // arm64's registers ("x29: ffff800008b3bc70 x28: …") and page-table walk ("[0000000000000000] pgd=…")
    if (/^x\d{1,2}: /.test(message) || (c0 === 91 && message.includes('] pgd='))) return true;
    if (message.startsWith('Kernel Offset:') || message.startsWith('---[ end Kernel panic')) return true;
    if (message.startsWith('---[ end trace')) {
      // the last line of the report: the next one is not its own
      oops.more.push({ line: this.curLine, text: this.curText });
      oops.ended = true;
      return true;
    }
    if (oops.ended) {
      // After the end line: x86 prints the first oops' registers again (from the second oops on), then
      // "note: sh[107] exited with irqs disabled"; the panic an oops can lead to (panic_on_oops, an oops in
      // an interrupt) is its own, and so are the panic's closing lines.
      if (message.startsWith('Kernel panic - not syncing')) {
        this.oopsPanic(oops, message);
        return true;
      }
      return message.startsWith('RIP: ') || isRegisterLine(message) || message.startsWith('note: ') || (oops.attrs.panic === true && (message.startsWith('Kernel Offset:') || message.startsWith('---[ end Kernel panic')));
    }
    if (message.startsWith('Kernel panic - not syncing')) {
      this.oopsPanic(oops, message);
      return true;
    }
    // "Oops: 0002 [#1] PREEMPT SMP NOPTI", "invalid opcode: 0000 [#2] SMP PTI", "general protection fault … [#1]"
    const count = /\[#(\d+)\]/.exec(message);
    // arm64's die(): "Internal error: Oops: 0000000096000005 [#1] PREEMPT SMP"
    if (count && (message.startsWith('Oops: ') || message.startsWith('Internal error: ') || message.startsWith('invalid opcode: ') || message.startsWith('general protection fault') || message.startsWith('stack segment: ') || message.startsWith('double fault: '))) {
      if (oops.attrs.oopsCount === undefined) {
        oops.attrs.oopsCount = Number(count[1]);
        oops.more.push({ line: this.curLine, text: this.curText });
      }
      return true;
    }
    if (message.startsWith('CPU: ') && message.includes(' PID: ')) {
      // "CPU: 0 PID: 80 Comm: sh Tainted: G      D W  O      6.1.0-26-amd64 #1  Debian 6.1.112-1"
      if (oops.attrs.comm === undefined) {
        const comm = message.indexOf(' Comm: ');
        const name = comm > 0 ? (message.slice(comm + ' Comm: '.length).split(' ')[0] ?? '') : '';
        if (name !== '') {
          oops.attrs.comm = name;
          oops.labels.comm = name;
        }
        const pid = numberAfter(message, ' PID: ');
        if (pid !== undefined) oops.attrs.pid = pid;
        const cpu = numberAfter(message, 'CPU: ');
        if (cpu !== undefined) oops.attrs.cpu = cpu;
        const taint = / Tainted: ([A-Z ]+?) {1,}\d/.exec(message);
        if (taint?.[1]) oops.attrs.tainted = taint[1].replace(/ /g, '');
        oops.more.push({ line: this.curLine, text: this.curText });
      }
      return true;
    }
    if (message.startsWith('RIP: ') || message.startsWith('EIP: ') || message.startsWith('pc : ') || message.startsWith('lr : ') || message.startsWith('sp : ') || message.startsWith('NIP ')) {
      if ((message.startsWith('RIP: ') || message.startsWith('pc : ')) && oops.attrs.rip === undefined) {
        // arm64 prints the program counter as "pc : lkdtm_EXCEPTION+0x8/0x20 [lkdtm]"
        const rip = message.startsWith('pc : ') ? (frameName(` ${message.slice('pc : '.length).trim()}`)?.name ?? null) : ripFunction(message);
        if (rip) {
          oops.attrs.rip = rip;
          const mod = /\[([\w-]+)\]\s*$/.exec(message);
          if (mod?.[1] && oops.attrs.module === undefined) oops.attrs.module = mod[1];
          oops.more.push({ line: this.curLine, text: this.curText });
        }
      }
      return true;
    }
    if (isRegisterLine(message)) return true;
    return OOPS_REPORT_LINES.some((p) => message.startsWith(p));
  }

  private oopsPanic(oops: PendingOops, message: string): void {
    // panic_on_warn, panic_on_oops: the panic's own trace follows, printed from panic()
    if (oops.frames.length > 0 || oops.guesses.length > 0) oops.sealed = true;
    if (oops.attrs.panic !== true) {
      oops.more.push({ line: this.curLine, text: this.curText });
      oops.attrs.panic = true;
      oops.attrs.panicReason = message.slice('Kernel panic - not syncing'.length).replace(/^:\s*/, '').slice(0, 200);
    }
  }

  private emitOops(oops: PendingOops): void {
    // "cut here" with nothing after it that the parser knows: not a report it can describe
    if (oops.attrs.kind === undefined) return;
    const stack = stackOf(oops);
    if (stack) oops.attrs.stack = stack;
    // where it happened, to tell one bug from another: the source line a WARNING or BUG names, else the function
    const site = oops.attrs.location ?? oops.attrs.rip ?? oops.attrs.func ?? oops.attrs.what ?? '';
    oops.attrs.site = site;
    oops.labels.site = String(site);
    this.emit('kernel-oops', oops.at, oops.attrs, oops.labels, oops.more);
  }

  private allocFailure(message: string, at: At): void {
    // "java: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null)" (old kernels: "failure. order:4")
    const idx = message.indexOf(': page allocation failure');
    if (idx <= 0) return;
    const comm = message.slice(0, idx);
    const attrs: EventRecord['attrs'] = { comm };
    const order = numberAfter(message, 'order:');
    if (order !== undefined) attrs.order = order;
    const mode = message.indexOf('mode:');
    if (mode >= 0) {
      const gfp = message.slice(mode + 'mode:'.length).split(/[, ]/)[0];
      if (gfp) attrs.gfp = gfp;
    }
    this.emit('alloc-failure', at, attrs, { comm });
  }

  /**
   * A driver whose probe failed leaves its device without a driver: in kdump's capture kernel, a disk
   * controller that failed for want of memory (-12, a real Debian 12 capture at crashkernel=128M:
   * "ahci: probe of 0000:00:1f.2 failed with error -12") hides every disk behind it from the dump.
   * drivers/base/dd.c printed "<driver>: probe of <device> failed with error <n>" (6.1, seen); newer
   * kernels "<driver> <device>: probe with driver <driver> failed with error <n>" (from source).
   */
  private probeFailed(message: string): void {
    const tail = message.lastIndexOf(' failed with error -');
    const errno = Number(message.slice(tail + ' failed with error '.length));
    if (!Number.isInteger(errno)) return;
    let driver: string;
    let device: string;
    const old = message.indexOf(': probe of ');
    const withDriver = message.indexOf(': probe with driver ');
    if (old > 0 && old < tail) {
      driver = message.slice(0, old);
      device = message.slice(old + ': probe of '.length, tail);
    } else if (withDriver > 0 && withDriver < tail) {
      driver = message.slice(withDriver + ': probe with driver '.length, tail);
      const head = message.slice(0, withDriver);
      const space = head.indexOf(' ');
      device = space > 0 ? head.slice(space + 1) : head;
    } else return;
    if (driver.includes(' ') || device.includes(' ')) return;
    this.emit('probe-failed', this.at(), { driver, device, errno }, { device });
  }

  private boot(message: string, at: At): void {
    this.flushBoot();
    this.boots++;
    this.captureBoot = false;
    const kernel = message.split(' ')[2];
    this.pendingBoot = { at, attrs: kernel ? { kernel } : {}, messagesLeft: BOOT_COMMAND_LINE_WITHIN };
  }

  private flushBoot(): void {
    const boot = this.pendingBoot;
    if (boot === null) return;
    this.pendingBoot = null;
    this.emit('boot', boot.at, this.captureBoot ? { ...boot.attrs, capture: true } : boot.attrs);
  }

  /**
   * A user-space process killed by a fault, as x86's kernel logs it (arch/x86/mm/fault.c
   * show_signal_msg, arch/x86/kernel/traps.c show_signal):
   * "qemu-system-x86[28212]: segfault at fffffffffffffffe ip fffffffffffffffe sp 00007fff91992150 error 15 likely on CPU 0 (core 0, socket 0)"
   * (a real capture), "… error 4 in libc.so.6[167ad8,7fddbba44000+156000] …", and
   * "traps: qemu-kvm[4242] general protection fault ip:7f… sp:7ffd… error:0 in libc.so.6[7f…+1bc000]".
   * The comm is the thread's: QEMU's vCPU threads are "CPU 0/KVM" when debug-threads=on.
   */
  private userFault(message: string): void {
    const seg = SEGFAULT.exec(message);
    const trap = seg ? null : TRAP.exec(message);
    const m = seg ?? trap;
    if (!m) return;
    const pid = Number(m[2]);
    if (!Number.isSafeInteger(pid)) return;
    const comm = m[1] as string;
    // both patterns capture the instruction pointer 4th and the error code 5th; the 3rd is a segfault's address, a trap's kind
    const attrs: EventRecord['attrs'] = { comm, pid, fault: seg ? 'segfault' : (m[3] as string) };
    if (seg) attrs.addr = m[3] as string;
    attrs.ip = m[4] as string;
    attrs.error = m[5] as string;
    const where = / in ([^\s[]+)\[/.exec(message.slice(m[0].length));
    if (where?.[1] !== undefined) attrs.lib = where[1];
    // as for an OOM kill, the pid is no label: a crash-looping service is one storm
    this.emit('segfault', this.at(), attrs, { comm });
  }

  // --- hardware errors ----------------------------------------------------

  /**
   * One event per hardware error report, whichever part of the kernel decoded it: EDAC, a machine
   * check record, firmware-first (GHES), AMD's decoder, or memory-failure's handling of a bad page.
   * Attributes: source, kind (corrected, uncorrected, fatal, or page-retired), unit (memory,
   * cache, cpu or unknown), errorCount (added up when a storm is folded), location (a DIMM's
   * label, or a CPU and bank) and what (the kernel's words).
   */
  private hwError(at: At, attrs: EventRecord['attrs'], more: EventLine[] = []): void {
    const location = typeof attrs['location'] === 'string' ? attrs['location'] : '';
    this.releaseHwNotices(at);
    this.emit('hw-error', at, attrs, location ? { location } : {}, more);
    this.lastHwError = at;
  }

  private edac(message: string): void {
    const m = EDAC.exec(message);
    if (m) {
      // ghes_edac repeats as an EDAC line the memory error firmware just reported (GHES): counted once
      if (this.lastGhesMemory && withinSec(this.lastGhesMemory, this.at(), 1)) return;
      const count = Number(m[2]);
      const detail = m[6] ?? '';
      const attrs: EventRecord['attrs'] = {
        source: 'edac',
        kind: m[3] === 'UE' ? 'uncorrected' : 'corrected',
        unit: 'memory',
        errorCount: Number.isSafeInteger(count) ? count : 1,
        location: (m[5] ?? '').trim().slice(0, 120),
        mc: `MC${m[1] ?? ''}`,
        what: (m[4] ?? 'memory error').trim().slice(0, 120),
      };
      const page = /\bpage:0x([0-9a-f]+)/.exec(detail);
      if (page?.[1] !== undefined) attrs.page = parseInt(page[1], 16);
      return this.hwError(this.at(), attrs);
    }
    const old = EDAC_OLD.exec(message);
    if (old) {
      const what = /label "[^"]*": ?(.*)$/.exec(message)?.[1];
      this.hwError(this.at(), {
        source: 'edac',
        kind: old[2] === 'UE' ? 'uncorrected' : 'corrected',
        unit: 'memory',
        errorCount: 1,
        location: (old[4] ?? '').slice(0, 120),
        mc: `MC${old[1] ?? ''}`,
        what: (what || 'memory error').slice(0, 120),
        page: parseInt(old[3] ?? '0', 16),
      });
    }
  }

  /**
   * A machine check the kernel printed whole (at a fatal one, and at boot for those the BIOS kept
   * from before the reset), read from its MCi_STATUS bits (Intel SDM vol. 3B, 16.3.2.2; AMD APM
   * vol. 2, 9.3): UC (61) set is uncorrected, with PCC (57) the processor context is corrupt. Or
   * the notice that machine checks were logged (mce_notify_irq), which says no more.
   */
  private mce(message: string): void {
    if (message.startsWith('mce: [Hardware Error]: Machine check events logged')) {
      const at = this.at();
      if (this.lastHwError && withinSec(this.lastHwError, at, HW_NOTICE_SAME_SEC)) return;
      this.hwNotices.push(at);
      if (this.hwNotices.length > MAX_PENDING_NOTICES) this.emitHwNotice(this.hwNotices.shift() as At);
      return;
    }
    const m = MCE_RECORD.exec(message);
    if (!m) return;
    const status = BigInt(`0x${m[3] ?? '0'}`);
    this.hwError(this.at(), {
      source: 'mce',
      ...machineCheckStatus(status),
      errorCount: 1,
      location: `CPU ${m[1] ?? '?'} bank ${m[2] ?? '?'}`,
      what: `machine check, status 0x${status.toString(16)}`,
    });
  }

  private emitHwNotice(at: At): void {
    this.emit('hw-error', at, { source: 'mce', kind: 'corrected', unit: 'unknown', errorCount: 1, what: 'machine check events logged (not decoded in the kernel log)' });
  }

  /** Notices a decoded error at `at` accounts for are dropped; the rest before it, or all at the end (`at` null), are passed on. */
  private releaseHwNotices(at: At | null): void {
    if (this.hwNotices.length === 0) return;
    for (const notice of this.hwNotices) if (at === null || !withinSec(notice, at, HW_NOTICE_SAME_SEC)) this.emitHwNotice(notice);
    this.hwNotices = [];
  }

  /**
   * "Memory failure: 0x46fab5: recovery action for dirty LRU page: Recovered", "…: Sending SIGBUS to
   * qemu-kvm:4242 due to hardware memory corruption", "…: unhandlable page.": the kernel took a page
   * out of use, for an uncorrected error or to retire one that kept correcting.
   */
  private memoryFailure(message: string): void {
    const m = MEMORY_FAILURE.exec(message);
    if (!m) return;
    const what = (m[2] ?? '').trim();
    const attrs: EventRecord['attrs'] = { source: 'memory-failure', kind: 'page-retired', unit: 'memory', errorCount: 1, page: parseInt(m[1] ?? '0', 16), what: what.slice(0, 160) };
    const killed = /(?:Sending SIGBUS to|Killing) (.{1,64}?):(\d+) due to hardware memory corruption/.exec(what);
    if (killed) {
      attrs.killedComm = killed[1] as string;
      attrs.killedPid = Number(killed[2]);
    }
    const result = /: (Recovered|Ignored|Failed|Delayed)\.?$/.exec(what);
    if (result?.[1] !== undefined) attrs.result = result[1].toLowerCase();
    this.hwError(this.at(), attrs);
  }

  /** The first line of a GHES record ("{3}[Hardware Error]: Hardware error from APEI …") or of AMD's decoded machine check. */
  private hwBlockStart(message: string): void {
    const ghes = GHES_LINE.exec(message);
    if (ghes) {
      this.hwBlock = { style: 'ghes', at: this.at(), more: [], kind: null, unit: 'unknown', what: null, location: null };
      this.absorbHwBlock(this.hwBlock, message);
      return;
    }
    const amd = AMD_HEADLINE.exec(message);
    if (!amd) return;
    const head = amd[1] ?? '';
    const kind = head.startsWith('Corrected') || head.startsWith('Deferred') ? 'corrected' : head.startsWith('System Fatal') || head.includes('non-restartable') ? 'fatal' : 'uncorrected';
    this.hwBlock = { style: 'amd', at: this.at(), more: [], kind, unit: 'unknown', what: null, location: null };
  }

  /** Takes a line of the held record; false when the line is not one of its. */
  private absorbHwBlock(block: PendingHwBlock, message: string): boolean {
    if (block.style === 'ghes') {
      const m = GHES_LINE.exec(message);
      if (!m) return false;
      const body = (m[1] ?? '').trim();
      // a second record's first line ends this one
      if (body.startsWith('Hardware error from APEI') && this.curLine !== block.at.line) return false;
      const sev = /^event severity: (\w+)/.exec(body);
      if (sev) block.kind = sev[1] === 'corrected' || sev[1] === 'info' ? 'corrected' : sev[1] === 'fatal' ? 'fatal' : 'uncorrected';
      if (body.startsWith('section_type: ')) {
        const type = body.slice('section_type: '.length);
        block.unit = /memory/i.test(type) ? 'memory' : /processor|cache/i.test(type) ? 'cpu' : 'unknown';
        block.what ??= type;
      }
      const errorType = /^error_type: \d+, (.*)$/.exec(body);
      if (errorType?.[1] !== undefined) block.what = errorType[1];
      const dimm = /^DIMM location: (.*)$/.exec(body);
      if (dimm?.[1] !== undefined) block.location = dimm[1].trim();
      // cper's memory location: "node:0 card:0 module:0 rank:1 …", "node:0 device:0"; its first three fields place the DIMM
      if (body.startsWith('node:') && block.location === null) block.location = body.split(/\s+/).slice(0, 3).join(' ').replaceAll(':', ' ');
      if (!sev && this.curLine !== block.at.line && block.more.length < MAX_STACK_FRAMES) block.more.push({ line: this.curLine, text: this.curText });
      return true;
    }
    if (!message.startsWith('[Hardware Error]: ') || AMD_HEADLINE.test(message)) return false;
    const body = message.slice('[Hardware Error]: '.length).trim();
    const cpu = /^CPU:(\d+) \([^)]*\) MC(\d+)_STATUS/.exec(body);
    if (cpu) block.location = `CPU ${cpu[1]} bank ${cpu[2]}`;
    const what = /^MC\d+ Error: (.*)$/.exec(body) ?? /Ext\. Error Code: \d+, (.*)$/.exec(body);
    if (what?.[1] !== undefined && block.what === null) block.what = what[1].replace(/\.$/, '');
    if (/DRAM|memory controller|UMC|ECC error detected on the NB/i.test(body)) block.unit = 'memory';
    else if (/cache|L[123]\b|Fill|TLB/i.test(body) && block.unit === 'unknown') block.unit = 'cache';
    if (block.more.length < MAX_STACK_FRAMES) block.more.push({ line: this.curLine, text: this.curText });
    return true;
  }

  private emitHwBlock(block: PendingHwBlock): void {
    // a GHES header with no severity line (cut short) says nothing of the error
    if (block.kind === null) return;
    const attrs: EventRecord['attrs'] = { source: block.style === 'ghes' ? 'ghes' : 'mce', kind: block.kind, unit: block.unit, errorCount: 1, what: (block.what ?? (block.style === 'ghes' ? 'hardware error (firmware-first)' : 'machine check')).slice(0, 160) };
    if (block.location) attrs.location = block.location.slice(0, 120);
    this.hwError(block.at, attrs, block.more);
    if (block.style === 'ghes' && block.unit === 'memory') this.lastGhesMemory = block.at;
  }

  /**
   * The memory the kernel set aside at boot for kdump's capture kernel (crashkernel=), or its failure to:
   * x86 and powerpc up to 6.6 (arch/x86/kernel/setup.c reserve_crashkernel) "Reserving 384MB of memory at
   * 1488MB for crashkernel (System RAM: 2047MB)" (a real Debian 12 boot); the generic code since 6.7 and
   * arm64 before it (kernel/crash_reserve.c) "crashkernel reserved: 0x… - 0x… (384 MB)"; failures
   * "crashkernel reservation failed - No suitable area found." and "cannot allocate crashkernel (size:0x…)".
   */
  private crashReserve(message: string): void {
    const x86 = CRASH_RESERVING.exec(message);
    if (x86) {
      this.emit('crash-reserve', this.at(), { reservedMiB: Number(x86[1]), systemRamMiB: Number(x86[2]) });
      return;
    }
    const generic = CRASH_RESERVED.exec(message);
    if (generic) {
      this.emit('crash-reserve', this.at(), { reservedMiB: Number(generic[1]) });
      return;
    }
    const failed = CRASH_FAILED.exec(message);
    if (failed) this.emit('crash-reserve', this.at(), { reservedMiB: 0, failed: (failed[1] ?? failed[2] ?? 'reservation failed').trim().replace(/\.$/, '') });
  }

  private kvm(message: string, at: At): void {
    // kvm:, kvm [1234]:, kvm_intel:, kvm_amd: — only failures; the rest is routine (clock, async PF).
    if (!/^kvm(?:_intel|_amd)?(?: \[\d+\])?:/.test(message)) return;
    const lower = message.toLowerCase();
    if (!lower.includes('error') && !lower.includes('failed')) return;
    this.emit('kvm-error', at, { message: message.slice(0, MAX_KVM_MESSAGE) });
  }
}

/** Reads "1234 (java)" or the RHEL 6 "1234, UID 500, (java)" starting at `from`. */
function parseVictim(message: string, from: number): { pid: number; comm: string; end: number } | null {
  let i = from;
  while (i < message.length && message.charCodeAt(i) >= 48 && message.charCodeAt(i) <= 57) i++;
  if (i === from) return null;
  const pid = Number(message.slice(from, i));
  const open = message.indexOf('(', i);
  if (open < 0) return null;
  // comm may hold spaces or parentheses ("(Web Content)"), so prefer the ") " before the KiB fields.
  let close = message.indexOf(') total-vm', open);
  if (close < 0) close = message.indexOf(') score', open);
  if (close < 0) close = message.lastIndexOf(')');
  if (close <= open) return null;
  return { pid, comm: message.slice(open + 1, close), end: close + 1 };
}

/** "total-vm:5083036kB, anon-rss:854636kB, ... UID:26 pgtables:9004kB oom_score_adj:0" → key → number. */
function parseKiBFields(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const token of text.split(/[ ,]+/)) {
    const colon = token.indexOf(':');
    if (colon <= 0) continue;
    let value = token.slice(colon + 1);
    if (value.endsWith('kB')) value = value.slice(0, -2);
    const n = Number(value);
    if (value !== '' && Number.isFinite(n)) out.set(token.slice(0, colon), n);
  }
  return out;
}

/** The integer right after `marker`, or undefined. */
export type OopsKind = 'warning' | 'bug' | 'null-deref' | 'page-fault' | 'gpf' | 'panic';

/** What kind of report a kernel line starts, or null for none. */
export function oopsKind(message: string): OopsKind | null {
  const c0 = message.charCodeAt(0);
  // W, k, B, g, K, u, U: every headline starts with one of these
  if (c0 !== 87 && c0 !== 107 && c0 !== 66 && c0 !== 103 && c0 !== 75 && c0 !== 117 && c0 !== 85) return null;
  if (message.startsWith('WARNING: CPU: ') || message.startsWith('WARNING: at ')) return 'warning';
  if (message.startsWith('kernel BUG at ')) return 'bug';
  if (message.startsWith('BUG: ')) {
    if (message.includes('NULL pointer dereference')) return 'null-deref';
    if (message.startsWith('BUG: unable to handle page fault') || message.startsWith('BUG: unable to handle kernel paging request')) return 'page-fault';
    // soft lockups ("watchdog: BUG: soft lockup") and workqueue lockups are read elsewhere or are no oops
    if (message.startsWith('BUG: workqueue lockup') || message.includes('soft lockup')) return null;
    return 'bug';
  }
  if (message.startsWith('general protection fault')) return 'gpf';
  if (message.startsWith('Kernel panic - not syncing')) return 'panic';
  if (message.startsWith('unable to handle kernel NULL pointer dereference')) return 'null-deref';
  // arm64 (arch/arm64/mm/fault.c die_kernel_fault): "Unable to handle kernel NULL pointer dereference at virtual address …",
  // "Unable to handle kernel paging request at virtual address …"
  if (message.startsWith('Unable to handle kernel NULL pointer dereference')) return 'null-deref';
  if (message.startsWith('Unable to handle kernel ')) return 'page-fault';
  return null;
}

/** The headline without its prefix and addresses, as a short description. */
function headlineOf(message: string, kind: OopsKind): string {
  let what = message;
  if (kind === 'warning') what = message.replace(/^WARNING: (?:CPU: \d+ PID: \d+ )?at /, '');
  else if (message.startsWith('BUG: ')) what = message.slice('BUG: '.length);
  else if (kind === 'panic') what = message.slice('Kernel panic - not syncing'.length).replace(/^:\s*/, '');
  return what.slice(0, 200);
}

function numberAfter(text: string, marker: string): number | undefined {
  const idx = text.indexOf(marker);
  if (idx < 0) return undefined;
  let i = idx + marker.length;
  const start = i;
  if (text[i] === '-') i++;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === start || (i === start + 1 && text[start] === '-')) return undefined;
  return Number(text.slice(start, i));
}

/** The hexadecimal number right after `marker` (which ends in "0x"), or undefined. */
function hexAfter(text: string, marker: string): number | undefined {
  const idx = text.indexOf(marker);
  if (idx < 0) return undefined;
  const start = idx + marker.length;
  let v = 0;
  let i = start;
  // a storm's every XFS line passes here: character codes, not a regex per character
  for (; i < text.length && i - start < 13; i++) {
    const c = text.charCodeAt(i) | 0x20;
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) break;
    v = v * 16 + d;
  }
  return i === start ? undefined : v;
}

/** "op 0x1:(WRITE)" → WRITE */
function opName(message: string): string | undefined {
  const idx = message.indexOf(' op 0x');
  if (idx < 0) return undefined;
  const open = message.indexOf('(', idx);
  const close = message.indexOf(')', open);
  if (open < 0 || close < 0 || open - idx > 16) return undefined;
  return message.slice(open + 1, close);
}

/**
 * The function of a reliable trace frame: "  __schedule+0x2cd/0x890",
 * " [<ffffffff8185cb45>] schedule+0x35/0x80", "closure_sync+0x18/0x90 [bcache]".
 * Frames marked "? " are stale stack words the unwinder could not vouch for.
 */
function frameName(message: string): { name: string; reliable: boolean } | null {
  let s = message.trimStart();
  if (s.startsWith('[<')) {
    const close = s.indexOf('>]');
    if (close < 0) return null;
    s = s.slice(close + 2).trimStart();
  }
  const reliable = !s.startsWith('? ');
  if (!reliable) s = s.slice(2);
  const plus = s.indexOf('+0x');
  if (plus <= 0) return null;
  const name = s.slice(0, plus);
  return /^[A-Za-z_][\w.]*$/.test(name) ? { name, reliable } : null;
}

interface TraceFrames {
  frames: string[];
  /** "? " frames, used only when a trace has no reliable frame at all (old kernels without frame pointers mark every frame) */
  guesses: string[];
  /** the report's own trace is complete: a panic it led to prints a second trace, which is the panic's */
  sealed?: boolean;
}

/**
 * The functions that print a trace, at its head on every architecture (x86 "dump_stack_lvl < panic",
 * arm64 "dump_backtrace < show_stack < dump_stack_lvl < dump_stack < panic"): the stack says where the
 * report came from without them.
 */
const PRINTING_FRAMES = new Set(['dump_backtrace', 'show_stack', 'dump_stack_lvl', 'dump_stack', 'panic']);

/**
 * A call trace's own lines in a lockup or oops report: "Call Trace:" (arm64: "Call trace:"), the
 * <IRQ>/<NMI>/<TASK> markers and the indented frames, kept while outside an interrupt (the watchdog's
 * timer or the NMI that printed the report is not what the task was doing). True when the line is one.
 */
function absorbTraceLine(trace: TraceFrames & { inTrace: boolean; inIrq: boolean }, message: string): boolean {
  const c0 = message.charCodeAt(0);
  const bare = c0 === 32 || c0 === 9 ? message.trimStart() : message;
  if (bare.startsWith('<IRQ>') || bare.startsWith('<NMI>')) {
    trace.inIrq = true;
    return true;
  }
  if (bare.startsWith('</IRQ>') || bare.startsWith('</NMI>')) {
    trace.inIrq = false;
    return true;
  }
  if (bare.startsWith('<TASK>') || bare.startsWith('</TASK>')) return true;
  if (c0 === 32 || c0 === 9) {
    if (trace.inTrace && !trace.inIrq) addFrame(message, trace);
    return true;
  }
  if (message.startsWith('Call Trace:') || message.startsWith('Call trace:')) {
    trace.inTrace = true;
    return true;
  }
  return false;
}

/** Adds a trace line's function to the reliable frames, or to the guesses for a "? " frame, up to MAX_STACK_FRAMES of each. */
function addFrame(message: string, into: TraceFrames): void {
  if (into.sealed) return;
  const frame = frameName(message);
  if (!frame) return;
  if (into.frames.length === 0 && into.guesses.length === 0 && PRINTING_FRAMES.has(frame.name)) return;
  const list = frame.reliable ? into.frames : into.guesses;
  if (list.length < MAX_STACK_FRAMES) list.push(frame.name);
}

/** The top frames joined by " < " (the guesses when no frame was reliable), or null for no trace. */
function stackOf(trace: TraceFrames): string | null {
  const frames = trace.frames.length > 0 ? trace.frames : trace.guesses;
  return frames.length > 0 ? frames.join(' < ') : null;
}

/** The function of an x86 "RIP: 0010:…" line, the code the CPU was running; null for user space (0033) or none readable. */
function ripFunction(message: string): string | null {
  let s = message.slice('RIP: '.length).trimStart();
  const colon = s.indexOf(':');
  if (colon < 0 || s.slice(0, colon) === '0033') return null;
  s = s.slice(colon + 1);
  // Older kernels print the address twice, as "[<ffffffff81088847>]", before the symbol.
  while (s.trimStart().startsWith('[<')) {
    const close = s.indexOf('>]');
    if (close < 0) return null;
    s = s.slice(close + 2);
  }
  const frame = frameName(` ${s.trim()}`);
  return frame?.reliable ? frame.name : null;
}

function isRegisterLine(message: string): boolean {
  const colon = message.indexOf(':');
  if (colon < 2 || colon > 4) return false;
  const name = message.slice(0, colon);
  // PKRU: x86 CPUs with protection keys (Skylake-SP and later) print it last
  return /^(?:R[A-Z0-9]{1,3}|[CDEFG]S|CR\d|DR\d|Code|PKRU)$/.test(name);
}

function fieldAt(message: string, n: number): string | undefined {
  let count = -1;
  let i = 0;
  while (i < message.length) {
    while (i < message.length && message[i] === ' ') i++;
    if (i >= message.length) break;
    const start = i;
    while (i < message.length && message[i] !== ' ') i++;
    count++;
    if (count === n) return message.slice(start, i);
  }
  return undefined;
}
