// What qemu-guest-agent logged in a guest: "info: guest-fsfreeze called" when the host froze the guest's
// filesystems through it (guest-fsfreeze-freeze: libvirt's virsh domfsfreeze, a snapshot with --quiesce,
// a backup tool). The agent stops logging while the filesystems are frozen (qga/commands-posix.c: "cannot
// risk guest agent blocking itself on a write") and logs nothing on the thaw, so its next line of any kind
// is the first sign it was thawed (a real capture: test/fixtures/journal/debian12-qemu-ga-freeze/).
import type { ProgramLog } from './program-logs.js';
import type { LogStamp } from './syslog.js';
import type { RecordSink } from './types.js';

export class QemuGaLog implements ProgramLog {
  readonly program = 'qemu-ga';
  private frozen = false;
  constructor(private readonly sink: RecordSink) {}

  push(message: string, lineNo: number, line: string, stamp: () => LogStamp): void {
    const freeze = message.includes('guest-fsfreeze called');
    if (!freeze && !this.frozen) return;
    const at = stamp();
    // any line of the agent after a freeze, the next freeze's included (a nightly backup's), shows it thawed
    if (this.frozen) this.emit('fs-thawed', at, lineNo, line);
    if (freeze) this.emit('fs-freeze', at, lineNo, line);
    this.frozen = freeze;
  }

  private emit(type: 'fs-freeze' | 'fs-thawed', at: LogStamp, lineNo: number, line: string): void {
    this.sink.event({ type, timeBase: at.timeBase, t: at.t, labels: {}, attrs: { by: 'qemu-ga' }, line: lineNo, lines: [{ line: lineNo, text: line }] });
  }
}
