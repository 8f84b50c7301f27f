import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectorySource } from '../../src/bundle/directory.js';
import { EvidenceText, ingestBundle } from '../../src/bundle/ingest.js';
import { RecordStore } from '../../src/timeline/store.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const root = await mkdtemp(path.join(tmpdir(), 'sosmortem-sartwin-'));
afterAll(() => rm(root, { recursive: true, force: true }));

async function bundle(name: string, files: Record<string, string | { fixture: string }>): Promise<RecordStore> {
  const dir = path.join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    const at = path.join(dir, rel);
    await mkdir(path.dirname(at), { recursive: true });
    if (typeof content === 'string') await writeFile(at, content);
    else await copyFile(path.join(FIXTURES, content.fixture), at);
  }
  const source = new DirectorySource(dir);
  const store = new RecordStore();
  await ingestBundle(source, store, new EvidenceText(source, new Map()));
  return store;
}

const XML = { fixture: 'sar-xml/sysstat-12.7.6_sadf-x.xml' };
const TEXT = { fixture: 'sar/sysstat-12.0.0_sar-A_C-locale.txt' };

describe('sar text beside its sadf -x XML twin', () => {
  it('is not parsed once the XML of the same day has been read', async () => {
    const store = await bundle('twin', { 'sos_commands/sar/sa20.xml': XML, 'sos_commands/sar/sar20': TEXT, 'sos_commands/sar/sar21': TEXT });
    const parsed = store.files.map((f) => `${f.parser}:${f.path}`);
    expect(parsed).toContain('sar-xml:sos_commands/sar/sa20.xml');
    expect(parsed).not.toContain('sar:sos_commands/sar/sar20');
    // Another day has no XML: its text is read.
    expect(parsed).toContain('sar:sos_commands/sar/sar21');
    expect(store.diagnostics.find((d) => d.source === 'sos_commands/sar/sar20')?.message).toMatch(/sadf -x XML beside it/);
  });

  it('is parsed when the XML gave nothing (unreadable) or sits in another directory', async () => {
    const store = await bundle('broken-xml', { 'sos_commands/sar/sa20.xml': '<?xml version="1.0"?><sysstat><broken', 'sos_commands/sar/sar20': TEXT, 'var/log/sa/sar21': TEXT, 'sos_commands/sar/sa21.xml': XML });
    const parsed = store.files.map((f) => `${f.parser}:${f.path}`);
    expect(parsed).toContain('sar:sos_commands/sar/sar20');
    expect(parsed).toContain('sar:var/log/sa/sar21');
  });
});
