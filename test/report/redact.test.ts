import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { redactModel } from '../../src/report/redact.js';
import { loadModel } from './helpers.js';

describe('redactModel', () => {
  const model = loadModel('leak-swap-oom');
  const red = redactModel(model);
  const text = JSON.stringify(red);

  it('replaces the host name and its short form everywhere with one placeholder', () => {
    expect(red.report.bundle.hostname).toBe('host-1');
    expect(text).not.toContain('db-prod-07');
    expect(red.report.bundle.path).toBe('sosreport-host-1-2024-03-14-abcdef.tar.xz');
    expect(text).toContain('09:58:02 host-1 orders[4242]');
  });

  it('replaces IP addresses, users from labels and /home paths, and domain names', () => {
    expect(text).not.toMatch(/10\.20\.30\.40|appuser|example\.com/);
    expect(text).toContain('--server.address=ip-1');
    expect(text).toContain('/home/user-1/orders');
    const rss = red.series.find((s) => s.metric === 'proc.rssKiB');
    expect(rss?.labels['user']).toBe('user-1');
  });

  it('leaves times, versions, Java packages and reference URLs alone', () => {
    expect(text).toContain('09:40:01 AM');
    expect(text).toContain('5.14.0-362.18.1.el9_3.x86_64');
    expect(text).toContain('c.e.o.cache.OrderCache');
    expect(red.report.findings[0]?.references).toEqual(model.report.findings[0]?.references);
    expect(red.options.redact).toBe(true);
  });

  it('recognises IPv6 but not clock times or MAC addresses', () => {
    const m = loadModel('healthy');
    m.report.diagnostics.push({ source: 'x', severity: 'info', message: 'peer fe80::1ff:fe23:4567:890a at 10:42:17 mac 52:54:00:12:34:56 via 2001:db8:0:0:0:0:2:1' });
    const msg = redactModel(m).report.diagnostics.at(-1)?.message;
    expect(msg).toBe('peer ip-1 at 10:42:17 mac 52:54:00:12:34:56 via ip-2');
  });

  it('does not change the input and renders', () => {
    expect(model.report.bundle.hostname).toBe('db-prod-07.example.com');
    expect(renderMarkdown(red)).toContain('# sosmortem report: host-1');
  });

  it('leaves rule thresholds (reasons and source links) alone', () => {
    expect(red.thresholds).toEqual(model.thresholds);
    expect(text).toContain('https://netflixtechblog.com/linux-performance-analysis-in-60-000-milliseconds-accc10403c55');
  });
});
