import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { taskKiB, top } from '../../src/parsers/top.js';
import type { SampleRecord } from '../../src/parsers/types.js';

const text = readFileSync(new URL('../fixtures/top/ubuntu20.04_lxd_top-b-n1_MiB.txt', import.meta.url), 'utf8');

const get = (samples: SampleRecord[], metric: string, pid?: string): SampleRecord | undefined =>
  samples.find((s) => s.metric === metric && (pid === undefined || s.labels.pid === pid));

describe('top -b', () => {
  it('reads the summary and task table of a procps 3.3.16 MiB capture as collection-time snapshots', () => {
    const r = parseText(top, text);
    expect(r.samples.every((s) => s.timeBase === 'collected')).toBe(true);
    expect(get(r.samples, 'load.avg1')?.value).toBe(6.56);
    expect(get(r.samples, 'load.avg15')?.value).toBe(4.02);
    expect(get(r.samples, 'cpu.userPct')?.value).toBe(30.3);
    expect(get(r.samples, 'cpu.userPct')?.labels).toEqual({ cpu: 'all' });
    expect(get(r.samples, 'mem.freeKiB')?.value).toBeCloseTo(14048 * 1024, 3);
    expect(get(r.samples, 'mem.availableKiB')?.value).toBeCloseTo(15619.4 * 1024, 3);
    expect(get(r.samples, 'swap.freeKiB')?.value).toBe(0);
    const sos = get(r.samples, 'proc.rssKiB', '282492');
    expect(sos?.value).toBe(91744);
    expect(sos?.labels).toEqual({ pid: '282492', comm: 'sosrepo+', user: 'root' });
    expect(get(r.samples, 'proc.cpuPct', '282492')?.value).toBe(50);
    expect(r.samples.filter((s) => s.metric === 'proc.rssKiB')).toHaveLength(54);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['info']);
  });

  it('dates the time of day from the file time when given', () => {
    const r = parseText(top, text, { fileTime: Date.UTC(2021, 0, 5, 10, 0, 0) });
    expect(r.samples.every((s) => s.timeBase === 'local' && s.t === Date.UTC(2021, 0, 5, 9, 52, 1))).toBe(true);
    const late = parseText(top, text, { fileTime: Date.UTC(2021, 0, 5, 0, 30, 0) });
    expect(late.samples[0]?.t).toBe(Date.UTC(2021, 0, 4, 9, 52, 1));
  });

  it('reads old-style summary lines and suffixed RES values', () => {
    const old = [
      'top - 10:49:13 up 3 days,  2:03,  1 user,  load average: 0.00, 0.01, 0.05',
      'Cpu(s):  1.0%us,  0.5%sy,  0.0%ni, 97.0%id,  1.5%wa,  0.0%hi,  0.0%si,  0.0%st',
      'Mem:  16393256k total, 15000000k used,  1393256k free,   200000k buffers',
      'Swap:  2097148k total,        0k used,  2097148k free,  9000000k cached',
      '',
      '  PID USER      PR  NI  VIRT  RES  SHR S %CPU %MEM    TIME+  COMMAND',
      ' 4242 qemu      20   0 40.1g  31g 1234 S 380.2 95.0 100:00.00 qemu-kvm -name guest=vm1',
    ].join('\n');
    const r = parseText(top, old);
    expect(get(r.samples, 'cpu.iowaitPct')?.value).toBe(1.5);
    expect(get(r.samples, 'mem.freeKiB')?.value).toBe(1393256);
    expect(get(r.samples, 'mem.cachedKiB')?.value).toBe(9000000);
    expect(get(r.samples, 'proc.rssKiB', '4242')?.value).toBe(31 * 1024 * 1024);
    expect(get(r.samples, 'proc.rssKiB', '4242')?.labels.comm).toBe('qemu-kvm -name guest=vm1');
    expect(taskKiB('1.5m')).toBe(1536);
  });

  it('sniffs top batch output', () => {
    expect(top.sniff(text, 'sysstats.txt')).toBe(true);
    expect(top.sniff('Linux 5.4 (h) \t01/01/20 \t_x86_64_\t(1 CPU)\n', 'x')).toBe(false);
  });

  it('never throws on random or mutated input', () => {
    const base = text.split('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.string({ maxLength: 80 }), (cut, junk) => {
        const r = parseText(top, [...base.slice(0, cut), junk, ...base.slice(cut)].join('\n'));
        for (const d of r.diagnostics) {
          expect(d.message).not.toContain('failed');
          if (d.line !== undefined) expect(d.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});
