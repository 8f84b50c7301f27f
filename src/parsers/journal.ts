/**
 * journalctl text output collected by sos: sos_commands/logs/journalctl_--no-pager*
 * (including "--boot", "--catalog_--boot", "--boot_-k"). Output modes per
 * journalctl(1) https://www.freedesktop.org/software/systemd/man/latest/journalctl.html#-o
 *   short          "Nov 23 10:49:13 host kernel: msg"       (no year)
 *   short-precise  "Nov 23 10:49:13.123456 host kernel: msg"
 *   short-iso      "2026-11-23T10:49:13+0100 host kernel: msg"
 *   short-full     "Mon 2026-11-23 10:49:13 CET host kernel: msg"
 * plus "-- Boot 3f2a… --", "-- Logs begin at … --", "-- No entries --" separators
 * and indented continuation lines of multi-line messages. Kernel lines feed
 * the kernel-event scanner; everything else is left to other parsers.
 */
import { programLogs } from './program-logs.js';
import { KernelEventScanner } from './kernel-events.js';
import { KERNEL_LINE_FILTER, KernelLineFeeder } from './syslog.js';
import type { LineParser, SourceParser } from './types.js';

export const journal: SourceParser = {
  id: 'journal',
  title: 'systemd journal (journalctl text)',
  paths: [
    /^sos_commands\/(?:logs|kernel)\/journalctl_--no-pager[^/]*$/,
    /^sos_strings\/(?:logs|kernel)\/journalctl_--no-pager[^/]*\.tailed$/,
  ],
  sniff(head: string): boolean {
    return head.startsWith('-- Logs begin at ') || head.startsWith('-- Journal begins at ') || head.startsWith('-- Boot ');
  },
  // Separators ("-- Boot …") and non-kernel lines are read for nothing but the format and the no-stamp warning, both settled by the head.
  lineFilter: KERNEL_LINE_FILTER,
  create(_ctx, sink): LineParser {
    const feeder = new KernelLineFeeder(new KernelEventScanner(sink), programLogs(sink));
    let lines = 0;
    let formatTold = false;
    return {
      push(line: string, lineNo: number): void {
        if (line.length === 0) return;
        // Boot separators need no event of their own: each boot's "Linux version" line gives one.
        if (line.startsWith('-- ')) return;
        lines++;
        if (feeder.push(line, lineNo) && !formatTold) {
          formatTold = true;
          const c0 = line.charCodeAt(0);
          sink.format(c0 >= 48 && c0 <= 57 ? 'journalctl -o short-iso' : line.charCodeAt(15) === 46 ? 'journalctl -o short-precise' : 'journalctl -o short');
        }
      },
      end(): void {
        feeder.scanner.end();
        if (lines > 0 && feeder.parsed === 0) sink.diagnostic(undefined, 'warning', 'no journal line has a time stamp in a known journalctl output mode; nothing was read');
      },
      filterReady: () => feeder.parsed > 0,
    };
  },
};
