/**
 * The settings a finding's words were drawn from are quoted as evidence:
 * numbers first, then text settings, each only where its line shows it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-fact-evidence-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const RULE = `id: test-text-evidence
class: memory-leak
title: "Boot settings of {{ qdisc }}"
description: reads three settings as text and one as a number
requires: [fact:sysctl.boot.vm.swappiness]
thresholds: {}
detect:
  kind: state
  when: "true"
texts:
  qdisc: "or(fact('sysctl.boot.net.core.default_qdisc'), '')"
  pattern: "or(fact('sysctl.boot.kernel.core_pattern'), '')"
  policy: "or(fact('sysctl.boot.kernel.numa_balancing_policy'), '')"
metrics:
  swappiness: "factNum('sysctl.boot.vm.swappiness')"
severity:
  - level: low
    when: "true"
confidence: 0.5
message: "{{ qdisc }} {{ pattern }}"
remediation: []
references: []
`;

it('quotes a text setting on its own line, numbers first, and not one its line does not show as read', async () => {
  const rules = write(path.join(work, 'rules'), { 'test/test-text-evidence.yaml': RULE });
  const bundle = write(path.join(work, 'bundle'), {
    'sos_commands/date/date': 'Mon Dec  7 14:12:02 UTC 2026\n',
    // three spaces inside the value: read as one ("|/usr/lib/systemd/systemd-coredump %P"), so its line does not show it as read
    'etc/sysctl.d/50-coredump.conf': 'kernel.core_pattern = |/usr/lib/systemd/systemd-coredump   %P\n',
    'etc/sysctl.d/60-net.conf': '# fair queueing\nnet.core.default_qdisc = fq_codel\n',
    'etc/sysctl.d/70-vm.conf': 'vm.swappiness = 10\n',
  });
  const { model } = await analyze([bundle], { rulesDirs: [rules], onlyRules: ['test-text-evidence'] });
  const f = model.report.findings.find((x) => x.rule === 'test-text-evidence');
  expect(f?.title).toBe('Boot settings of fq_codel');
  expect(f?.evidence.map((e) => `${e.source}:${e.line} ${e.text}`)).toEqual([
    'etc/sysctl.d/70-vm.conf:1 vm.swappiness = 10',
    'etc/sysctl.d/60-net.conf:2 net.core.default_qdisc = fq_codel',
  ]);
});
