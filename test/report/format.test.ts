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
