import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { mountsParser } from '../../src/parsers/mounts.js';
import { fuzz } from './system-helpers.js';

// Written in the documented formats (proc(5) for /proc/mounts, mount(8) for `mount -l`), in the shape
// of a RHEL 9 host on XFS with an ext4 data volume remounted read-only; no licensed capture was at hand.
const PROC_MOUNTS = [
  'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
  '/dev/mapper/rhel-root / xfs rw,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota 0 0',
  '/dev/vda1 /boot xfs rw,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota 0 0',
  '/dev/sdb1 /srv/backup\\040copies ext4 ro,relatime,errors=remount-ro 0 0',
  '',
].join('\n');
const MOUNT_L =
  '/dev/mapper/rhel-root on / type xfs (rw,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota)\n/dev/sdb1 on /srv/data type ext4 (rw,relatime) [data]\n';

describe('mounts', () => {
  it('reads each mount point of /proc/mounts with its type, options and source, spaces unescaped', () => {
    const r = parseText(mountsParser, PROC_MOUNTS, { path: 'proc/mounts' });
    expect(r.facts.filter((f) => f.name === 'mount.fsType').map((f) => [f.labels['mount'], f.value, f.line])).toEqual([
      ['/proc', 'proc', 1],
      ['/', 'xfs', 2],
      ['/boot', 'xfs', 3],
      ['/srv/backup copies', 'ext4', 4],
    ]);
    expect(r.facts.find((f) => f.name === 'mount.options' && f.labels['mount'] === '/srv/backup copies')?.value).toBe('ro,relatime,errors=remount-ro');
    expect(r.diagnostics).toEqual([]);
  });

  it("reads mount -l's lines, and says which lines are not mounts", () => {
    const r = parseText(mountsParser, `${MOUNT_L}mount: /proc: permission denied\n`, { path: 'sos_commands/filesys/mount_-l' });
    expect(r.facts.filter((f) => f.name === 'mount.fsType').map((f) => [f.labels['mount'], f.value])).toEqual([
      ['/', 'xfs'],
      ['/srv/data', 'ext4'],
    ]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['1 line(s) are not mount entries']);
  });

  it('survives hostile input', () => {
    fuzz(mountsParser, [PROC_MOUNTS], 'proc/mounts');
    fuzz(mountsParser, [MOUNT_L], 'sos_commands/filesys/mount_-l');
  });
});
