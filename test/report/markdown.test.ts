import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mdCode, mdEscape, mdFence, renderMarkdown } from '../../src/report/markdown.js';
import { hostileModel, loadModel } from './helpers.js';

const GOLDEN = new URL('../fixtures/report/leak-swap-oom.golden.md', import.meta.url);

describe('renderMarkdown', () => {
  it('matches the golden report for the leak → swap thrash → OOM fixture (UPDATE_GOLDEN=1 rewrites it)', () => {
    const md = renderMarkdown(loadModel('leak-swap-oom'));
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, md);
    expect(md).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('is deterministic', () => {
    const m = loadModel('leak-swap-oom');
    expect(renderMarkdown(m)).toBe(renderMarkdown(structuredClone(m)));
  });

  it('states the causal chain and the impact window in the verdict', () => {
    const md = renderMarkdown(loadModel('leak-swap-oom'));
    expect(md).toContain('> **Verdict:** Main bottleneck: memory — java (pid 4242) leaks memory (memory-leak → swap-thrash → oom-kill)');
    expect(md).toContain('impact 2024-03-14 09:30:00 → 10:45:00 (1 h 15 min)');
  });

  it('shows times as wall clock in the bundle zone', () => {
    // the OOM kill is 09:42:17Z; Berlin is +01:00 in March before DST
    expect(renderMarkdown(loadModel('leak-swap-oom'))).toContain('| 2024-03-14 10:42:17 | OOM kill: java (pid 4242), anon-rss 14 GiB |');
  });

  it('ranks findings by score and numbers their sections', () => {
    const md = renderMarkdown(loadModel('leak-swap-oom'));
    expect(md.indexOf('## 1. java (pid 4242) leaks memory')).toBeGreaterThan(0);
    expect(md.indexOf('## 2. The kernel OOM killer killed java (pid 4242)')).toBeGreaterThan(md.indexOf('## 1. '));
    expect(md).toContain('| P1 | Cap java with a cgroup memory limit while the leak is fixed | java (pid 4242) leaks memory | TBD | TBD |');
  });

  it('renders the empty model with checks and missing data sections', () => {
    const md = renderMarkdown(loadModel('healthy'));
    expect(md).toContain('## What was checked');
    expect(md).toContain('### What the data could not show');
    expect(md).toContain('**CPU saturation** (no data): needs sar -q or vmstat');
    expect(md).toContain('No finding was raised.');
    expect(md).toContain('Nothing to write up');
  });

  it('escapes bundle strings so they cannot break tables or inject markup', () => {
    const md = renderMarkdown(hostileModel());
    expect(md).toContain('# sosmortem report: \\<script\\>alert(1)\\</script\\>');
    expect(md).not.toMatch(/^\| Host \| <script>/m);
    // every table row keeps its column count despite pipes in bundle strings
    for (const line of md.split('\n').filter((l) => l.startsWith('| Rule |'))) expect(line.split(/(?<!\\)\|/).length).toBe(6);
  });
});

describe('markdown escaping helpers', () => {
  it('escapes inline specials and block markers at line start', () => {
    expect(mdEscape('a|b *c* `d` [e](f) <g>')).toBe('a\\|b \\*c\\* \\`d\\` \\[e\\](f) \\<g\\>');
    expect(mdEscape('# not a heading')).toBe('\\# not a heading');
    expect(mdEscape('1. not a list')).toBe('1\\. not a list');
    expect(mdEscape('compact_stall _x_')).toBe('compact_stall \\_x\\_');
    expect(mdEscape('2024.03.1')).toBe('2024.03.1');
  });

  it('makes inline code and fences longer than any backtick run inside', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('x|y')).toBe('`x\\|y`');
    expect(mdFence('```\nrm -rf /\n```')).toBe('````\n```\nrm -rf /\n```\n````');
  });
});
