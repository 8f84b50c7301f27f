import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { lsblkParser } from '../../src/parsers/lsblk.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('lsblk', 'pbench-fedora27-dhcp31-44/sos_commands/block/lsblk');

// Synthetic, in the documented layouts of lsblk(8): UTF-8 tree and -P pairs.
const UTF8 = ['NAME          MAJ:MIN RM  SIZE RO TYPE MOUNTPOINT', 'sda             8:0    0  100G  0 disk ', '└─sda2          8:2    0   99G  0 part ', '  ├─rhel-root 253:0    0   50G  0 lvm  /', '  └─rhel-home 253:2    0   49G  0 lvm  /home'].join('\n');
const PAIRS = 'NAME="mpatha" KNAME="dm-3" MAJ:MIN="253:3" TYPE="mpath"\nNAME="sdb" KNAME="sdb" MAJ:MIN="8:16" TYPE="disk"\n';
const LIST_F = 'NAME        FSTYPE      LABEL UUID                                   MOUNTPOINT\nvda\nvda1        xfs               5d1c7a7e-8a0b-4b2e-9d0e-3a6f7c1b2d3e   /boot\n';

describe('lsblk', () => {
  it('maps the pbench LVM volumes to dm-N and names them', () => {
    const c = parseText(lsblkParser, PBENCH, { path: 'sos_commands/block/lsblk' });
    expect(fact(c, 'block.lvName', { device: 'dm-0' })).toBe('fedora-root');
    expect(fact(c, 'block.lvName', { device: 'dm-1' })).toBe('fedora-swap');
    expect(fact(c, 'block.devName', { dev: 'dev253-1' })).toBe('dm-1');
    expect(fact(c, 'block.devName', { dev: 'dev252-2' })).toBe('vda2');
    expect(c.diagnostics).toEqual([]);
  });

  it('strips UTF-8 tree glyphs', () => {
    const c = parseText(lsblkParser, UTF8, { path: 'sos_commands/block/lsblk' });
    expect(fact(c, 'block.lvName', { device: 'dm-2' })).toBe('rhel-home');
    expect(fact(c, 'block.devName', { dev: 'dev8-2' })).toBe('sda2');
  });

  it('trusts KNAME in -P output', () => {
    const c = parseText(lsblkParser, PAIRS, { path: 'sos_commands/block/lsblk_-O_-P' });
    expect(fact(c, 'block.lvName', { device: 'dm-3' })).toBe('mpatha');
    expect(fact(c, 'block.devName', { dev: 'dev8-16' })).toBe('sdb');
  });

  it('reads nothing it cannot place from lsblk -f -a -l (no MAJ:MIN)', () => {
    const c = parseText(lsblkParser, LIST_F, { path: 'sos_commands/block/lsblk_-f_-a_-l' });
    expect(c.facts).toEqual([]);
    expect(c.diagnostics).toEqual([]);
  });

  it('never throws on random or damaged input', () => {
    fuzz(lsblkParser, [PBENCH, UTF8, PAIRS, LIST_F], 'sos_commands/block/lsblk');
  });
});
