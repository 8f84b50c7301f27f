import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { hostileKvmModel, hostileModel, loadModel } from './helpers.js';

/** Any tag that carries an event-handler attribute, or a script element. */
const ACTIVE = /<script|<[^>]*\son[a-z]+\s*=/i;

/**
 * Quoted attribute values blanked: an escaped hostile string inside one
 * (Vega's aria-label) is text, not an attribute. Every other quote in the
 * output is escaped as &quot;, so a raw quote can only delimit a value.
 */
function tagsOnly(html: string): string {
  return html.replace(/"[^"]*"/g, '""');
}

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

  it('escapes hostile guest names, disk targets, node CPU lists and threshold sources in the KVM section', async () => {
    const html = await renderHtml(hostileKvmModel());
    expect(html).toContain('id="kvm"');
    expect(html).not.toMatch(/<script/i);
    expect(tagsOnly(html)).not.toMatch(ACTIVE);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('<td class="mono">&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html).toContain('vd|&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; (&lt;script&gt;alert(1)&lt;/script&gt;) cache&#x3D;unsafe&#x60; io&#x3D;*x*<br>');
  });

  it('renders the KVM section: overcommit, inventory, observations, CPU map and memory per node', async () => {
    const html = await renderHtml(loadModel('kvm-numa'));
    for (const id of ['kvm', 'kvm-overcommit', 'kvm-guests', 'kvm-observations', 'kvm-cpu-map', 'kvm-memory']) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/<h1 id="kvm">Virtual machines \(KVM\)<\/h1>/);
    expect(html).toContain('<span class="status oc-ok">within guidance; host CPU busy peaked at 37%</span>');
    expect(html).toContain('Guidance, not a hard limit: RHEL virtualization tuning guide.');
    expect(html).toContain('<code>db-02</code>: memory bound to node 0 but vCPUs pinned to node 1: every access is remote.');
    expect(html).toContain('<td class="mono">hpc-64</td><td class="mono">16-31,48-63</td><td class="mono">16-31</td><td>1</td>');
    expect(html).toContain('Guest memory per host NUMA node');
    expect(html).toContain('NUMA locality per node');
    // the KVM section sits before the postmortem
    expect(html.indexOf('id="kvm"')).toBeLessThan(html.indexOf('id="postmortem"'));
  });

  it('lists thresholds grouped by rule, collection gaps, and due dates from priority', async () => {
    const html = await renderHtml(loadModel('leak-swap-oom'));
    expect(html).toContain('<h1 id="thresholds">Thresholds with sources</h1>');
    expect((html.match(/<tbody class="th-group">/g) ?? []).length).toBe(4);
    expect(html).toContain('<td class="mono" rowspan="2">io-saturation</td>');
    expect(html).toContain('<a href="https://netflixtechblog.com/linux-performance-analysis-in-60-000-milliseconds-accc10403c55">');
    expect(html).toContain('<td class="time">2024-03-14 03:10:00</td><td class="time">2024-03-14 04:20:00</td><td>1 h 10 min</td>');
    expect(html).toContain('<td class="small due">within 1 day of this report</td>');
    expect(html).not.toContain('id="kvm"');
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
