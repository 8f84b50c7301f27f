// The mounted filesystems: /proc/mounts (proc(5): "device mountpoint type options dump pass", spaces
// and other characters in paths written as octal escapes such as \040), and `mount -l`, which sos's
// filesys plugin runs ("/dev/vda1 on / type ext4 (rw,relatime) [root]", mount(8)). Each mount point
// gets its type and options; a filesystem the kernel remounted read-only after errors shows "ro".
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

/** "\040" → " ", as the kernel escapes space, tab, newline and backslash in /proc/mounts (and fstab(5) asks of its file). */
export function unescapeOctal(s: string): string {
  return s.includes('\\') ? s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))) : s;
}

const MOUNT_L = /^(\S+) on (.+?) type (\S+) \(([^)]*)\)/;

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const fromMountCommand = ctx.path.endsWith('mount_-l');
  let mounts = 0;
  let unread = 0;
  return {
    push(line, lineNo) {
      if (line.trim() === '') return;
      let source: string;
      let mount: string;
      let type: string;
      let options: string;
      if (fromMountCommand) {
        const m = MOUNT_L.exec(line);
        if (!m) {
          unread++;
          return;
        }
        [, source = '', mount = '', type = '', options = ''] = m;
      } else {
        const f = line.trim().split(/\s+/);
        if (f.length < 4) {
          unread++;
          return;
        }
        source = unescapeOctal(f[0] ?? '');
        mount = unescapeOctal(f[1] ?? '');
        type = f[2] ?? '';
        options = f[3] ?? '';
      }
      if (!mount.startsWith('/') || !/^[\w.+-]+$/.test(type)) {
        unread++;
        return;
      }
      mounts++;
      sink.fact('mount.fsType', type, lineNo, { mount });
      sink.fact('mount.options', options, lineNo, { mount });
      sink.fact('mount.source', source, lineNo, { mount });
      // the name the kernel's messages give the device ("loop0", "sdb1"), for a block device mounted by its path
      if (/^\/dev\/[\w.-]+$/.test(source)) sink.fact('mount.device', source.slice('/dev/'.length), lineNo, { mount });
    },
    end() {
      sink.format(fromMountCommand ? 'mount -l' : 'proc/mounts');
      if (unread > 0) sink.diagnostic(undefined, 'warning', `${unread} line(s) are not mount entries`);
      if (mounts === 0) sink.diagnostic(undefined, 'info', 'no mounted filesystem listed');
    },
  };
}

export const mountsParser: SourceParser = {
  id: 'mounts',
  title: 'mounted filesystems (/proc/mounts, mount -l)',
  paths: [/^proc\/mounts$/, /^sos_commands\/filesys\/mount_-l$/],
  sniff() {
    return false;
  },
  create,
};
