// libvirt per-domain QEMU log, /var/log/libvirt/qemu/<domain>.log.
// Written by libvirt's qemuProcessLaunch/qemuProcessStop (src/qemu/qemu_process.c) and by QEMU's
// own error_report() with `-msg timestamp=on` (util/error-report.c): https://libvirt.org/logging.html
import type { EventRecord, ParseContext, RecordSink, SourceParser, LineParser } from './types.js';

const PATHS = [/^var\/log\/(?:containers\/)?libvirt\/qemu\/[^/]+\.log(?:\.\d+|-\d{8})?$/];

/** Longest command line kept as a fact: the full one can hold secrets and tens of KiB of -blockdev JSON. */
const CMDLINE_MAX = 2000;
/** Evidence lines kept per crash, so a crash that spews a backtrace does not bloat the event. */
const CRASH_LINES_MAX = 10;

const STAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?:? ?/;

interface Stamp {
  t: number;
  rest: string;
}

/** libvirt writes `+0000`, QEMU writes `Z`; both are UTC, but honour any other offset as written. */
export function parseStamp(line: string): Stamp | null {
  const m = STAMP.exec(line);
  if (!m) return null;
  const frac = m[7] ?? '';
  const ms = frac === '' ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60000;
  }
  if (!Number.isFinite(t)) return null;
  return { t, rest: line.slice(m[0].length) };
}

/**
 * What kept a guest from starting, from the error QEMU or libvirt logged before `reason=failed`.
 * The messages are QEMU's and libvirt's own (hostmem-file.c / physmem.c "unable to map backing store
 * for guest RAM", hostmem-ram.c "cannot set up guest memory", block.c "Could not open",
 * file-posix.c 'Failed to get "write" lock', accel/kvm "Could not access KVM kernel module",
 * libvirt's virProcessSetMaxMemLock "cannot limit locked memory").
 */
export function startFailureCause(error: string): string {
  if (error.includes('unable to map backing store for guest RAM') || error.includes('cannot set up guest memory')) return 'guest-ram';
  if (error.includes('locked memory')) return 'memlock';
  if (error.includes('Failed to get') && error.includes(' lock')) return 'image-locked';
  // before file access: "failed to initialize kvm: Permission denied" is KVM's
  if (/KVM kernel module|failed to initialize kvm|\/dev\/kvm/i.test(error)) return 'kvm';
  if (error.includes('Could not open ') || error.includes('Permission denied') || error.includes('No such file or directory')) return 'file-access';
  return 'other';
}

/** An error line of QEMU ("qemu-system-x86_64: …", warnings aside) or of libvirt ("libvirt:  error : …"): its message, or null. */
function errorMessage(rest: string): string | null {
  const q = /^(?:\S*\/)?qemu-(?:kvm|system-[\w-]+): (.+)$/.exec(rest);
  if (q?.[1] !== undefined) return q[1].startsWith('warning:') ? null : q[1];
  const l = /^libvirt: +(?:\w+ )?error : (.+)$/.exec(rest);
  return l?.[1] ?? null;
}

/** The image QEMU's lock error names ("Is another process using the image [/var/lib/…/a.qcow2]?"). */
function lockedImage(error: string): { image?: string } {
  const m = /Is another process using the image \[([^\]]+)\]\?/.exec(error);
  return m?.[1] !== undefined ? { image: m[1] } : {};
}

export function domainFromPath(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const i = base.indexOf('.log');
  return i > 0 ? base.slice(0, i) : base;
}

/** `-m 2048`, `-m size=4194304k,slots=16,maxmem=...`: MiB unless a suffix says otherwise (QEMU's default). */
export function qemuMemoryMiB(arg: string): number {
  let v = arg;
  for (const part of arg.split(',')) if (part.startsWith('size=')) v = part.slice(5);
  if (v.includes('=')) return NaN;
  const m = /^(\d+(?:\.\d+)?)([kKmMgGtT]?)[bB]?$/.exec(v);
  if (!m) return NaN;
  const n = Number(m[1]);
  switch ((m[2] ?? '').toLowerCase()) {
    case 'k':
      return n / 1024;
    case 'g':
      return n * 1024;
    case 't':
      return n * 1024 * 1024;
    default:
      return n;
  }
}

type CrashKind = 'kvm-internal-error' | 'assertion' | 'abort' | 'reason-crashed' | 'signal';

interface PendingCrash {
  t: number | null;
  line: number;
  kind: CrashKind;
  signal?: number;
  /** KVM_EXIT_INTERNAL_ERROR's suberror, from "KVM internal error. Suberror: N" */
  suberror?: number;
  lines: { line: number; text: string }[];
}

const crashSignals = new Set([4, 6, 7, 8, 11]);

/**
 * QEMU's dump after a KVM internal error: the exit's raw data words and the
 * vCPU's registers, 30 lines that crowded the evidence out. The instruction
 * pointer (RIP=, EIP=) and the code bytes at it (Code=) are kept: they say
 * where the guest was.
 */
function isMachineState(line: string): boolean {
  return line.startsWith('extra data[') || /^(?:[RE](?:[A-DS]X|[SD]I|[BS]P)|R\d{1,2} ?|[ECSDFG]S ?|LDT|TR ?|[GI]DT|CR0|DR[0-7]|EFER)=/.test(line);
}

/** KVM_INTERNAL_ERROR_* in linux/kvm.h: what KVM could not handle. */
const KVM_SUBERRORS: Record<number, string> = {
  1: 'emulation failure',
  2: 'simultaneous exceptions',
  3: 'event delivery failure',
  4: 'unexpected exit reason',
};

/** The crash in words, for titles that list a guest's crashes of several kinds. */
function crashWords(crash: PendingCrash): string {
  switch (crash.kind) {
    case 'kvm-internal-error': {
      const sub = crash.suberror !== undefined ? (KVM_SUBERRORS[crash.suberror] ?? `suberror ${crash.suberror}`) : undefined;
      return sub ? `KVM internal error, ${sub}` : 'KVM internal error';
    }
    case 'reason-crashed':
      return 'libvirt: reason=crashed';
    case 'signal':
      return crash.signal !== undefined ? `signal ${crash.signal}` : 'fatal signal';
    case 'assertion':
      return 'assertion failed';
    case 'abort':
      return 'abort()';
  }
}

export const libvirtQemuLog: SourceParser = {
  id: 'libvirt-qemu-log',
  title: 'libvirt QEMU domain log',
  paths: PATHS,
  sniff(head: string): boolean {
    return head.includes('starting up libvirt version') || (/qemu-(?:kvm|system-[\w]+)/.test(head) && head.includes('-name guest='));
  },
  create(ctx: ParseContext, sink: RecordSink): LineParser {
    const domain = domainFromPath(ctx.path);
    const labels = { domain };
    let lastT: number | null = null;
    let running = false;
    let startLine = 0;
    // the first error logged since QEMU was started: why it stopped, when it stops with reason=failed
    let startError: { line: number; text: string; message: string; more?: { line: number; text: string } } | null = null;
    let migrateOutSeen = false;
    let lastLine = { line: 0, text: '' };
    /** the command line libvirt logs, one option per backslash-continued line: each part with its line */
    let cmd: { parts: string[]; partLines: number[]; line: number } | null = null;
    let crash: PendingCrash | null = null;
    sink.format('libvirt qemu domain log');

    const flushCrash = (): void => {
      if (!crash) return;
      const attrs: Record<string, string | number | boolean> = { domain, kind: crash.kind };
      if (crash.signal !== undefined) attrs['signal'] = crash.signal;
      if (crash.kind === 'reason-crashed') attrs['reason'] = 'crashed';
      if (crash.suberror !== undefined) attrs['suberror'] = crash.suberror;
      // QEMU stops the guest on a KVM internal error (vm_stop, RUN_STATE_INTERNAL_ERROR): it stays paused, its QEMU alive
      if (crash.kind === 'kvm-internal-error') attrs['paused'] = true;
      attrs['what'] = crashWords(crash);
      sink.event({ type: 'vm-crash', timeBase: 'utc', t: crash.t, labels, attrs, line: crash.line, lines: crash.lines });
      crash = null;
    };

    let signalStop: Omit<EventRecord, 'kind'> | null = null;
    const flushSignalStop = (): void => {
      if (signalStop) sink.event(signalStop);
      signalStop = null;
    };

    const noteCrash = (kind: CrashKind, line: number, text: string, signal?: number): void => {
      if (crash) {
        if (crash.lines.length < CRASH_LINES_MAX) crash.lines.push({ line, text });
        if (signal !== undefined && crash.signal === undefined) crash.signal = signal;
      } else {
        crash = { t: lastT, line, kind, lines: [{ line, text }] };
        if (signal !== undefined) crash.signal = signal;
      }
      running = false;
    };

    const finishCmdline = (): void => {
      if (!cmd) return;
      const joined = cmd.parts.join(' ').replace(/\s+/g, ' ').trim();
      sink.fact('vm.cmdline', joined.length > CMDLINE_MAX ? joined.slice(0, CMDLINE_MAX) : joined, cmd.line, labels);
      // an option's own line, where libvirt wrote one per line (its evidence), else the command's first
      const optionLine = new Map<string, number>();
      cmd.parts.forEach((part, i) => {
        const first = part.trimStart().split(' ', 1)[0] ?? '';
        if (first.startsWith('-') && !optionLine.has(first)) optionLine.set(first, cmd?.partLines[i] ?? 0);
      });
      const lineOf = (opt: string): number => optionLine.get(opt) ?? (cmd as { line: number }).line;
      const tokens = joined.split(' ');
      for (let i = 0; i + 1 < tokens.length; i++) {
        const opt = tokens[i];
        const arg = tokens[i + 1] ?? '';
        if (opt === '-m') {
          const mib = qemuMemoryMiB(arg);
          if (Number.isFinite(mib)) sink.fact('vm.qemuMemoryMiB', mib, lineOf('-m'), labels);
        } else if (opt === '-smp') {
          const first = arg.split(',')[0] ?? '';
          const n = first.startsWith('cpus=') ? Number(first.slice(5)) : Number(first);
          if (Number.isInteger(n) && n > 0) sink.fact('vm.qemuSmp', n, lineOf('-smp'), labels);
        } else if (opt === '-incoming') {
          // libvirt starts the destination QEMU paused with -incoming: this run is a migration into this host
          sink.event({
            type: 'vm-migrate',
            timeBase: 'utc',
            t: lastT,
            labels,
            attrs: { domain, direction: 'in' },
            line: cmd.line,
            lines: [{ line: cmd.line, text: `-incoming ${arg}` }],
          });
        }
      }
      cmd = null;
    };

    return {
      push(line: string, lineNo: number): void {
        if (line.trim() === '') return;
        if (cmd) {
          const cont = line.endsWith('\\');
          cmd.parts.push(cont ? line.slice(0, -1) : line);
          cmd.partLines.push(lineNo);
          if (!cont) finishCmdline();
          return;
        }
        lastLine = { line: lineNo, text: line.length > 300 ? line.slice(0, 300) : line };
        const st = parseStamp(line);
        const rest = st ? st.rest : line;
        if (st) lastT = st.t;

        if (!st && (line.startsWith('LC_ALL=') || /^(?:\S*\/)?qemu-(?:kvm|system-\w+) /.test(line))) {
          cmd = { parts: [], partLines: [], line: lineNo };
          const cont = line.endsWith('\\');
          cmd.parts.push(cont ? line.slice(0, -1) : line);
          cmd.partLines.push(lineNo);
          if (!cont) finishCmdline();
          return;
        }

        if (rest.startsWith('starting up')) {
          flushCrash();
          flushSignalStop();
          running = true;
          startLine = lineNo;
          startError = null;
          migrateOutSeen = false;
          const attrs: Record<string, string | number | boolean> = { domain };
          const lv = /libvirt version: ([^,\s]+)/.exec(rest);
          if (lv?.[1] !== undefined) attrs['libvirtVersion'] = lv[1];
          const qv = /qemu version: ([^,]+)/.exec(rest);
          if (qv?.[1] !== undefined) attrs['qemuVersion'] = qv[1].trim();
          sink.event({ type: 'vm-start', timeBase: 'utc', t: st ? st.t : null, labels, attrs, line: lineNo, lines: [{ line: lineNo, text: line }] });
          return;
        }
        if (rest.startsWith('shutting down')) {
          const m = /reason=([\w-]+)/.exec(rest);
          const reason = m?.[1] ?? 'unknown';
          running = false;
          const attrs: Record<string, string | number | boolean> = { domain, reason };
          const lines = [{ line: lineNo, text: line }];
          if (signalStop) {
            // the signal libvirt's stop sent: one shutdown, with both lines
            for (const k of ['signal', 'fromPid', 'fromCmd']) if (signalStop.attrs[k] !== undefined) attrs[k] = signalStop.attrs[k] as string | number;
            lines.unshift(...signalStop.lines);
            signalStop = null;
          }
          sink.event({ type: 'vm-shutdown', timeBase: 'utc', t: st ? st.t : lastT, labels, attrs, line: lineNo, lines });
          if (reason === 'failed') {
            // QEMU or libvirt gave up before the guest ran: the error before says why
            const error = startError?.message ?? '';
            sink.event({
              type: 'vm-start-failed',
              timeBase: 'utc',
              t: st ? st.t : lastT,
              labels,
              attrs: { domain, error, cause: error === '' ? 'unknown' : startFailureCause(error), ...lockedImage(error) },
              line: lineNo,
              lines: startError ? [{ line: startError.line, text: startError.text }, ...(startError.more ? [startError.more] : []), { line: lineNo, text: line }] : [{ line: lineNo, text: line }],
            });
          }
          if (reason === 'crashed') noteCrash('reason-crashed', lineNo, line);
          else if (reason === 'migrated' && !migrateOutSeen) {
            migrateOutSeen = true;
            sink.event({ type: 'vm-migrate', timeBase: 'utc', t: st ? st.t : lastT, labels, attrs: { domain, direction: 'out' }, line: lineNo, lines: [{ line: lineNo, text: line }] });
          }
          return;
        }
        if (rest.startsWith('initiating migration')) {
          migrateOutSeen = true;
          sink.event({ type: 'vm-migrate', timeBase: 'utc', t: st ? st.t : lastT, labels, attrs: { domain, direction: 'out' }, line: lineNo, lines: [{ line: lineNo, text: line }] });
          return;
        }
        const sig = rest.includes('terminating on signal') ? /terminating on signal (\d+)/.exec(rest) : null;
        if (sig) {
          const signal = Number(sig[1]);
          if (crashSignals.has(signal)) noteCrash('signal', lineNo, line, signal);
          else if (running) {
            // QEMU logs the SIGTERM that libvirt's own stop sends too (virsh destroy), just before libvirt's
            // "shutting down" line: held until then, and passed on alone only when no such line follows
            // (someone killed QEMU outside libvirt's stop path)
            running = false;
            const attrs: Record<string, string | number | boolean> = { domain, reason: 'signal', signal };
            const from = /from pid (\d+)(?: \(([^)]*)\))?/.exec(rest);
            if (from?.[1] !== undefined) attrs['fromPid'] = Number(from[1]);
            if (from?.[2] !== undefined) attrs['fromCmd'] = from[2];
            signalStop = { type: 'vm-shutdown', timeBase: 'utc', t: st ? st.t : lastT, labels, attrs, line: lineNo, lines: [{ line: lineNo, text: line }] };
          }
          return;
        }
        if (rest.includes('KVM internal error')) {
          noteCrash('kvm-internal-error', lineNo, line);
          const sub = /Suberror: (\d+)/.exec(rest);
          if (sub?.[1] !== undefined && crash) (crash as PendingCrash).suberror ??= Number(sub[1]);
          return;
        }
        if (rest.includes('Assertion') && rest.includes('failed')) {
          noteCrash('assertion', lineNo, line);
          return;
        }
        if (rest.includes('bort') && /(?:^|\s)Aborted(?:\s|$)|\babort\(\)/.test(rest)) {
          noteCrash('abort', lineNo, line);
          return;
        }
        if (rest.includes('igration') && /load of migration failed|migration (?:failed|was cancelled|aborted)/i.test(rest)) {
          sink.event({ type: 'vm-migrate', timeBase: 'utc', t: st ? st.t : lastT, labels, attrs: { domain, status: 'failed' }, line: lineNo, lines: [{ line: lineNo, text: line }] });
          return;
        }
        if (startError !== null && !st && startError.line === lineNo - 1 && line.startsWith('Is another process using the image')) {
          // QEMU's lock error names the image on the line after it (block/file-posix.c raw_check_lock_bytes)
          startError.message = `${startError.message} ${line.length > 300 ? line.slice(0, 300) : line}`;
          startError.more = { line: lineNo, text: lastLine.text };
          return;
        }
        if (startError === null) {
          const message = errorMessage(rest);
          if (message !== null) startError = { line: lineNo, text: lastLine.text, message: message.length > 500 ? message.slice(0, 500) : message };
        }
        if (crash && crash.lines.length < CRASH_LINES_MAX && !st && !isMachineState(line)) crash.lines.push({ line: lineNo, text: line });
      },
      end(): void {
        finishCmdline();
        flushCrash();
        flushSignalStop();
        if (running) {
          // normal for a guest still up at collection; the timeline pairs it with virsh list to tell a silent death
          sink.event({
            type: 'vm-log-ends-running',
            timeBase: 'utc',
            t: lastT,
            labels,
            attrs: { domain, lastLine: lastLine.text, startLine },
            line: lastLine.line,
            lines: [lastLine],
          });
        }
      },
    };
  },
};
