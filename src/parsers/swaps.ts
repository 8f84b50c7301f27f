// /proc/swaps: https://man7.org/linux/man-pages/man5/proc_swaps.5.html (mm/swapfile.c swap_show()).
// Sizes in KiB. The kernel escapes blanks in the file name (\040), so columns split safely.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let header = false;
  let size = 0;
  let used = 0;
  let devices = 0;
  // zram: swap kept compressed in RAM (Fedora's default since 33), where a swapped page costs CPU, not a disk wait
  let zram = 0;
  let zramLine = 0;
  return {
    push(line, lineNo) {
      const f = fields(line);
      if (f.length === 0) return;
      if (f[0] === 'Filename') {
        header = true;
        return;
      }
      const [device, type, sizeTok, usedTok, prioTok] = f;
      const s = Number(sizeTok);
      const u = Number(usedTok);
      if (device === undefined || type === undefined || f.length !== 5 || !Number.isFinite(s) || !Number.isFinite(u)) {
        sink.diagnostic(lineNo, 'warning', 'not a /proc/swaps row');
        return;
      }
      devices++;
      if (/^\/dev\/zram\d+$/.test(device) && zram++ === 0) zramLine = lineNo;
      size += s;
      used += u;
      sink.fact('swaps.type', type, lineNo, { device });
      sink.fact('swaps.sizeKiB', s, lineNo, { device });
      sink.fact('swaps.usedKiB', u, lineNo, { device });
      const p = Number(prioTok);
      if (Number.isFinite(p)) sink.fact('swaps.priority', p, lineNo, { device });
    },
    end() {
      sink.format('proc/swaps');
      if (!header) sink.diagnostic(undefined, 'warning', 'no "Filename Type Size Used Priority" header');
      // Zero devices is a real answer (no swap configured), so totals are always stated.
      if (header) {
        sink.fact('swaps.devices', devices, 1);
        // stated only when there is one, at its line: a rule that asks quotes the zram device, and a host without
        // one gives nothing to quote
        if (zram > 0) sink.fact('swaps.zramDevices', zram, zramLine);
        sink.fact('swaps.totalSizeKiB', size, 1);
        sink.fact('swaps.totalUsedKiB', used, 1);
      }
    },
  };
}

export const swapsParser: SourceParser = {
  id: 'swaps',
  title: '/proc/swaps',
  paths: [/^proc\/swaps$/],
  sniff(head) {
    return /^Filename\s+Type\s+Size\s+Used\s+Priority/.test(head);
  },
  create,
};
