import { readFileSync, writeFileSync } from 'node:fs';
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { mdCode, mdEscape, mdFence, renderMarkdown } from '../../src/report/markdown.js';
import { hostileKvmModel, hostileModel, loadModel, XSS_SCRIPT } from './helpers.js';

/** Every row of every GFM table has as many cells as its header: a stray pipe would shift the columns. */
function expectTablesIntact(md: string): number {
  const cells = (line: string): number => line.split(/(?<!\\)\|/).length;
  let tables = 0;
  let header: number | null = null;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      header = null;
      continue;
    }
    if (header === null) {
      header = cells(line);
      tables++;
    } else expect(cells(line), line).toBe(header);
  }
  return tables;
}

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
    // the OOM kill is 09:42:17Z; Berlin is +01:00 in March before DST (the finding stands for its kill event in the postmortem's timeline)
    expect(renderMarkdown(loadModel('leak-swap-oom'))).toContain('| 2024-03-14 10:42:17 | The kernel OOM killer killed java (pid 4242) |');
  });

  it('ranks findings by score and numbers their sections', () => {
    const md = renderMarkdown(loadModel('leak-swap-oom'));
    expect(md.indexOf('## 1. java (pid 4242) leaks memory')).toBeGreaterThan(0);
    expect(md.indexOf('## 2. The kernel OOM killer killed java (pid 4242)')).toBeGreaterThan(md.indexOf('## 1. '));
    expect(md).toContain('| P1 | Cap java with a cgroup memory limit while the leak is fixed | java (pid 4242) leaks memory | TBD | within 1 day of this report |');
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
    expect(expectTablesIntact(md)).toBeGreaterThanOrEqual(8);
  });

  it('escapes hostile guest names, disk targets and NUMA node names in the KVM section', () => {
    const md = renderMarkdown(hostileKvmModel());
    expect(expectTablesIntact(md)).toBeGreaterThanOrEqual(10);
    // what a Markdown viewer (GitHub, an editor preview) makes of it: raw HTML would pass through, code spans do not
    const html = new Marked({ gfm: true, async: false }).parse(md, { async: false });
    expect(html).not.toMatch(/<script|<img|<[^>]*\son[a-z]+\s*=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).toContain(`- \`${XSS_SCRIPT}\`: disk vd\\|"\\>\\<img src=x onerror=alert(1)\\> cache=unsafe\\\` io=\\*x\\*: `);
    expect(md).toContain('``vd\\|"><img src=x onerror=alert(1)> (<script>alert(1)</script>) cache=unsafe` io=*x*``');
    expect(md).toContain('| \\|a\\|b\\| |');
    // a javascript: source is shown as text, never as a link
    expect(md).toContain('| javascript:alert(1) |');
  });
});

describe('renderMarkdown on a KVM host', () => {
  const md = renderMarkdown(loadModel('kvm-numa'));

  it('lists every guest with its pinning, numatune, hugepages, disks and balloon', () => {
    expect(md).toContain('## Virtual machines (KVM)');
    expect(md).toContain('| `web-01` | running | 4 | 8 GiB | 4 of 4 vCPUs pinned → node 0<br>emulator `0-1` | strict 0 | yes (1 GiB) | `vda (virtio) cache=none io=native` | none |');
    expect(md).toContain('| `batch-01` | shut off | 4 | 16 GiB | not pinned | none | no | `sda (sata) cache=default io=default` | virtio |');
  });

  it('maps vCPUs to host CPUs and nodes, collapsing runs so a 64-vCPU guest takes two rows', () => {
    expect(md).toContain('| `db-02` | `0-7` | 16-23 | 1 |');
    expect(md).toContain('| `hpc-64` | `0-15,32-47` | 0-15 | 0 |');
    expect(md).toContain('| `hpc-64` | `16-31,48-63` | 16-31 | 1 |');
    expect(md).toContain('| `batch-01` | `0-3` | any (not pinned) | any of 0,1 |');
  });

  it('states overcommit against RHEL guidance, as guidance', () => {
    expect(md).toContain('| vCPUs per host CPU | 80 vCPUs / 32 CPUs = 2.5:1 (2.38:1 for the 3 running) | up to 5:1 while load stays below 100% | within guidance; host CPU busy peaked at 37% |');
    expect(md).toContain('| vCPUs per physical core | 80 vCPUs / 16 cores = 5:1 | never more than 10 per core | within guidance |');
    expect(md).toContain('RHEL virtualization tuning guide');
  });

  it('flags placement and disk settings as observations, not findings', () => {
    expect(md).toContain('- `db-02`: memory bound to node 0 but vCPUs pinned to node 1: every access is remote.');
    expect(md).toContain('- `db-02`: 94% of its memory (30 GiB) sits outside node 1 where its vCPUs run.');
    // unpinned and unbound: one line, not two
    expect(md).toContain('- `batch-01`: neither vCPUs pinned nor \\<numatune\\> on a 2-node host');
    expect(md.match(/^- `batch-01`: /gm)).toHaveLength(2);
    expect(md).toMatch(/- `db-02`: disk vdb cache=writeback io=threads: /);
    // web-01 is pinned, bound and on cache=none/io=native: nothing to say
    expect(md).not.toMatch(/^- `web-01`/m);
  });

  it('shows memory per node per guest and NUMA locality against the 90% and 60% lines', () => {
    expect(md).toContain('| `db-02` | 30 GiB | 1.9 GiB | 31.9 GiB | 94% |');
    expect(md).toContain('| 1 | 71.2% | 912345678 | 301234567 | below 90% |');
  });

  it('lists thresholds grouped by rule with their sources, and the collection gaps', () => {
    expect(md).toContain('| `numa-cross-node` | `minLocalityPct` | 90% | Below 90% local');
    expect(md).toContain('|  | `severeLocalityPct` | 60% |');
    expect(md).toContain('| 2024-03-14 03:10:00 | 2024-03-14 04:20:00 | 1 h 10 min |');
  });

  it('gives a due date relative to the report from the priority', () => {
    expect(md).toContain('| P2 | Bind db-02 memory to the node its vCPUs run on | NUMA node 1: 29% of allocations served from another node | TBD | within 1 week |');
  });

  it('has no KVM section for a host without guests', () => {
    expect(renderMarkdown(loadModel('leak-swap-oom'))).not.toContain('Virtual machines (KVM)');
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
