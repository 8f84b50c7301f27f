/**
 * Every sample bundle in samples/ is analyzed end to end and must raise the
 * findings its README promises, in the order that matters for the story
 * (the cause of an incident ranks above what it caused when severity says so).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import type { Finding } from '../../src/model.js';

const root = path.resolve(import.meta.dirname, '../../samples');

function inputsOf(name: string): string[] {
  const dir = path.join(root, name);
  const bundle = readdirSync(dir).find((f) => f.startsWith('sosreport-'));
  if (!bundle) throw new Error(`no sosreport-* directory in samples/${name}`);
  const out = [path.join(dir, bundle)];
  if (existsSync(path.join(dir, 'attachments'))) out.push(path.join(dir, 'attachments'));
  return out;
}

async function findingsOf(name: string): Promise<Finding[]> {
  const { model } = await analyze(inputsOf(name));
  return model.report.findings;
}

const rank = (fs: Finding[], pred: (f: Finding) => boolean): number => fs.findIndex(pred);

it('every sample directory has a README and is covered below', () => {
  const names = readdirSync(root).filter((n) => !n.startsWith('.'));
  expect(names.sort()).toEqual(['cpu-steal', 'healthy', 'io-errors-hung', 'kvm-numa', 'leak-swap-oom']);
  for (const n of names) expect(existsSync(path.join(root, n, 'README.md')), `samples/${n}/README.md`).toBe(true);
});

describe('kvm-numa', async () => {
  const fs = await findingsOf('kvm-numa');
  it('finds the crashed guest, THP stalls, the unpinned guests, unused hugepages and node locality', () => {
    expect(fs.find((f) => f.class === 'vm-crash')?.subject.domain).toBe('app-vm');
    expect(fs.find((f) => f.class === 'thp-compaction-stall')?.severity).toBe('high');
    const guests = fs.filter((f) => f.rule === 'numa-guest-unpinned').map((f) => f.subject.domain);
    expect(guests).toEqual(['web-vm', 'build-vm']);
    expect(fs.find((f) => f.class === 'hugepages-unused')?.metrics['unusedGiB']).toBe(16);
    expect(fs.filter((f) => f.rule === 'numa-cross-node').map((f) => f.subject.node).sort()).toEqual(['0', '1']);
  });
  it('ranks the high findings above the medium ones, web-vm (45% remote) first among guests', () => {
    expect(fs.slice(0, 3).every((f) => f.severity === 'high')).toBe(true);
    expect(rank(fs, (f) => f.subject.domain === 'web-vm')).toBeLessThan(rank(fs, (f) => f.subject.domain === 'build-vm'));
  });
  it('pins web-vm to node 1, the node with the most free memory, with its CPUs', () => {
    const web = fs.find((f) => f.subject.domain === 'web-vm');
    const fix = web?.remediation[0]?.detail ?? '';
    expect(fix).toContain("<numatune><memory mode='strict' nodeset='1'/></numatune>");
    expect(fix).toContain("<vcpupin vcpu='7' cpuset='8-15,24-31'/>");
  });
});

describe('io-errors-hung', async () => {
  const fs = await findingsOf('io-errors-hung');
  it('puts the failing disk first, then its saturation and the tasks that hung on it', () => {
    expect(fs[0]?.class).toBe('disk-errors');
    expect(fs[0]?.subject.device).toBe('sdb');
    expect(fs[0]?.severity).toBe('critical');
    const sat = rank(fs, (f) => f.class === 'io-saturation' && f.subject.device === 'sdb');
    const hung = rank(fs, (f) => f.class === 'hung-task');
    expect(sat).toBeGreaterThan(0);
    expect(hung).toBeGreaterThan(sat);
  });
  it('names what each hung task waited on and links it to the disk errors', () => {
    const jbd2 = fs.find((f) => f.subject.comm === 'jbd2/sdb1-8');
    expect(jbd2?.title).toContain('the ext4 journal');
    expect(jbd2?.metrics['reports']).toBe(3);
    expect(fs.find((f) => f.subject.comm === 'nfsd')?.title).toContain('block I/O');
    expect(jbd2?.causes.length).toBeGreaterThan(0);
  });
});

describe('cpu-steal', async () => {
  const fs = await findingsOf('cpu-steal');
  it('ranks the steal above the CPU saturation it causes', () => {
    expect(fs.map((f) => f.class)).toEqual(['cpu-steal', 'cpu-saturation']);
    expect(fs[0]?.metrics['meanStealPct']).toBeGreaterThan(20);
    expect(fs[0]?.metrics['peakRunQueue']).toBeGreaterThanOrEqual(9);
    expect(fs[1]?.causes.length).toBeGreaterThan(0);
  });
});

describe('leak-swap-oom', async () => {
  const fs = await findingsOf('leak-swap-oom');
  it('finds the java leak, swap thrash, the OOM kill of java and the swap disk saturated', () => {
    expect(fs[0]?.class).toBe('memory-leak');
    expect(fs[0]?.subject.pid).toBe(4242);
    for (const c of ['swap-thrash', 'oom-kill', 'io-saturation', 'hung-task']) expect(fs.some((f) => f.class === c), c).toBe(true);
    expect(fs.find((f) => f.class === 'oom-kill')?.subject.comm).toBe('java');
    expect(fs.find((f) => f.class === 'hung-task')?.title).toContain('the swap device');
  });
});

describe('healthy', async () => {
  const fs = await findingsOf('healthy');
  it('raises nothing above low', () => {
    expect(fs.filter((f) => f.severity !== 'low' && f.severity !== 'info').map((f) => f.title)).toEqual([]);
  });
});
