// lsblk(8): https://man7.org/linux/man-pages/man8/lsblk.8.html
// sos runs several variants (sos/report/plugins/block.py): the default tree,
// `-f -a -l`, `-t`, `-D`, and on newer sos `-O -P` (KEY="value" pairs). Device
// mapper nodes show their mapped name (rhel-root) in NAME; their kernel name
// is dm-<minor>, which is what /proc/diskstats, iostat and sar -p use.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

/** Columns lsblk always fills; a blank column (FSTYPE, MOUNTPOINT…) shifts the split fields after it. */
const ALWAYS_FILLED = new Set(['NAME', 'KNAME', 'MAJ:MIN', 'RM', 'SIZE', 'RO', 'TYPE', 'ALIGNMENT', 'MIN-IO', 'OPT-IO', 'PHY-SEC', 'LOG-SEC', 'ROTA', 'RA', 'DISC-ALN', 'DISC-GRAN', 'DISC-MAX', 'DISC-ZERO']);
const DM_TYPES = new Set(['lvm', 'crypt', 'mpath', 'dm', 'vdo', 'multipath']);
const TREE_CHARS = new Set([' ', '|', '`', '-', '\u251c', '\u2514', '\u2502', '\u2500']);

function stripTree(name: string): string {
  let i = 0;
  while (i < name.length && TREE_CHARS.has(name[i] ?? '')) i++;
  return name.slice(i);
}

/** KEY="value" pairs of `lsblk -P`. */
function pairs(line: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < line.length) {
    const eq = line.indexOf('="', i);
    if (eq < 0) break;
    const key = line.slice(i, eq).trim();
    const close = line.indexOf('"', eq + 2);
    if (close < 0) break;
    out.set(key, line.slice(eq + 2, close));
    i = close + 1;
  }
  return out;
}

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let trusted: string[] | null = null;
  const seen = new Set<string>();
  let rows = 0;

  function emit(name: string, majMin: string | undefined, type: string | undefined, kname: string | undefined, lineNo: number): void {
    rows++;
    if (majMin === undefined) return;
    const parts = majMin.split(':');
    const [maj, min] = parts;
    if (parts.length !== 2 || !/^\d+$/.test(maj ?? '') || !/^\d+$/.test(min ?? '')) {
      sink.diagnostic(lineNo, 'warning', `MAJ:MIN "${majMin}" is not major:minor`);
      return;
    }
    const dev = `dev${maj}-${min}`;
    // A multipath or shared PV appears once per parent in the tree: state each device once.
    if (seen.has(dev)) return;
    seen.add(dev);
    const isDm = kname !== undefined ? kname.startsWith('dm-') : type !== undefined && DM_TYPES.has(type);
    const kernelName = kname ?? (isDm ? `dm-${min}` : name);
    sink.fact('block.devName', kernelName, lineNo, { dev });
    if (isDm && name !== kernelName) sink.fact('block.lvName', name, lineNo, { device: kernelName });
  }

  return {
    push(line, lineNo) {
      if (line.trim() === '') return;
      if (line.includes('="')) {
        const p = pairs(line);
        const name = p.get('NAME');
        if (name === undefined) {
          sink.diagnostic(lineNo, 'warning', 'lsblk -P row without NAME');
          return;
        }
        emit(name, p.get('MAJ:MIN') ?? p.get('MAJ_MIN'), p.get('TYPE'), p.get('KNAME'), lineNo);
        return;
      }
      const f = fields(line);
      if (trusted === null) {
        if (f[0] !== 'NAME') {
          sink.diagnostic(lineNo, 'warning', 'expected the lsblk header (NAME ...)');
          return;
        }
        trusted = [];
        for (const h of f) {
          if (!ALWAYS_FILLED.has(h)) break;
          trusted.push(h);
        }
        return;
      }
      const name = stripTree(f[0] ?? '');
      if (name === '') {
        sink.diagnostic(lineNo, 'warning', 'row without a device name');
        return;
      }
      const col = (h: string): string | undefined => {
        const i = trusted?.indexOf(h) ?? -1;
        return i < 0 ? undefined : f[i];
      };
      emit(name, col('MAJ:MIN'), col('TYPE'), col('KNAME'), lineNo);
    },
    end() {
      sink.format('lsblk');
      if (rows === 0) sink.diagnostic(undefined, 'warning', 'no lsblk rows found');
    },
  };
}

export const lsblkParser: SourceParser = {
  id: 'lsblk',
  title: 'lsblk',
  paths: [/^sos_commands\/block\/lsblk(_[^/]*)?$/],
  sniff(head) {
    return /^NAME +MAJ:MIN +RM +SIZE/.test(head) || head.startsWith('NAME="');
  },
  create,
};
