import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { ctimeText, deviceOfPath, dumpe2fsParser } from '../../src/parsers/dumpe2fs.js';
import { fuzz } from './system-helpers.js';

const HEAD = `dumpe2fs 1.47.0 (5-Feb-2023)
Filesystem volume name:   sosbad
Last mounted on:          /var/tmp/sosmortem-diskerr/mnt
Filesystem magic number:  0xEF53
Filesystem state:         clean with errors
Errors behavior:          Continue
FS Error count:           16
First error time:         Mon Dec  7 04:32:14 2026
First error function:     __ext4_get_inode_loc_noinmem
First error block #:      38
First error err:          EIO
Last error time:          Mon Dec  7 04:32:14 2026
`;

describe('dumpe2fs -h', () => {
  it('reads the superblock error fields of a real capture, the device from the file name', () => {
    const r = parseText(dumpe2fsParser, HEAD, { path: 'sos_commands/filesys/dumpe2fs_-h_.dev.loop0' });
    const f = new Map(r.facts.map((x) => [x.name, x]));
    expect(f.get('fs.errorCount')).toMatchObject({ value: 16, labels: { device: 'loop0' }, line: 7 });
    expect(f.get('fs.state')?.value).toBe('clean with errors');
    expect(f.get('fs.firstErrorTime')?.value).toBe('2026-12-07 04:32:14');
    expect(f.get('fs.firstErrorBlock')?.value).toBe(38);
    expect(r.diagnostics).toEqual([]);
    // first and last in the same second: one event, on the host's wall clock
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      type: 'fs-error-recorded',
      timeBase: 'local',
      t: Date.UTC(2026, 11, 7, 4, 32, 14),
      labels: { device: 'loop0' },
      line: 8,
    });
    expect(r.events[0]?.attrs).toEqual({ device: 'loop0', which: 'first and last', function: '__ext4_get_inode_loc_noinmem', block: 38, err: 'EIO' });
  });
  it('places a first and a last error apart as two events, each with its own details', () => {
    const text = HEAD.replace(
      'Last error time:          Mon Dec  7 04:32:14 2026',
      'Last error time:          Tue Dec  8 10:00:01 2026\nLast error function:      ext4_find_entry\nLast error err:           EUCLEAN',
    );
    const r = parseText(dumpe2fsParser, text, { path: 'sos_commands/filesys/dumpe2fs_-h_.dev.sda1' });
    expect(r.events.map((e) => [e.attrs['which'], e.t, e.attrs['function'], e.attrs['err']])).toEqual([
      ['first', Date.UTC(2026, 11, 7, 4, 32, 14), '__ext4_get_inode_loc_noinmem', 'EIO'],
      ['last', Date.UTC(2026, 11, 8, 10, 0, 1), 'ext4_find_entry', 'EUCLEAN'],
    ]);
  });
  it('stops at the group table of a full dump, and names devices below /dev/mapper', () => {
    const r = parseText(dumpe2fsParser, `${HEAD}\nGroup 0: (Blocks 0-32767) csum 0x1234\n  Primary superblock at 0\nFS Error count: 99\n`, {
      path: 'sos_commands/filesys/dumpe2fs__.dev.mapper.vg-root',
    });
    expect(r.facts.find((x) => x.name === 'fs.errorCount')).toMatchObject({ value: 16, labels: { device: 'mapper/vg-root' } });
    expect(deviceOfPath('sos_commands/filesys/dumpe2fs_-h_.dev.sda1')).toBe('sda1');
    expect(ctimeText('Thu Jan  1 00:00:00 1970')).toBe('1970-01-01 00:00:00');
    expect(ctimeText('n/a  here')).toBe('n/a here');
  });
  it('never throws on random or damaged input', () => {
    fuzz(dumpe2fsParser, [HEAD], 'sos_commands/filesys/dumpe2fs_-h_.dev.loop0');
  });
});
