/**
 * Progress on stderr. A terminal gets one line redrawn in place (count, rate,
 * ETA, failures); anything else gets one JSON line per finished bundle, for a
 * log collector, or nothing with quiet.
 */
import type { BatchEvent } from './run.js';
import { problems } from './row.js';

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

function duration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const s = Math.round(sec);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressReporter(sink: ProgressSink, opts: { quiet: boolean; now?: () => number }): { onEvent: (e: BatchEvent) => void; end: () => void } {
  const now = opts.now ?? Date.now;
  const start = now();
  let failed = 0;
  let lastFailure = '';
  let drawn = false;
  return {
    onEvent(e) {
      if (opts.quiet) return;
      if (e.type === 'start') {
        if (sink.isTTY) sink.write(`sosmortem: ${e.total} bundles${e.skippedByShard ? ` in this shard (${e.skippedByShard} in others)` : ''}\n`);
        return;
      }
      if (e.row.status === 'error') {
        failed++;
        lastFailure = `${e.row.path}: ${e.row.error ?? ''}`;
      }
      if (!sink.isTTY) {
        const r = e.row;
        sink.write(`${JSON.stringify({ done: e.done, total: e.total, path: r.path, id: r.id, status: r.status, resumed: e.resumed, error: r.error, findings: problems(r.findings).length, ms: r.durationMs })}\n`);
        return;
      }
      const elapsedSec = (now() - start) / 1000;
      const rate = e.done / Math.max(elapsedSec, 0.001);
      const eta = (e.total - e.done) / rate;
      const fail = failed ? `  failed ${failed} (last: ${lastFailure.slice(0, 60)})` : '';
      sink.write(`\r\x1b[K[${e.done}/${e.total}] ${rate.toFixed(1)}/s  ETA ${duration(eta)}${fail}`);
      drawn = true;
    },
    end() {
      if (drawn) sink.write('\n');
    },
  };
}
