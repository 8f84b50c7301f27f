import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { snapshot, tempDir } from './helpers.js';

const SAMPLE = path.join(import.meta.dirname, '../../samples/leak-swap-oom/sosreport-db01-2026-11-20-kqzvbnd');
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const LINK = '[x](javascript:alert(1))';

/** Active content a browser would run: script elements, event handlers, javascript: URLs. */
function activeContent(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) if (/alert\(1\)/.test(m[1] ?? '')) found.push(m[0]);
  for (const m of html.matchAll(/<[a-z][^>]*\son[a-z]+\s*=[^>]*>/gi)) found.push(m[0]);
  for (const m of html.matchAll(/\b(?:href|src)\s*=\s*["']?\s*javascript:/gi)) found.push(m[0]);
  return found;
}

async function hostileBundle(dir: string): Promise<string> {
  const b = path.join(dir, 'sosreport-evil');
  await cp(SAMPLE, b, { recursive: true });
  for (const rel of (await readdir(b, { recursive: true })).map(String)) {
    const f = path.join(b, rel);
    if (!(await stat(f)).isFile()) continue;
    const text = await readFile(f, 'utf8');
    if (text.includes('db01')) await writeFile(f, text.replaceAll('db01.example.com', SCRIPT).replaceAll('db01', SCRIPT));
  }
  const dmesg = path.join(b, 'sos_commands/kernel/dmesg');
  await writeFile(dmesg, (await readFile(dmesg, 'utf8')).replaceAll('java', IMG.replaceAll(' ', '_')));
  const ps = path.join(b, 'sos_commands/process/ps_auxwww');
  await writeFile(ps, (await readFile(ps, 'utf8')).replace('/usr/bin/postgres', LINK).replace('/usr/lib/systemd/systemd', SCRIPT));
  await mkdir(path.join(b, 'var/log/libvirt/qemu'), { recursive: true });
  await writeFile(path.join(b, 'var/log/libvirt/qemu', `${IMG} ${LINK}.log`), '2026-11-20 10:00:00.000+0000: shutting down, reason=crashed\n2026-11-20T10:00:00.000000Z qemu-kvm: terminating on signal 15 from pid 1 (<unknown process>)\n');
  return b;
}

describe('output safety', () => {
  it('renders hostile hostnames, process, OOM comm and domain names inert in HTML and Markdown', async () => {
    const dir = await tempDir();
    const bundle = await hostileBundle(dir);
    const out = path.join(dir, 'out');
    expect(await main(['node', 'sosmortem', 'analyze', bundle, '-o', out, '--format', 'html,md,json'])).toBe(0);
    const json = await readFile(path.join(out, 'report.json'), 'utf8');
    // The payloads did reach the report, so their absence below is escaping, not loss.
    expect(JSON.parse(json).bundle.hostname).toBe(SCRIPT);
    const html = await readFile(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(activeContent(html)).toEqual([]);
    const md = await readFile(path.join(out, 'report.md'), 'utf8');
    expect(md).not.toContain(SCRIPT);
    const mdAsHtml = await marked.parse(md);
    expect(activeContent(mdAsHtml)).toEqual([]);
  });

  it('refuses to overwrite a report without --force (exit 2, first report untouched)', async () => {
    const dir = await tempDir();
    const out = path.join(dir, 'out');
    expect(await main(['node', 'sosmortem', 'analyze', SAMPLE, '-o', out, '--format', 'json,md'])).toBe(0);
    const before = await snapshot(out);
    const first = await readFile(path.join(out, 'report.json'), 'utf8');
    expect(await main(['node', 'sosmortem', 'analyze', SAMPLE, '-o', out, '--format', 'json,md'])).toBe(2);
    expect(await snapshot(out)).toEqual(before);
    expect(await readFile(path.join(out, 'report.json'), 'utf8')).toBe(first);
    expect((await readdir(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await main(['node', 'sosmortem', 'analyze', SAMPLE, '-o', out, '--format', 'json,md', '--force'])).toBe(0);
  });
});
