import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectorySource } from '../../src/bundle/directory.js';
import { about, ingest, tempDir } from './helpers.js';

// A real /proc/meminfo (RHEL 7.3), long enough that one stray NUL is a crash mid-write, not binary.
const MEMINFO = readFileSync(path.join(import.meta.dirname, '../fixtures/meminfo/rhel7.3_3.10_meminfo.txt'), 'utf8');

async function bundleWith(files: Record<string, string | Buffer>): Promise<string> {
  const b = await tempDir();
  for (const [rel, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(b, rel)), { recursive: true });
    await writeFile(path.join(b, rel), body);
  }
  return b;
}

function memTotal(r: Awaited<ReturnType<typeof ingest>>): unknown {
  return JSON.stringify([...r.store.rawSeries()].filter((s) => s.metric.includes('mem')).map((s) => s.v)) + JSON.stringify(r.store.facts.filter((f) => /mem/i.test(f.name)).map((f) => f.value));
}

describe('text robustness', () => {
  const variants: [string, Buffer][] = [
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MEMINFO, 'utf16le')])],
    ['UTF-16LE without BOM', Buffer.from(MEMINFO, 'utf16le')],
    ['UTF-16BE with BOM', Buffer.from(Buffer.from(`\ufeff${MEMINFO}`, 'utf16le').swap16())],
    ['CRLF line ends', Buffer.from(MEMINFO.replaceAll('\n', '\r\n'))],
    ['invalid UTF-8 and a stray NUL', Buffer.concat([Buffer.from('Junk: \xff\xfe\xc3 kB\n', 'latin1'), Buffer.from(MEMINFO.replace('MemFree', 'Mem\0Free'))])],
    ['a last line cut mid-way', Buffer.from(`${MEMINFO}MemTo`)],
  ];
  it.each(variants)('reads proc/meminfo written as %s', async (_name, body) => {
    const r = await ingest(new DirectorySource(await bundleWith({ 'proc/meminfo': body })));
    expect(r.files).toEqual(['proc/meminfo']);
    expect(memTotal(r)).toContain('1014976');
    expect(about(r.diagnostics, 'proc/meminfo').filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('detects a binary sysstat file where the text sar report is expected, and does not parse it', async () => {
    // sysstat's binary header: magic 0xd596, format version, then mostly zero-padded structs.
    const sa = Buffer.alloc(4096);
    sa.writeUInt16LE(0xd596, 0);
    sa.write('Linux 5.14', 40, 'latin1');
    const r = await ingest(new DirectorySource(await bundleWith({ 'sos_commands/sar/sar20': sa, 'var/log/sa/sa20': sa, 'var/log/sa/sa21': sa })));
    expect(about(r.diagnostics, 'sos_commands/sar/sar20').map((d) => d.message)).toContain('binary content (NUL bytes) where text was expected; not parsed');
    expect([...r.store.rawSeries()]).toEqual([]);
    expect(about(r.diagnostics, 'var/log/sa')[0]?.message).toMatch(/^2 binary sysstat files \(saDD\) not parsed/);
  });
});
