import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectorySource } from '../../src/bundle/directory.js';
import { about, ingest, snapshot, tempDir } from './helpers.js';

describe('hostile directory bundles', () => {
  it('never follows symlinks out of the tree, reports them and link loops, and writes nothing', async () => {
    const parent = await tempDir();
    const secret = path.join(parent, 'secret');
    await mkdir(secret);
    await writeFile(path.join(secret, 'meminfo'), 'MemTotal:       999999999 kB\n');
    const b = path.join(parent, 'bundle');
    await mkdir(path.join(b, 'sos_commands/host'), { recursive: true });
    await mkdir(path.join(b, 'proc'));
    await writeFile(path.join(b, 'sos_commands/host/hostname'), 'web01\n');
    await symlink(path.join(secret, 'meminfo'), path.join(b, 'proc/meminfo'));
    await symlink('../../secret', path.join(b, 'sos_commands/escape'));
    await symlink('/etc', path.join(b, 'etc'));
    await symlink('loop-b', path.join(b, 'loop-a'));
    await symlink('loop-a', path.join(b, 'loop-b'));
    await symlink('sos_commands/host/hostname', path.join(b, 'hostname'));
    execFileSync('mkfifo', [path.join(b, 'sos_commands/kernel-dmesg-fifo')]);
    await symlink('sos_commands/kernel-dmesg-fifo', path.join(b, 'fifo-link'));
    const before = await snapshot(parent);
    const r = await ingest(new DirectorySource(b));
    expect(r.files).toEqual(['sos_commands/host/hostname']);
    expect(JSON.stringify(r.store.facts)).not.toContain('999999999');
    expect(about(r.diagnostics, 'proc/meminfo')[0]?.message).toMatch(/outside the bundle .*not followed/);
    expect(about(r.diagnostics, 'sos_commands/escape')[0]?.message).toMatch(/outside the bundle/);
    expect(about(r.diagnostics, 'etc')[0]?.message).toMatch(/outside the bundle \(\/etc\)/);
    expect(about(r.diagnostics, 'loop-a')[0]?.message).toMatch(/link loop/);
    expect(about(r.diagnostics, 'sos_commands/kernel-dmesg-fifo')[0]?.message).toMatch(/special file/);
    expect(about(r.diagnostics, 'hostname')).toEqual([]);
    expect(await snapshot(parent)).toEqual(before);
  });

  it('stops at the depth cap and the entry cap with a diagnostic', async () => {
    const b = await tempDir();
    let deep = b;
    for (let i = 0; i < 70; i++) deep = path.join(deep, 'd');
    await mkdir(deep, { recursive: true });
    const r = await ingest(new DirectorySource(b));
    expect(r.diagnostics.filter((d) => d.message === 'nested deeper than 64 levels: not read')).toHaveLength(1);
    for (let i = 0; i < 50; i++) await writeFile(path.join(b, `f${i}`), '');
    const capped = await ingest(new DirectorySource(b, { maxEntries: 20 }));
    expect(capped.diagnostics.map((d) => d.message)).toContain('more than 20 entries: the rest were not read');
  });

  it('reads files up to the total cap, then reports the file that would pass it and reads nothing after', async () => {
    const b = await tempDir();
    await mkdir(path.join(b, 'proc'));
    await mkdir(path.join(b, 'sos_commands/kernel'), { recursive: true });
    await writeFile(path.join(b, 'proc/meminfo'), 'MemTotal:       16384 kB\n');
    await writeFile(path.join(b, 'sos_commands/kernel/dmesg'), '[    1.000000] Linux version 6.1.0\n'.repeat(100));
    const r = await ingest(new DirectorySource(b, { maxTotalBytes: 1000 }));
    expect(r.files).toEqual(['proc/meminfo']);
    expect(about(r.diagnostics, 'sos_commands/kernel/dmesg')[0]?.message).toMatch(/would pass the 1000 B total cap .*not read, nor any file after it/);
  });
});
