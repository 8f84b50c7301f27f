/**
 * Guest checks apply to KVM hosts: on a bundle that shows no libvirt or QEMU they are not
 * applicable, which is not the same as a KVM host whose bundle lacks their data.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { diffFindings } from '../../src/batch/diff.js';
import { noDataRules, type DigestFinding } from '../../src/batch/row.js';
import { renderMarkdown } from '../../src/report/markdown.js';

const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-scope-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
async function checksOf(files: Record<string, string>) {
  const dir = path.join(work, `b${++n}`);
  for (const [rel, text] of Object.entries({ 'sos_commands/date/date': 'Mon Dec  7 18:31:27 UTC 2026\n', ...files })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  const { model } = await analyze([dir]);
  return { model, status: new Map(model.report.analysis.checks.map((c) => [c.rule, c.status])) };
}
const GUEST_CHECKS = ['numa-guest-unpinned', 'vm-crash', 'vm-frozen', 'vm-hugepages-short', 'vm-start-failed', 'vm-vanished'];

describe('checks scoped to KVM hosts', () => {
  it('do not apply to a bundle without libvirt or QEMU, and stay out of what the data could not show', async () => {
    const { model, status } = await checksOf({});
    expect(GUEST_CHECKS.map((r) => status.get(r))).toEqual(GUEST_CHECKS.map(() => 'not-applicable'));
    // host checks still say when they had no data
    expect(status.get('memory-pressure')).toBe('no-data');
    const md = renderMarkdown(model);
    const gaps = md.slice(md.indexOf('### What the data could not show'), md.indexOf('## Findings'));
    expect(gaps).not.toContain('Guests');
    expect(gaps).toContain('Memory pressure at collection');
    expect(md).toContain(', 6 not applicable.');
    // a later bundle that cannot check them is "unchecked" in a diff, not "vanished"
    expect(noDataRules(model.report)).toEqual(expect.arrayContaining(GUEST_CHECKS));
    const frozen: DigestFinding = {
      key: 'vm-frozen|domain=web01',
      rule: 'vm-frozen',
      class: 'vm-crash',
      severity: 'high',
      title: 'Guest web01 paused',
      score: 70,
      subject: { domain: 'web01' },
      metrics: {},
      actions: [],
    };
    expect(diffFindings([frozen], [], [], noDataRules(model.report)).map((c) => c.kind)).toEqual(['unchecked']);
  });

  it('ext superblock errors do not apply to a host whose mounts list no ext filesystem, and do when one is', async () => {
    const xfsOnly = 'proc /proc proc rw,relatime 0 0\n/dev/mapper/rhel-root / xfs rw,relatime,attr2,inode64 0 0\n';
    expect((await checksOf({ 'proc/mounts': xfsOnly })).status.get('fs-errors')).toBe('not-applicable');
    expect((await checksOf({ 'proc/mounts': `${xfsOnly}/dev/sdb1 /srv ext4 rw,relatime 0 0\n` })).status.get('fs-errors')).toBe('no-data');
    // without a list of mounts nothing says there is no ext filesystem
    expect((await checksOf({})).status.get('fs-errors')).toBe('no-data');
  });

  it('apply as soon as the bundle shows a guest: a QEMU process is enough, and the check then says which data it lacks', async () => {
    const { status } = await checksOf({
      'proc/4321/cmdline': '/usr/bin/qemu-system-x86_64\0-name\0guest=web01,debug-threads=on\0-m\0size=4194304k\0',
      'proc/4321/cgroup': '0::/machine.slice/machine-qemu\\x2d3\\x2dweb01.scope/libvirt/emulator\n',
    });
    expect(status.get('vm-frozen')).toBe('no-data');
    expect(status.get('vm-crash')).toBe('no-data');
  });
});
