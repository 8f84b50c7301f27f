import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { ITEMISED_PER_SHAPE } from '../../src/bundle/event-storm.js';

// A worker respawned and killed by its cgroup's limit again and again, each time with a new pid
// (line shapes of this project's cgroup-thrash capture, kernel 6.18): one storm of its command.
describe('an OOM loop of a respawning worker', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-oom-storm-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const bundle = path.join(dir, 'sosreport-web03-2026-12-07-abcdefg');
  for (const d of ['sos_commands/kernel', 'sos_commands/date', 'proc']) await mkdir(path.join(bundle, d), { recursive: true });
  const kills = ITEMISED_PER_SHAPE + 3000;
  const lines = ['[    0.000000] Linux version 6.18.44 (root@build) (gcc 12.2.0) #1 PREEMPT'];
  for (let i = 0; i < kills; i++) {
    const sec = (1000 + i * 2).toFixed(6);
    const pid = 20_000 + i;
    lines.push(`[${sec}] memory: usage 32768kB, limit 32768kB, failcnt ${i}`);
    lines.push(
      `[${sec}] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/thrash,task_memcg=/thrash,task=worker,pid=${pid},uid=0`,
    );
    lines.push(
      `[${sec}] Memory cgroup out of memory: Killed process ${pid} (worker) total-vm:548352kB, anon-rss:${10_000 + (i % 7)}kB, file-rss:440kB, shmem-rss:0kB, UID:0 pgtables:104kB oom_score_adj:0`,
    );
  }
  await writeFile(path.join(bundle, 'sos_commands/kernel/dmesg'), `${lines.join('\n')}\n`);
  await writeFile(path.join(bundle, 'proc/stat'), 'cpu  1 2 3 4\ncpu0 1 2 3 4\nbtime 1765064168\n');
  await writeFile(path.join(bundle, 'sos_commands/date/date'), 'Mon Dec  7 08:02:48 UTC 2026\n');
  const { model } = await analyze([bundle]);

  it('is folded as one storm whatever its pids, and every kill is counted in one finding', () => {
    expect(model.report.diagnostics.some((d) => /repeated events \(oom-kill \(worker\)\) were counted, not itemised/.test(d.message))).toBe(true);
    const oom = model.report.findings.filter((f) => f.rule === 'oom-kill');
    expect(oom).toHaveLength(1);
    expect(oom[0]?.metrics['kills']).toBe(kills);
    expect(oom[0]?.subject).toMatchObject({ comm: 'worker', cgroup: '/thrash' });
  });
});
