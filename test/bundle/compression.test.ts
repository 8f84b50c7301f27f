/**
 * The archives a bundle may come as beside sos's .tar.xz and .tar.gz: .tar.bz2 (sos 3 and the
 * sosreport of RHEL 5 and 6 could write it) and .tar.zst, decoded by the system's programs; and a
 * file named as an archive that is none, which must be refused with the reason, not read as a
 * loose attachment. The bz2 and zst fixtures are the same tar as sosmortem-libvirt-qemu-segfault.tar.xz.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { sniffArchive } from '../../src/bundle/archive.js';
import { InputError } from '../../src/bundle/ingest.js';

const fx = (name: string): string => path.resolve(import.meta.dirname, '../fixtures/sosreport-archives', name);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('bzip2 and zstd archives', () => {
  it('are told by their first bytes, whatever their name', async () => {
    expect(await sniffArchive(fx('sosmortem-libvirt-qemu-segfault.tar.bz2'))).toBe('bzip2');
    expect(await sniffArchive(fx('sosmortem-libvirt-qemu-segfault.tar.zst'))).toBe('zstd');
  });

  it('give the same findings as the .tar.xz of the same tar', async () => {
    const titles = async (name: string): Promise<string[]> => (await analyze([fx(name)])).model.report.findings.map((f) => f.title);
    const expected = await titles('sosmortem-libvirt-qemu-segfault.tar.xz');
    expect(expected).toHaveLength(2);
    expect(await titles('sosmortem-libvirt-qemu-segfault.tar.bz2')).toEqual(expected);
    expect(await titles('sosmortem-libvirt-qemu-segfault.tar.zst')).toEqual(expected);
  });
});

describe('a file named as an archive that is none', () => {
  it('is refused with its first bytes, or as empty, instead of read as an attachment', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-compression-'));
    dirs.push(dir);
    const junk = path.join(dir, 'sosreport-web01-2026-12-07-abcdefg.tar.xz');
    await writeFile(junk, Buffer.from('<html>404 Not Found</html>\n'));
    const empty = path.join(dir, 'sosreport-web02.tgz');
    await writeFile(empty, '');
    const refusal = async (file: string): Promise<string> => {
      const err = await analyze([file]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      return (err as InputError).message;
    };
    expect(await refusal(junk)).toBe(
      `${junk} is named as an archive but does not start as one (first bytes: 3c 68 74 6d 6c 3e 34 30): a truncated download, a failed copy, or not a sosreport`,
    );
    expect(await refusal(empty)).toBe(`${empty} is empty: named as an archive, it holds nothing`);
  });
});
