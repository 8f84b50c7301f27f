/**
 * Shrinking a pool by its global count frees pages from any node: on a host whose guests are bound to
 * NUMA nodes, the advice is to shrink per node.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-hp-numa-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bundle(name: string, numatune: string, nodes: number): string {
  const dir = path.join(work, name);
  const files: Record<string, string> = {
    'sos_commands/date/date': 'Mon Dec  7 18:31:27 UTC 2026\n',
    'sos_commands/processor/lscpu': `Architecture:        x86_64\nCPU(s):              8\nNUMA node(s):        ${nodes}\n`,
    'proc/meminfo':
      'MemTotal:       32768000 kB\nMemAvailable:   20000000 kB\nHugePages_Total:    2048\nHugePages_Free:     1792\nHugePages_Rsvd:        0\nHugepagesize:       2048 kB\n',
    'etc/libvirt/qemu/db01.xml': `<domain type='kvm'>\n  <name>db01</name>\n  <memory unit='MiB'>512</memory>\n  <memoryBacking><hugepages/></memoryBacking>\n  ${numatune}\n</domain>\n`,
    'sos_commands/virsh/virsh_-r_list_--all': ' Id   Name   State\n----------------------\n 1    db01   running\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('hugepages-unused on a NUMA host', () => {
  it('says to shrink per node when a guest is bound to a node, and not otherwise', async () => {
    const risk = async (dir: string): Promise<string | undefined> =>
      (await analyze([dir])).model.report.findings.find((f) => f.rule === 'hugepages-unused')?.remediation[0]?.risk;
    expect(await risk(bundle('bound', "<numatune><memory mode='strict' nodeset='0'/></numatune>", 2))).toContain(
      'shrink per node instead (/sys/devices/system/node/nodeN/hugepages/hugepages-2048kB/nr_hugepages)',
    );
    expect(await risk(bundle('unbound', '', 2))).not.toContain('per node');
    expect(await risk(bundle('one-node', "<numatune><memory mode='strict' nodeset='0'/></numatune>", 1))).not.toContain('per node');
  });
});
