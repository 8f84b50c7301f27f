// `df -al -x autofs` and `df -ali -x autofs` (sos's filesys plugin): each filesystem's blocks in KiB (df's
// default 1K-blocks) or inodes, and how full it is. GNU coreutils df.c: without -P a device name too long
// for its column used to push the numbers onto the next line (coreutils before 8.11, RHEL 6), so a row of
// one field is joined with the next. The mount point is the rest of the line (it may hold blanks); "-" is
// a pseudo filesystem's "no figure" and gives no fact.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { fields } from './util.js';

function create(_ctx: ParseContext, sink: RecordSink): LineParser {
  let mode: 'blocks' | 'inodes' | null = null;
  let rows = 0;
  // a device name alone on its line: its numbers follow on the next
  let held: { name: string; lineNo: number } | null = null;
  return {
    push(line, lineNo) {
      const f = fields(line);
      if (f.length === 0) return;
      if (f[0] === 'Filesystem') {
        mode = f[1] === 'Inodes' ? 'inodes' : /^(?:1K|1024)-blocks$/.test(f[1] ?? '') ? 'blocks' : null;
        if (mode === null) sink.diagnostic(lineNo, 'warning', `df header with ${f[1] ?? 'nothing'} where 1K-blocks or Inodes was expected: rows not read`);
        return;
      }
      if (mode === null) return;
      let cols = f;
      let at = lineNo;
      if (held !== null) {
        cols = [held.name, ...f];
        at = held.lineNo;
        held = null;
      } else if (f.length === 1) {
        held = { name: f[0] as string, lineNo };
        return;
      }
      if (cols.length < 6) {
        sink.diagnostic(lineNo, 'warning', 'not a df row (filesystem, size, used, available, use%, mount point)');
        return;
      }
      const [source, sizeTok, usedTok, availTok, pctTok] = cols as [string, string, string, string, string];
      const mount = cols.slice(5).join(' ');
      const num = (t: string): number | null => (/^\d+$/.test(t) ? Number(t) : null);
      const size = num(sizeTok);
      const used = num(usedTok);
      const avail = num(availTok);
      const pct = /^(\d+)%$/.exec(pctTok);
      rows++;
      // pseudo filesystems (proc, sysfs, cgroup) print "0" or "-" everywhere: nothing to say of them
      if (size === null || size === 0) return;
      const labels = { mount };
      if (mode === 'blocks') {
        sink.fact('fs.source', source, at, labels);
        sink.fact('fs.sizeKiB', size, at, labels);
        if (used !== null) sink.fact('fs.usedKiB', used, at, labels);
        if (avail !== null) sink.fact('fs.availKiB', avail, at, labels);
        if (pct) sink.fact('fs.usedPct', Number(pct[1]), at, labels);
      } else {
        sink.fact('fs.inodes', size, at, labels);
        if (avail !== null) sink.fact('fs.inodesFree', avail, at, labels);
        if (pct) sink.fact('fs.inodesUsedPct', Number(pct[1]), at, labels);
      }
    },
    end() {
      sink.format(mode === 'inodes' ? 'df -i' : 'df');
      if (mode === null) sink.diagnostic(undefined, 'warning', 'no "Filesystem 1K-blocks …" or "Filesystem Inodes …" header: not df output');
      else if (rows === 0) sink.diagnostic(undefined, 'info', 'df lists no filesystem');
    },
  };
}

export const dfParser: SourceParser = {
  id: 'df',
  title: 'filesystem space and inodes (df -al, df -ali)',
  paths: [/^sos_commands\/filesys\/df_-ali?(?:_-x_autofs)?$/],
  sniff(head) {
    return /^Filesystem +(?:1K-blocks|1024-blocks|Inodes) +(?:Used|IUsed) /.test(head);
  },
  create,
};
