import { describe, expect, it } from 'vitest';
import { parseText, type RecordCollector } from '../../src/parsers/collect.js';
import { parseDateLine, pmap } from '../../src/parsers/pmap.js';
import { fixture, fuzzParser } from './logs-helpers.js';

const BASH = fixture('pmap', 'local-capture_debian12_procps4.0.2_pmap-x_bash.txt');
const PYTHON = fixture('pmap', 'local-capture_debian12_procps4.0.2_pmap-x_python-64MiB-anon.txt');

// pmap -X / -XX layouts as printed by procps-ng pmap.c (values made up, consistent sums).
const X = [
  '1:   /sbin/init splash',
  '         Address Perm   Offset Device  Inode  Size  Rss  Pss Referenced Anonymous LazyFree ShmemPmdMapped FilePmdMapped Shared_Hugetlb Private_Hugetlb Swap SwapPss Locked THPeligible Mapping',
  '    55d1c4a9c000 r--p 00000000  08:02 917613   132  132   62        132         0        0              0             0              0               0    0       0      0           0 systemd',
  '    55d1c4b2f000 rw-p 00000000  00:00      0  1140 1092 1092       1092      1092        0              0             0              0               0    0       0      0           0 [heap]',
  '    7f0000000000 rw-p 00000000  00:00      0  4096 4000 4000       4000      4000        0              0             0              0               0    0       0      0           0 ',
  '                                             ===== ==== ==== ========== ========= ======== ============== ============= ============== =============== ==== ======= ====== =========== ',
  '                                              5368 5224 5154       5224      5092        0              0             0              0               0    0       0      0           0 KB ',
].join('\n');
const XX = [
  '77:   java -Xmx2g App',
  '         Address Perm   Offset Device  Inode  Size KernelPageSize MMUPageSize  Rss  Pss Anonymous Swap Locked THPeligible ProtectionKey                 VmFlags Mapping',
  '    55d1c4a9c000 r--p 00000000  08:02 917613   100              4           4   80   80         0    0      0           0             0 rd mr mw me sd          java',
  '    7f0000000000 rw-p 00000000  00:00      0  2048              4           4 2000 2000      2000    0      0           1             0 rd wr mr mw me ac sd ',
].join('\n');

function sample(c: RecordCollector, metric: string): number | undefined {
  return c.samples.find((s) => s.metric === metric)?.value;
}

describe('pmap', () => {
  it('reads pmap -x totals of a python process holding 64 MiB, and its largest anon mapping', () => {
    const c = parseText(pmap, PYTHON, { path: 'pmap-x-25710-20261123T104913.txt', fileTime: Date.UTC(2026, 10, 23, 10, 49, 13) });
    expect(c.samples.map((s) => [s.metric, s.value, s.labels, s.timeBase, s.t])).toEqual([
      ['proc.vszKiB', 89844, { pid: '25710', comm: 'python3' }, 'local', Date.UTC(2026, 10, 23, 10, 49, 13)],
      ['proc.rssKiB', 79424, { pid: '25710', comm: 'python3' }, 'local', Date.UTC(2026, 10, 23, 10, 49, 13)],
    ]);
    const top = c.facts.find((f) => f.name === 'pmap.topMappings');
    const list = JSON.parse(String(top?.value)) as { address: string; rssKiB: number }[];
    expect(list).toHaveLength(5);
    expect(list[0]).toEqual({ address: '00007f4627a65000', mapping: '[ anon ]', rssKiB: 66528, kbytes: 67020 });
    expect(top?.labels).toEqual({ pid: '25710', comm: 'python3' });
    expect(c.diagnostics).toEqual([]);
  });

  it('reads a small bash map without a file time as a collection-time snapshot', () => {
    const c = parseText(pmap, BASH, { path: 'pmap.txt' });
    expect([sample(c, 'proc.vszKiB'), sample(c, 'proc.rssKiB')]).toEqual([5232, 4140]);
    expect(c.samples.every((s) => s.timeBase === 'collected' && s.labels.comm === 'bash' && s.labels.pid === '2310')).toBe(true);
  });

  it('sums -X rows and ranks anonymous memory by the Anonymous column', () => {
    const c = parseText(pmap, X, { path: 'pmap-X.txt' });
    expect([sample(c, 'proc.vszKiB'), sample(c, 'proc.rssKiB')]).toEqual([5368, 5224]);
    const list = JSON.parse(String(c.facts[0]?.value)) as { mapping: string; rssKiB: number }[];
    expect(list.map((m) => [m.mapping, m.rssKiB])).toEqual([
      ['[anon]', 4000],
      ['[heap]', 1092],
    ]);
    expect(c.formats).toEqual(['pmap -X']);
  });

  it('skips -XX VmFlags when naming mappings, and warns when the totals line is missing', () => {
    const c = parseText(pmap, XX, { path: 'pmap-XX.txt' });
    expect([sample(c, 'proc.vszKiB'), sample(c, 'proc.rssKiB')]).toEqual([2148, 2080]);
    expect(JSON.parse(String(c.facts[0]?.value))).toEqual([{ address: '7f0000000000', mapping: '[anon]', rssKiB: 2000, kbytes: 2048 }]);
    expect(c.diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });

  it('times each block of a pmap loop by the date line before it', () => {
    const block = BASH.trimEnd();
    const text = ['Mon Nov 23 10:49:13 CET 2026', block, 'Mon Nov 23 10:50:13 CET 2026', block.replace('total kB            5232    4140', 'total kB            6232    5140')].join('\n');
    const c = parseText(pmap, text, { path: 'pmap-loop.log' });
    expect(c.samples.filter((s) => s.metric === 'proc.rssKiB').map((s) => [s.t, s.value, s.timeBase])).toEqual([
      [Date.UTC(2026, 10, 23, 10, 49, 13), 4140, 'local'],
      [Date.UTC(2026, 10, 23, 10, 50, 13), 5140, 'local'],
    ]);
  });

  it('reads date lines in 12-hour, UTC and ISO forms', () => {
    expect(parseDateLine('Mon Nov 23 01:10:44 PM EET 2026')).toEqual({ timeBase: 'local', t: Date.UTC(2026, 10, 23, 13, 10, 44) });
    expect(parseDateLine('Mon Nov 23 12:10:44 AM EET 2026')).toEqual({ timeBase: 'local', t: Date.UTC(2026, 10, 23, 0, 10, 44) });
    expect(parseDateLine('Mon Nov 23 10:49:13 UTC 2026')).toEqual({ timeBase: 'utc', t: Date.UTC(2026, 10, 23, 10, 49, 13) });
    expect(parseDateLine('2026-11-23T10:49:13+01:00')).toEqual({ timeBase: 'utc', t: Date.UTC(2026, 10, 23, 9, 49, 13) });
    expect(parseDateLine('000055cc62eaf000     188')).toBeNull();
  });

  it('reads plain pmap (no -x): VSZ only', () => {
    const c = parseText(pmap, '2310:   bash\n000055cc62eaf000    188K r---- bash\n000055cc62ede000    772K r-x-- bash\n total              960K', { path: 'pmap.txt' });
    expect(c.samples.map((s) => [s.metric, s.value])).toEqual([['proc.vszKiB', 960]]);
  });

  it('sniffs pmap -x by its PID line and header', () => {
    expect(pmap.sniff(PYTHON, 'x.txt')).toBe(true);
    expect(pmap.sniff(X, 'x.txt')).toBe(true);
    expect(pmap.sniff('USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND', 'x')).toBe(false);
  });

  it('never throws on random or mangled input', () => {
    fuzzParser(pmap, 'pmap.txt', [BASH, PYTHON, X, XX]);
  });
});
