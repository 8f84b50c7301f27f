// /proc/diskstats: https://docs.kernel.org/admin-guide/iostats.html
// major minor name + 11 counters (4.18 adds 4 discard fields, 5.5 adds 2 flush
// fields); partitions on kernels before 2.6.25 have only 4 counters.
// Counters are cumulative since boot. sar names devices dev<major>-<minor>;
// this file is the authority that maps those to kernel names (dev253-0 → dm-0).
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

const COUNTERS = [
  'readsCompleted', 'readsMerged', 'sectorsRead', 'readMs',
  'writesCompleted', 'writesMerged', 'sectorsWritten', 'writeMs',
  'inFlight', 'ioMs', 'weightedIoMs',
  'discardsCompleted', 'discardsMerged', 'sectorsDiscarded', 'discardMs',
  'flushesCompleted', 'flushMs',
];
const OLD_PARTITION = ['readsCompleted', 'sectorsRead', 'writesCompleted', 'sectorsWritten'];

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let rows = 0;
  return {
    push(line, lineNo) {
      const f = fields(line);
      if (f.length === 0) return;
      const [maj, min, device] = f;
      const n = f.length - 3;
      if (device === undefined || !/^\d+$/.test(maj ?? '') || !/^\d+$/.test(min ?? '') || (n !== 4 && n < 11)) {
        sink.diagnostic(lineNo, 'warning', 'not a /proc/diskstats row');
        return;
      }
      rows++;
      sink.fact('block.devName', device, lineNo, { dev: `dev${maj}-${min}` });
      const names = n === 4 ? OLD_PARTITION : COUNTERS;
      for (let i = 0; i < names.length && i < n; i++) {
        const v = Number(f[i + 3]);
        if (Number.isFinite(v)) sink.fact(`diskstats.${names[i] ?? i}`, v, lineNo, { device });
      }
    },
    end() {
      sink.format('proc/diskstats');
      if (rows === 0) sink.diagnostic(undefined, 'warning', 'no diskstats rows found');
    },
  };
}

export const diskstatsParser: SourceParser = {
  id: 'diskstats',
  title: '/proc/diskstats',
  paths: [/^proc\/diskstats$/],
  sniff(head) {
    const first = fields(head.split('\n', 1)[0] ?? '');
    return first.length >= 14 && /^\d+$/.test(first[0] ?? '') && /^\d+$/.test(first[1] ?? '') && /^[a-z]/.test(first[2] ?? '');
  },
  create,
};
