import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { postmortem } from '../../src/report/format.js';

// Line shapes of this project's real OOM storm capture (stress-ng --vm in a 32 MiB cgroup, kernel 6.18):
// a respawning worker killed dozens of times a second.
const kill = (sec: number, pid: number): string =>
  `[${sec.toFixed(6)}] Memory cgroup out of memory: Killed process ${pid} (stress-ng-vm) total-vm:548352kB, anon-rss:10688kB, file-rss:440kB, shmem-rss:0kB, UID:0 pgtables:104kB oom_score_adj:1000`;

describe('the events the report lists', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-views-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const bundle = path.join(dir, 'sosreport-web01-2026-12-07-abcdefg');
  await mkdir(path.join(bundle, 'sos_commands/kernel'), { recursive: true });
  await mkdir(path.join(bundle, 'sos_commands/date'), { recursive: true });
  await mkdir(path.join(bundle, 'proc'), { recursive: true });
  const lines = ['[    0.000000] Linux version 6.18.44 (root@build) (gcc 12.2.0) #1 PREEMPT'];
  lines.push('[8150.994000] stress-ng-vm invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=1000');
  lines.push('[8150.994100] memory: usage 32768kB, limit 32768kB, failcnt 16956');
  lines.push(
    '[8150.994800] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/thrash,task_memcg=/thrash,task=stress-ng-vm,pid=100,uid=0',
  );
  // 40 kills in second 8151, 3 in the next
  for (let i = 0; i < 40; i++) lines.push(kill(8151 + i / 50, 100 + i));
  for (let i = 0; i < 3; i++) lines.push(kill(8152.2 + i / 10, 200 + i));
  await writeFile(path.join(bundle, 'sos_commands/kernel/dmesg'), `${lines.join('\n')}\n`);
  await writeFile(path.join(bundle, 'proc/stat'), 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1765064168\n');
  await writeFile(path.join(bundle, 'sos_commands/date/date'), 'Mon Dec  7 08:02:48 UTC 2026\n');
  const { model } = await analyze([bundle]);

  it('counts events of one kind and subject in one second as one, instead of listing the first 25 alike', () => {
    const kills = model.events.filter((e) => e.type === 'oom-kill');
    // the first kill is dated by its report's first line (8150.994), the rest by their own (8151.x, 8152.x)
    expect(kills.map((e) => e.count ?? 1)).toEqual([1, 39, 3]);
    const rows = postmortem(model)?.timeline.filter((e) => e.what.startsWith('OOM killer killed stress-ng-vm'));
    // (the first is the finding's own start, told once as the finding)
    expect(rows?.map((e) => e.what)).toEqual(['OOM killer killed stress-ng-vm (39 times)', 'OOM killer killed stress-ng-vm (3 times)']);
    // the finding counts them all, as the listed events now do
    expect(model.report.findings.find((f) => f.rule === 'oom-kill')?.metrics['kills']).toBe(43);
  });
});

describe("an event finding's rate chart", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-rate-legend-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const bundle = path.join(dir, 'sosreport-web02-2026-12-07-abcdefg');
  for (const d of ['sos_commands/kernel', 'sos_commands/date', 'proc']) await mkdir(path.join(bundle, d), { recursive: true });
  const lines = ['[    0.000000] Linux version 6.18.44 (root@build) (gcc 12.2.0) #1 PREEMPT'];
  // 30 kills over five minutes in one cgroup, of two commands: one limit, one finding
  for (let i = 0; i < 30; i++) {
    const sec = 8000 + i * 10;
    const comm = i % 3 === 0 ? 'python3' : 'stress-ng-vm';
    lines.push(`[${sec}.000100] ${comm} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0`);
    lines.push(`[${sec}.000200] memory: usage 32768kB, limit 32768kB, failcnt ${i}`);
    lines.push(
      `[${sec}.000300] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/thrash,task_memcg=/thrash,task=${comm},pid=${300 + i},uid=0`,
    );
    lines.push(
      `[${sec}.000400] Memory cgroup out of memory: Killed process ${300 + i} (${comm}) total-vm:548352kB, anon-rss:10688kB, file-rss:440kB, shmem-rss:0kB, UID:0 pgtables:104kB oom_score_adj:0`,
    );
  }
  await writeFile(path.join(bundle, 'sos_commands/kernel/dmesg'), `${lines.join('\n')}\n`);
  await writeFile(path.join(bundle, 'proc/stat'), 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1765064168\n');
  await writeFile(path.join(bundle, 'sos_commands/date/date'), 'Mon Dec  7 08:02:48 UTC 2026\n');
  const { model } = await analyze([bundle]);

  it("is labelled with what the events share, the finding's subject, not the first kill's pid and command", () => {
    const oom = model.report.findings.filter((f) => f.rule === 'oom-kill');
    expect(oom).toHaveLength(1);
    const chart = model.findingCharts.find((c) => c.findingId === oom[0]?.id);
    expect(chart?.title).toBe('OOM kills per 1 min');
    expect(chart?.series[0]?.labels).toEqual({ comm: 'python3,stress-ng-vm', cgroup: '/thrash' });
    expect(chart?.series[0]?.points.reduce((n, [, v]) => n + v, 0)).toBe(30);
  });
});
