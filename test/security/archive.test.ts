import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveSource, type Compression } from '../../src/bundle/archive.js';
import { about, gz, HOSTNAME_FILE, ingest, makeTar, snapshot, tempDir, TOP, viaProgram, xz, type TarEntry } from './helpers.js';

const HOST_INNER = 'sos_commands/host/hostname';
const base: TarEntry[] = [
  { header: { name: `${TOP}/`, type: 'directory' } },
  { header: { name: HOSTNAME_FILE }, body: 'web01.example.com\n' },
];

/** Writes the tar (compressed as asked) beside a sentinel dir and reads it back as the tool does. */
async function run(entries: TarEntry[], compression: Compression = 'xz', patch?: (tar: Buffer) => Buffer) {
  // A private sandbox: the bundle sits one level down, so anything escaping it would land in the snapshot.
  const parent = await tempDir();
  await mkdir(path.join(parent, 'in'));
  let tar = await makeTar(entries);
  if (patch) tar = patch(tar);
  const data = compression === 'xz' ? xz(tar) : compression === 'gzip' ? gz(tar) : compression === 'bzip2' || compression === 'zstd' ? viaProgram(compression, tar) : tar;
  const file = path.join(parent, 'in', `bundle.tar${{ xz: '.xz', gzip: '.gz', bzip2: '.bz2', zstd: '.zst', none: '' }[compression]}`);
  await writeFile(file, data);
  const before = await snapshot(parent);
  const result = await ingest(new ArchiveSource(file, compression));
  const after = await snapshot(parent);
  return { ...result, before, after };
}

/** Recomputes a ustar header checksum after its bytes were edited. */
function fixChecksum(tar: Buffer, offset: number): void {
  tar.fill(0x20, offset + 148, offset + 156);
  let sum = 0;
  for (let i = offset; i < offset + 512; i++) sum += tar[i] as number;
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, offset + 148, 'latin1');
}

describe('hostile archive entries', () => {
  it.each<Compression>(['xz', 'gzip', 'bzip2', 'zstd', 'none'])('ignores ../ and absolute entry paths with a diagnostic each (%s), writes nothing', async (c) => {
    const r = await run([...base, { header: { name: '../../etc/cron.d/evil' }, body: 'x' }, { header: { name: '/etc/passwd' }, body: 'root:x:0:0' }, { header: { name: `${TOP}/../../escape` }, body: 'x' }], c);
    expect(r.files).toEqual([HOST_INNER]);
    const leaves = r.diagnostics.filter((d) => d.message.includes('leaves the bundle root'));
    expect(leaves.map((d) => d.source).sort()).toEqual(['../../etc/cron.d/evil', '/etc/passwd', `${TOP}/../../escape`].sort());
    expect(r.after).toEqual(r.before);
  });

  it('reports symlinks and hard links out of the bundle and link loops, following none', async () => {
    const r = await run([
      ...base,
      { header: { name: `${TOP}/etc/shadow-link`, type: 'symlink', linkname: '/etc/shadow' } },
      { header: { name: `${TOP}/up`, type: 'symlink', linkname: '../../../../root/.ssh/id_rsa' } },
      { header: { name: `${TOP}/loop-a`, type: 'symlink', linkname: 'loop-b' } },
      { header: { name: `${TOP}/loop-b`, type: 'symlink', linkname: 'loop-a' } },
      { header: { name: `${TOP}/self`, type: 'symlink', linkname: './self' } },
      { header: { name: `${TOP}/hard-out`, type: 'link', linkname: '../../etc/passwd' } },
      { header: { name: `${TOP}/hard-self`, type: 'link', linkname: `${TOP}/hard-self` } },
      { header: { name: `${TOP}/hostname`, type: 'symlink', linkname: HOST_INNER } },
      // A hostname link that resolves outside must not be parsed as the hostname either.
      { header: { name: `${TOP}/sos_commands/kernel/dmesg`, type: 'symlink', linkname: '/var/log/dmesg' } },
    ]);
    expect(r.files).toEqual([HOST_INNER]);
    expect(about(r.diagnostics, 'etc/shadow-link')[0]?.message).toMatch(/outside the bundle \(\/etc\/shadow\): not followed/);
    expect(about(r.diagnostics, 'up')[0]?.message).toMatch(/outside the bundle/);
    expect(about(r.diagnostics, 'loop-a')[0]?.message).toMatch(/link loop/);
    expect(about(r.diagnostics, 'loop-b')[0]?.message).toMatch(/link loop/);
    expect(about(r.diagnostics, 'self')[0]?.message).toMatch(/link loop/);
    expect(about(r.diagnostics, 'hard-out')[0]?.message).toMatch(/hard link points outside/);
    expect(about(r.diagnostics, 'hard-self')[0]?.message).toMatch(/hard link to itself/);
    expect(about(r.diagnostics, 'sos_commands/kernel/dmesg')[0]?.message).toMatch(/outside the bundle/);
    // The ordinary top-level link of a sosreport is no problem.
    expect(about(r.diagnostics, 'hostname')).toEqual([]);
    expect(r.after).toEqual(r.before);
  });

  it('ignores device and FIFO entries with a warning', async () => {
    const r = await run([
      ...base,
      { header: { name: `${TOP}/dev/sda`, type: 'block-device', devmajor: 8, devminor: 0 } },
      { header: { name: `${TOP}/dev/mem`, type: 'character-device', devmajor: 1, devminor: 1 } },
      { header: { name: `${TOP}/sos_commands/kernel/dmesg`, type: 'fifo' } },
    ]);
    expect(r.files).toEqual([HOST_INNER]);
    for (const p of ['dev/sda', 'dev/mem', 'sos_commands/kernel/dmesg']) expect(about(r.diagnostics, p)[0]).toMatchObject({ severity: 'warning', message: expect.stringMatching(/special entry/) });
  });

  it('reads a duplicated entry once and says so', async () => {
    const r = await run([...base, { header: { name: HOSTNAME_FILE }, body: 'attacker.example.com\n' }]);
    expect(r.files).toEqual([HOST_INNER]);
    expect(about(r.diagnostics, HOST_INNER)[0]?.message).toMatch(/duplicate entry/);
    expect(JSON.stringify(r.store.facts)).toContain('web01.example.com');
    expect(JSON.stringify(r.store.facts)).not.toContain('attacker');
  });

  it('skips a PAX name far past any real path, keeps names that are merely long', async () => {
    const long = `${TOP}/${'d/'.repeat(3000)}sos_commands/host/hostname`;
    const fine = `${TOP}/${'x'.repeat(250)}/notes.txt`;
    const r = await run([...base, { header: { name: long }, body: 'evil\n' }, { header: { name: fine }, body: 'ok\n' }]);
    expect(r.files).toEqual([HOST_INNER]);
    const capped = r.diagnostics.filter((d) => d.message.includes('characters (cap 4096)'));
    expect(capped).toHaveLength(1);
    expect(capped[0]?.source.length).toBeLessThan(200);
    expect(r.diagnostics.filter((d) => d.source.startsWith('x'))).toEqual([]);
  });

  it('skips an entry nested past the depth cap', async () => {
    const deep = `${TOP}/${'a/'.repeat(70)}f`;
    const r = await run([...base, { header: { name: deep }, body: 'x' }]);
    expect(r.diagnostics.some((d) => d.message.includes('nested deeper than 64 levels'))).toBe(true);
  });

  it('shows names with control characters or latin1 bytes printable, with a warning', async () => {
    const latin = `${TOP}/sos_commands/host/caf\u00e9`;
    const r = await run([...base, { header: { name: `${TOP}/evil\nname\u001b[31m` }, body: 'x' }, { header: { name: latin }, body: 'x' }], 'none', (tar) => {
      // Re-encode é as the single latin1 byte it would be on a legacy system (plus a pad byte).
      const at = tar.indexOf(Buffer.from('caf\u00e9', 'utf8'));
      tar[at + 3] = 0xe9;
      tar[at + 4] = 0xe9;
      fixChecksum(tar, at - (at % 512));
      return tar;
    });
    const ctl = r.diagnostics.find((d) => d.message.includes('control characters'));
    expect(ctl?.source).toBe('evil?name?[31m');
    const bad = r.diagnostics.find((d) => d.message.includes('not valid UTF-8'));
    expect(bad?.source).toMatch(/^sos_commands\/host\/caf\ufffd/);
    // eslint-disable-next-line no-control-regex
    for (const d of r.diagnostics) expect(d.source).not.toMatch(/[\u0000-\u001f]/);
  });
});
