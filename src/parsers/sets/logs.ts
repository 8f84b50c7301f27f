import type { SourceParser } from '../types.js';
import { dmesg } from '../dmesg.js';
import { journal } from '../journal.js';
import { pmap } from '../pmap.js';
import { rasdaemon } from '../rasdaemon.js';
import { ps } from '../ps.js';
import { syslog } from '../syslog.js';

/**
 * Kernel logs and process snapshots. Sniff order: pmap and ps have distinctive
 * headers; journal before syslog because journalctl text also looks like syslog;
 * dmesg before syslog so "[ seconds]" files are not taken for syslog.
 */
export const LOG_PARSERS: readonly SourceParser[] = [pmap, ps, dmesg, journal, syslog, rasdaemon];
/** the name this set was first declared under */
export const LOGS_PARSERS: readonly SourceParser[] = LOG_PARSERS;
