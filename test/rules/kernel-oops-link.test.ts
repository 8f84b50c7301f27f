/**
 * An oops leaves the killed task's locks held: hung tasks after it are its
 * effect. A WARNING kills nothing and explains no hang.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import { finding } from '../helpers/finding.js';
import { correlate, loadCorrelations } from '../../src/rules/correlate.js';

describe('kernel oops → hung task', async () => {
  const links = await loadCorrelations();
  const oops = (killedTask: number): Finding =>
    finding({
      id: 'kernel-oops:1',
      rule: 'kernel-oops',
      class: 'kernel-oops',
      metrics: { reports: 1, killedTask, panics: 0 },
      window: { start: '2026-12-07T10:00:00+00:00', end: '2026-12-07T10:00:00+00:00' },
    });
  const hung = (): Finding =>
    finding({ id: 'hung-task:1', rule: 'hung-task', class: 'hung-task', window: { start: '2026-12-07T10:04:00+00:00', end: '2026-12-07T10:20:00+00:00' } });

  it('links tasks that hung after an oops to it', () => {
    const [o, h] = [oops(1), hung()];
    correlate([o, h], links);
    expect(h.causes).toEqual(['kernel-oops:1']);
    expect(h.reasoning.join(' ')).toContain('without releasing the locks it held');
  });

  it('does not blame a WARNING, which kills nothing', () => {
    const [o, h] = [oops(0), hung()];
    correlate([o, h], links);
    expect(h.causes).toEqual([]);
  });
});
