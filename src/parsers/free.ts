// free(1) (procps-ng): https://man7.org/linux/man-pages/man1/free.1.html
// procps >= 3.3.10 prints "total used free shared buff/cache available";
// older ones "total used free shared buffers cached" plus a "-/+ buffers/cache:" row.
// The unit is chosen on the command line, so it comes from the file name
// (free, free_-m, free_-g, free_-h, ...); -h writes a unit per value.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { symlinkStandIn } from './util.js';
import { fields } from './util.js';

const COLUMN: Record<string, string> = {
  total: 'Total',
  used: 'Used',
  free: 'Free',
  shared: 'Shared',
  'buff/cache': 'BuffCache',
  buffers: 'Buffers',
  cache: 'Cache',
  cached: 'Cached',
  available: 'Available',
};

const ROW: Record<string, string> = { 'Mem:': 'mem', 'Swap:': 'swap', 'Low:': 'low', 'High:': 'high', 'Total:': 'total' };

type Unit = { kind: 'scale'; kib: number } | { kind: 'human' };

function unitFromPath(path: string): Unit {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const opts = base.split('_').slice(1).join(' ');
  if (/(^| )(-h|--human)\b/.test(opts)) return { kind: 'human' };
  if (/(^| )(-b|--bytes)\b/.test(opts)) return { kind: 'scale', kib: 1 / 1024 };
  if (/(^| )(-m|--mebi)\b/.test(opts)) return { kind: 'scale', kib: 1024 };
  if (/(^| )(-g|--gibi)\b/.test(opts)) return { kind: 'scale', kib: 1024 * 1024 };
  if (/(^| )--tebi\b/.test(opts)) return { kind: 'scale', kib: 1024 ** 3 };
  return { kind: 'scale', kib: 1 };
}

/** "15Gi", "1.2G", "512M", "0B" → KiB; procps -h uses binary units whatever the suffix spelling. */
export function humanToKiB(tok: string): number {
  const m = /^(\d+(?:[.,]\d+)?)([BKMGTP]?)i?$/.exec(tok);
  if (!m) return NaN;
  const v = Number((m[1] ?? '').replace(',', '.'));
  const pow: Record<string, number> = { B: -1, '': -1, K: 0, M: 1, G: 2, T: 3, P: 4 };
  const p = pow[m[2] ?? ''] ?? 0;
  return v * 1024 ** p;
}

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const unit = unitFromPath(ctx.path);
  let cols: string[] | null = null;
  let rows = 0;
  let standIn = false;
  return {
    push(line, lineNo) {
      if (lineNo === 1 && symlinkStandIn(line) !== null) {
        standIn = true;
        sink.diagnostic(lineNo, 'info', `stand-in for a symlink to ${line.trim()}; the target is read instead`);
        return;
      }
      if (standIn) return;
      const f = fields(line);
      if (f.length === 0) return;
      if (cols === null) {
        if (f[0] !== 'total') {
          sink.diagnostic(lineNo, 'warning', 'expected the free header (total used free ...)');
          return;
        }
        cols = f;
        return;
      }
      const row = ROW[f[0] ?? ''];
      if (row === undefined) {
        // "-/+ buffers/cache:" is derived from the Mem row; nothing new in it.
        if (!(f[0] ?? '').startsWith('-/+')) sink.diagnostic(lineNo, 'warning', 'unknown free row');
        return;
      }
      rows++;
      for (let i = 1; i < f.length && i - 1 < cols.length; i++) {
        const col = COLUMN[cols[i - 1] ?? ''];
        if (col === undefined) continue;
        const tok = f[i] ?? '';
        const kib = unit.kind === 'human' ? humanToKiB(tok) : Number(tok) * unit.kib;
        if (!Number.isFinite(kib)) {
          sink.diagnostic(lineNo, 'warning', `unreadable value "${tok}"`);
          continue;
        }
        sink.fact(`free.${row}${col}KiB`, Math.round(kib), lineNo);
      }
    },
    end() {
      sink.format(unit.kind === 'human' ? 'free -h' : unit.kib === 1 ? 'free (KiB)' : `free (x${unit.kib} KiB)`);
      if (rows === 0 && !standIn) sink.diagnostic(undefined, 'warning', 'no Mem:/Swap: rows found');
    },
  };
}

export const freeParser: SourceParser = {
  id: 'free',
  title: 'free',
  paths: [/^sos_commands\/memory\/free(_[^/]*)?$/, /^free$/],
  sniff(head) {
    return /^ +total +used +free +shared/.test(head) && head.includes('\nMem:');
  },
  create,
};
