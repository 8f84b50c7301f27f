import type { SourceParser } from '../types.js';
import { iostat } from '../iostat.js';
import { sar } from '../sar.js';
import { sarXml } from '../sar-xml.js';
import { top } from '../top.js';
import { vmstat } from '../vmstat.js';

/** Time-series performance sources: sysstat (sar, sadf -x, iostat) and procps (vmstat, top). */
export const PERFORMANCE_PARSERS: readonly SourceParser[] = [sarXml, sar, iostat, vmstat, top];
