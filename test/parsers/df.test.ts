/**
 * df as sos's filesys plugin runs it: the real output of this project's build machine (Debian 12,
 * coreutils 9.1; SOURCES-system.md), and the wrapped row of an old df (coreutils before 8.11, RHEL 6)
 * whose device name did not fit its column.
 */
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { dfParser } from '../../src/parsers/df.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const BLOCKS = fixture('df', 'debian12_df_-al_-x_autofs.txt');
const INODES = fixture('df', 'debian12_df_-ali_-x_autofs.txt');

describe('df', () => {
  it('reads each real filesystem by its mount point, and nothing of the pseudo ones', () => {
    const c = parseText(dfParser, BLOCKS, { path: 'sos_commands/filesys/df_-al_-x_autofs' });
    expect(fact(c, 'fs.usedPct', { mount: '/var/lib/libvirt/images/small' })).toBe(100);
    expect(fact(c, 'fs.availKiB', { mount: '/var/lib/libvirt/images/small' })).toBe(44);
    expect(fact(c, 'fs.sizeKiB', { mount: '/var/lib/libvirt/images/small' })).toBe(117203);
    expect(fact(c, 'fs.source', { mount: '/var/lib/libvirt/images/small' })).toBe('/dev/loop0');
    expect(fact(c, 'fs.usedPct', { mount: '/' })).toBe(31);
    // proc, sysfs, cgroup: zero blocks, no facts
    expect(c.facts.some((f) => f.labels['mount'] === '/proc' || f.labels['mount'] === '/sys/fs/cgroup/memory')).toBe(false);
    expect(c.diagnostics).toEqual([]);
  });

  it('reads inodes from df -i', () => {
    const c = parseText(dfParser, INODES, { path: 'sos_commands/filesys/df_-ali_-x_autofs' });
    expect(fact(c, 'fs.inodes', { mount: '/' })).toBe(16777216);
    expect(fact(c, 'fs.inodesFree', { mount: '/' })).toBe(15955481);
    expect(fact(c, 'fs.inodesUsedPct', { mount: '/' })).toBe(5);
    expect(c.facts.some((f) => f.name === 'fs.usedPct')).toBe(false);
  });

  it('joins a device name alone on its line with the numbers on the next, and keeps blanks in a mount point', () => {
    const text = [
      'Filesystem           1K-blocks      Used Available Use% Mounted on',
      '/dev/mapper/vg_rhel6-lv_root',
      '                      51606140  51606140         0 100% /',
      'nfs01:/export/vm     103081248     20480  97817568   1% /mnt/vm store',
      '',
    ].join('\n');
    const c = parseText(dfParser, text, { path: 'sos_commands/filesys/df_-al' });
    expect(fact(c, 'fs.usedPct', { mount: '/' })).toBe(100);
    expect(c.facts.find((f) => f.name === 'fs.source' && f.labels['mount'] === '/')).toMatchObject({ value: '/dev/mapper/vg_rhel6-lv_root', line: 2 });
    expect(fact(c, 'fs.availKiB', { mount: '/mnt/vm store' })).toBe(97817568);
    expect(c.diagnostics).toEqual([]);
  });

  it('says when a file is not df output', () => {
    const c = parseText(dfParser, 'df: /run/user/1000/doc: Operation not permitted\n', { path: 'sos_commands/filesys/df_-al_-x_autofs' });
    expect(c.diagnostics.map((d) => d.message)).toEqual(['no "Filesystem 1K-blocks …" or "Filesystem Inodes …" header: not df output']);
    fuzz(dfParser, [BLOCKS, INODES], 'sos_commands/filesys/df_-al_-x_autofs');
  });
});
