import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import { finding } from '../helpers/finding.js';
import { correlate, loadCorrelations } from '../../src/rules/correlate.js';

describe('a leak killed among other processes of its cgroup', async () => {
  const links = await loadCorrelations();
  // The cgroup's kills name its largest victim as the subject; the leaker was killed beside it.
  const leak = (): Finding =>
    finding({
      id: 'memory-leak:1',
      rule: 'memory-leak',
      class: 'memory-leak',
      subject: { pid: 4100, comm: 'worker' },
      window: { start: '2026-12-07T10:00:00+00:00', end: '2026-12-07T10:40:00+00:00' },
    });
  const kills = (pids?: number[]): Finding =>
    finding({
      id: 'oom-kill:1',
      rule: 'oom-kill',
      class: 'oom-kill',
      subject: { pid: 4200, cgroup: '/app' },
      metrics: { memcg: 1, kills: 2 },
      window: { start: '2026-12-07T10:41:00+00:00', end: '2026-12-07T10:41:05+00:00' },
      ...(pids ? { pids } : {}),
    });

  it('is linked to the kills when the leaking pid is among the victims', () => {
    const [l, k] = [leak(), kills([4100, 4200])];
    correlate([l, k], links);
    expect(k.causes).toEqual(['memory-leak:1']);
    expect(l.effects).toEqual(['oom-kill:1']);
  });

  it('is not when it is not', () => {
    const [l, k] = [leak(), kills([4200, 4300])];
    correlate([l, k], links);
    expect(k.causes).toEqual([]);
  });
});
