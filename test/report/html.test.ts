import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { hostileModel, loadModel } from './helpers.js';

/** Any tag that carries an event-handler attribute, or a script element. */
const ACTIVE = /<script|<[^>]*\son[a-z]+\s*=/i;

describe('renderHtml', () => {
  it('escapes hostile process names, log lines, host names and rule text', async () => {
    const html = await renderHtml(hostileModel());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(ACTIVE);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).not.toMatch(/<img/i);
    // the hostile text is still shown, as text
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('is one standalone file: no script, no external resource, inline SVG charts', async () => {
    const html = await renderHtml(loadModel('leak-swap-oom'));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#)/i);
    expect(html).not.toMatch(/\ssrc=/i);
    // links to references are fine; nothing else may name a URL
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    const refs = loadModel('leak-swap-oom').report.findings.flatMap((f) => f.references);
    for (const u of urls) expect(refs).toContain(u);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(10);
    expect(html).toContain("'Noto Sans CJK SC', 'Noto Sans', 'DejaVu Sans', sans-serif");
  });

  it('has the sections of a great report, as h1 headings for the PDF outline', async () => {
    const html = await renderHtml(loadModel('leak-swap-oom'));
    for (const id of ['summary', 'findings', 'charts', 'postmortem', 'checks', 'coverage', 'diagnostics']) {
      expect(html).toMatch(new RegExp(`<h1 id="${id}">`));
    }
    expect(html).toContain('id="timeline"');
    expect(html).toContain('Cap java with a cgroup memory limit while the leak is fixed');
    expect(html).toContain('sos_commands/kernel/dmesg:1954');
    expect(html).toContain('@page { size: A4;');
    expect(html).toContain('thead { display: table-header-group; }');
  });

  it('renders remediation Markdown (code blocks) from rule text', async () => {
    const html = await renderHtml(loadModel('leak-swap-oom'));
    expect(html).toContain('<pre><code>systemctl set-property orders.service MemoryHigh=10G MemoryMax=12G');
  });

  it('still shows what was checked and what data was missing for an empty bundle', async () => {
    const html = await renderHtml(loadModel('healthy'));
    expect(html).toContain('What was checked');
    expect(html).toContain('What the data could not show');
    expect(html).toContain('needs sar -q or vmstat');
    expect(html).toContain('No finding was raised');
    expect(html).toContain('@page { size: Letter;');
  });
});
