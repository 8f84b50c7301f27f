// Pressure stall information: https://docs.kernel.org/accounting/psi.html
// "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" (total in microseconds);
// the "full" line is absent for cpu before 5.13. The resource is the file name.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

const SUFFIX: Record<string, string> = { avg10: 'Avg10', avg60: 'Avg60', avg300: 'Avg300', total: 'TotalUs' };

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const resource = /(cpu|memory|io|irq)$/.exec(ctx.path)?.[1] ?? 'unknown';
  let rows = 0;
  return {
    push(line, lineNo) {
      const f = fields(line);
      const kind = f[0];
      if (kind === undefined) return;
      if (kind !== 'some' && kind !== 'full') {
        sink.diagnostic(lineNo, 'warning', 'not a "some|full avg10=..." line');
        return;
      }
      rows++;
      for (const kv of f.slice(1)) {
        const eq = kv.indexOf('=');
        const suffix = SUFFIX[kv.slice(0, eq)];
        const v = Number(kv.slice(eq + 1));
        if (eq < 0 || suffix === undefined || !Number.isFinite(v)) {
          sink.diagnostic(lineNo, 'warning', `unreadable field "${kv}"`);
          continue;
        }
        sink.fact(`pressure.${kind}${suffix}`, v, lineNo, { resource });
      }
    },
    end() {
      sink.format('pressure');
      if (rows === 0) sink.diagnostic(undefined, 'warning', 'no pressure lines found');
    },
  };
}

export const pressureParser: SourceParser = {
  id: 'pressure',
  title: '/proc/pressure/{cpu,memory,io}',
  paths: [/^proc\/pressure\/(cpu|memory|io|irq)$/],
  sniff(head) {
    return head.startsWith('some avg10=');
  },
  create,
};
