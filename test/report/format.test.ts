import { describe, expect, it } from 'vitest';
import { metricText } from '../../src/report/format.js';

describe('metricText', () => {
  it('reads the unit from the name', () => {
    expect(metricText('victimRssKiB', 2 * 1024 * 1024)).toBe('2 GiB');
    expect(metricText('meanAwaitMs', 12.34)).toBe('12.3 ms');
    expect(metricText('meanStealPct', 12.34)).toBe('12.3%');
    expect(metricText('majorFaultsPerSec', 250)).toBe('250/s');
    expect(metricText('runQueuePerCpu', 3.703)).toBe('3.7');
  });
  it('never rounds a small non-zero value to zero (a real sar capture had 0.014% idle under a CPU load)', () => {
    expect(metricText('meanIdlePct', 0.014)).toBe('0.014%');
    expect(metricText('meanAwaitMs', 0.0432)).toBe('0.043 ms');
    expect(metricText('ratio', 0.0012)).toBe('0.0012');
    expect(metricText('meanIdlePct', 0)).toBe('0%');
    expect(metricText('meanIdlePct', 0.06)).toBe('0.1%');
  });
});

describe('collectHints', () => {
  it('gives each way to collect missing data once, with the rules that need it', async () => {
    const { collectHints, checkDetail } = await import('../../src/report/format.js');
    const psi = 'grep . /proc/pressure/*';
    const checks = [
      { rule: 'memory-pressure', class: 'swap-thrash', title: 't', status: 'no-data', detail: 'needs fact:pressure.someAvg60', collect: psi },
      { rule: 'io-pressure', class: 'io-saturation', title: 't', status: 'no-data', detail: 'needs fact:pressure.someAvg60', collect: psi },
      { rule: 'cpu-steal', class: 'cpu-steal', title: 't', status: 'no-data', detail: 'needs cpu.stealPct' },
      { rule: 'oom-kill', class: 'oom-kill', title: 't', status: 'clear', detail: 'checked', collect: 'never shown for a check that ran' },
    ] as const;
    expect(collectHints([...checks])).toEqual([{ hint: psi, rules: ['memory-pressure', 'io-pressure'] }]);
    expect(checkDetail(checks[0])).toBe(`needs fact:pressure.someAvg60; to collect it: ${psi}`);
    expect(checkDetail(checks[2])).toBe('needs cpu.stealPct');
  });
});

describe('incidents, and the verdict that leads with the top-ranked one', async () => {
  const { incidents, postmortem, rootCause, verdict } = await import('../../src/report/format.js');
  const { loadModel } = await import('./helpers.js');
  type Finding = ReturnType<typeof loadModel>['report']['findings'][number];
  /** The leak fixture plus findings made from its first one, linked to nothing unless `extra` says so. */
  const withFindings = (...extra: Partial<Finding>[]): ReturnType<typeof loadModel> => {
    const m = loadModel('leak-swap-oom');
    const leak = m.report.findings[0];
    if (!leak) throw new Error('fixture has no finding');
    for (const e of extra) m.report.findings.push({ ...structuredClone(leak), causes: [], effects: [], ...e });
    return m;
  };

  it('one causal chain is one incident, rooted at its cause, and the verdict tells the chain alone', () => {
    const m = withFindings();
    expect(incidents(m).map((i) => [i.root.id, i.findings.length, i.severity])).toEqual([['memory-leak/java-4242', 5, 'critical']]);
    expect(verdict(m).line).toMatch(/^Main bottleneck: memory — .*\(memory-leak → swap-thrash → oom-kill\); confidence/);
    expect(verdict(m).line).not.toContain('Separately');
  });

  it('an unrelated problem ranked above the chain leads the verdict, the postmortem and the actions; the chain is named after it', () => {
    // a disk failing on its own, ranked first
    const m = withFindings({
      id: 'disk-errors/sdb',
      rule: 'disk-errors',
      class: 'disk-errors',
      title: 'sdb: 40 medium errors',
      severity: 'critical',
      score: 99,
    });
    expect(incidents(m).map((i) => i.root.id)).toEqual(['disk-errors/sdb', 'memory-leak/java-4242']);
    expect(rootCause(m)?.id).toBe('disk-errors/sdb');
    expect(verdict(m).line).toMatch(
      /^Main bottleneck: disk errors — sdb: 40 medium errors; confidence .*\. Separately: memory — .*\(memory-leak → swap-thrash → oom-kill\)\.$/,
    );
    expect(postmortem(m)?.summary).toContain('showed sdb: 40 medium errors. 5 other finding(s) were raised, in 1 incident unrelated to this one.');
  });

  it('"same episode" ties a corroborating finding into its lead\'s incident; a low-severity stray is not worth a "Separately"', () => {
    const m = withFindings(
      {
        id: 'memory-pressure',
        rule: 'memory-pressure',
        class: 'swap-thrash',
        title: 'memory PSI',
        severity: 'high',
        score: 50,
        sameEpisodeAs: ['swap-thrash'],
      },
      { id: 'hugepages-unused', rule: 'hugepages-unused', class: 'hugepages-unused', title: '1 GiB of hugepages unused', severity: 'low', score: 10 },
    );
    expect(incidents(m).map((i) => i.findings.length)).toEqual([6, 1]);
    expect(verdict(m).line).not.toContain('Separately');
  });
});
