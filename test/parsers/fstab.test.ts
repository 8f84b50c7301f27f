import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { fstabParser } from '../../src/parsers/fstab.js';
import { fuzz } from './system-helpers.js';

// fstab(5)'s format, in the shape of a RHEL 9 installer's file (UUIDs invented) and a space escaped as \040.
const FSTAB = [
  '#',
  '# /etc/fstab',
  '# Created by anaconda on Mon Nov 17 09:12:44 2025',
  '#',
  '/dev/mapper/rhel-root   /                       xfs     defaults        0 0',
  'UUID=3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f /boot   xfs     defaults        0 0',
  '/dev/mapper/rhel-swap   none                    swap    defaults        0 0',
  '//nas/share /mnt/team\\040share cifs credentials=/root/.cifs,_netdev 0 0',
  'tmpfs /tmp tmpfs',
  '',
].join('\n');

describe('fstab', () => {
  it('reads each mount point with its type, options (defaults when left out) and source; swap mounts nothing', () => {
    const r = parseText(fstabParser, FSTAB, { path: 'etc/fstab' });
    expect(r.facts.filter((f) => f.name === 'fstab.options').map((f) => [f.labels['mount'], f.value, f.line])).toEqual([
      ['/', 'defaults', 5],
      ['/boot', 'defaults', 6],
      ['/mnt/team share', 'credentials=/root/.cifs,_netdev', 8],
      ['/tmp', 'defaults', 9],
    ]);
    expect(r.facts.find((f) => f.name === 'fstab.source' && f.labels['mount'] === '/boot')?.value).toBe('UUID=3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f');
    expect(r.diagnostics).toEqual([]);
    expect(parseText(fstabParser, '/dev/sda1 /\n', { path: 'etc/fstab' }).diagnostics.map((d) => [d.line, d.message])).toEqual([
      [1, 'not an fstab entry: fewer than three fields'],
      [undefined, 'no filesystem entry'],
    ]);
  });

  it('survives hostile input', () => {
    fuzz(fstabParser, [FSTAB], 'etc/fstab');
  });
});
