// Daemons whose own lines in the syslog or the journal say something of the host's state, read by the
// syslog and journal parsers beside the kernel's lines (an explicit registry: each name is also a needle
// of their line filter, so that no other daemon's lines cost a string).
import { KdumpToolsLog } from './kdump-tools-log.js';
import { QemuGaLog } from './qemu-ga-log.js';
import type { LogStamp } from './syslog.js';
import type { RecordSink } from './types.js';

/** One daemon's lines: its program name as the syslog tag gives it, and what it makes of each line. */
export interface ProgramLog {
  readonly program: string;
  push(message: string, lineNo: number, line: string, stamp: () => LogStamp): void;
}

/** The program names below, for the line filter. */
export const PROGRAM_LOG_NAMES: readonly string[] = ['kdump-tools', 'qemu-ga'];

/** A fresh reader of each daemon's lines, for one file. */
export function programLogs(sink: RecordSink): ProgramLog[] {
  return [new KdumpToolsLog(sink), new QemuGaLog(sink)];
}
