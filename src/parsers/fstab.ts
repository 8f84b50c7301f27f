// /etc/fstab (fstab(5)): "spec file vfstype mntops freq passno", spaces in paths as \040. sos's
// filesys plugin copies it. What a mount point is meant to be at boot: set against how it is mounted
// at collection (mounts.ts), a filesystem found read-only that fstab mounts read-write was remounted
// read-only since, by the kernel after an error or by hand.
import { unescapeOctal } from './mounts.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let entries = 0;
  return {
    push(line, lineNo) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) return;
      const f = t.split(/\s+/);
      if (f.length < 3) {
        sink.diagnostic(lineNo, 'warning', 'not an fstab entry: fewer than three fields');
        return;
      }
      const mount = unescapeOctal(f[1] ?? '');
      // swap and other entries without a mount point ("none", "swap") mount nothing
      if (!mount.startsWith('/')) return;
      entries++;
      sink.fact('fstab.fsType', f[2] ?? '', lineNo, { mount });
      sink.fact('fstab.options', f[3] ?? 'defaults', lineNo, { mount });
      sink.fact('fstab.source', unescapeOctal(f[0] ?? ''), lineNo, { mount });
    },
    end() {
      sink.format('fstab');
      if (entries === 0) sink.diagnostic(undefined, 'info', 'no filesystem entry');
    },
  };
}

export const fstabParser: SourceParser = {
  id: 'fstab',
  title: '/etc/fstab',
  paths: [/^etc\/fstab$/],
  sniff() {
    return false;
  },
  create,
};
