/**
 * ps rows with a command column are read by one pattern over the columns
 * before the command, and the process name from the command's first token
 * only. Both must agree with the split-everything reading.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { commOf, ps } from '../../src/parsers/ps.js';

/** commOf as it was before it read the command in place: split it all, then look. */
function splitCommOf(command: string): string {
  const toks = command.split(/[ \t]+/).filter((t) => t.length > 0);
  let i = 0;
  while (i < toks.length && (toks[i] === '|' || toks[i] === '\\_')) i++;
  const first = toks[i] ?? '';
  if (first.startsWith('[')) {
    const rest = toks.slice(i).join(' ');
    const close = rest.indexOf(']');
    return close > 0 ? rest.slice(0, close + 1) : first;
  }
  let name = first;
  if (name.startsWith('/') || name.startsWith('./') || name.startsWith('../')) name = name.slice(name.lastIndexOf('/') + 1);
  if (name.length > 1 && name.endsWith(':')) name = name.slice(0, -1);
  return name;
}

const AUX = 'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND';

describe('ps fast paths', () => {
  it('derive comm as splitting the whole command does', () => {
    const cmd = fc
      .array(fc.constantFrom(' ', ' ', '\t', '|', '\\', '_', '\\_', '[', ']', '/', './', '../', ':', 'a', 'bin', 'x y'), { maxLength: 14 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(cmd, (c) => {
        expect(commOf(c)).toBe(splitCommOf(c));
      }),
      { numRuns: 2000 },
    );
    for (const c of ['', '   ', '|', '\\_', ' |  \\_ [kthreadd]', '[a  \t b] x', '[unterminated x', '/usr/bin/', 'sshd:', ':', '\\_ ./run.sh -x'])
      expect(commOf(c), c).toBe(splitCommOf(c));
  });

  it('read aux rows as the split path of a COMM listing does, whatever the blanks', () => {
    const blank = fc.constantFrom(' ', '  ', '\t', ' \t ');
    const row = fc.record({
      lead: fc.constantFrom('', ' ', '\t'),
      user: fc.constantFrom('root', 'postgres', 'nova'),
      pid: fc.oneof(fc.integer({ min: 0, max: 4_000_000 }).map(String), fc.constantFrom('-', 'x1', '007')),
      nums: fc.array(fc.oneof(fc.integer({ min: 0, max: 9_999_999 }).map(String), fc.constantFrom('0.0', '12.5', '1,5', '-')), { minLength: 4, maxLength: 4 }),
      rest: fc.constantFrom(['?', 'Ss', 'Nov02', '1:00'], ['pts/0', 'R+', '10:49', '0:00']),
      comm: fc.constantFrom('postgres', 'java', 'kworker', 'a-b_c'),
      args: fc.constantFrom('', ' -x', '  --config /etc/x.conf   --threads 8'),
      seps: fc.array(blank, { minLength: 11, maxLength: 11 }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (rows) => {
        const line = (r: (typeof rows)[number], withArgs: boolean): string => {
          const toks = [r.user, r.pid, ...r.nums, ...r.rest, r.comm];
          return r.lead + toks.map((t, i) => (i === 0 ? t : `${r.seps[i] as string}${t}`)).join('') + (withArgs ? r.args : '');
        };
        const fast = parseText(ps, [AUX, ...rows.map((r) => line(r, true))].join('\n'), { path: 'ps' });
        const split = parseText(ps, [AUX.replace(/COMMAND$/, 'COMM'), ...rows.map((r) => line(r, false))].join('\n'), { path: 'ps' });
        expect(fast.samples).toEqual(split.samples);
        expect(fast.diagnostics).toEqual(split.diagnostics);
      }),
      { numRuns: 300 },
    );
  });

  it('reads rows without a command, short rows, thread rows and long commands', () => {
    const text = [
      AUX,
      'root           1  0.0  0.1 171000 13000 ?        Ss   Nov22   0:05 /sbin/init splash',
      'root           2  0.0  0.0      0     0 ?        S    Nov22   0:00',
      'root           3  0.0  0.0      0     0 ?        I<   Nov22   0:00 [rcu_gp]',
      'root           4  0.0',
      '',
      '\troot\t5\t1.5\t0.2\t2000\t1000\t?\tS\tNov22\t0:00\t  |   \\_   /usr/bin/python3   -m   x',
      `app            6 99.0  9.9 900000 800000 ?      Sl   Nov22 100:00 /opt/app/bin/app ${'--flag=value '.repeat(2000)}`,
      'root           -  0.0  0.0      -     - -        S    Nov22   0:00 -',
    ].join('\n');
    const c = parseText(ps, text, { path: 'ps' });
    const rss = c.samples.filter((s) => s.metric === 'proc.rssKiB').map((s) => [s.labels.pid, s.labels.comm, s.labels.user, s.value, s.line]);
    expect(rss).toEqual([
      ['1', 'init', 'root', 13000, 2],
      ['2', '', 'root', 0, 3],
      ['3', '[rcu_gp]', 'root', 0, 4],
      ['5', 'python3', 'root', 1000, 7],
      ['6', 'app', 'app', 800000, 8],
    ]);
    expect(c.diagnostics.map((d) => [d.line, d.message])).toEqual([[5, '1 ps row(s) without a numeric PID or with too few columns were skipped']]);
  });

  it('keeps only the thread-group leader of LWP listings', () => {
    const text = [
      '    PID     LWP   RSS    VSZ COMMAND',
      '    100     100  5000  90000 /usr/sbin/mysqld',
      '    100     101  5000  90000 /usr/sbin/mysqld',
      '    200     200  7000  80000 nginx: master',
    ].join('\n');
    const c = parseText(ps, text, { path: 'ps' });
    expect(c.samples.filter((s) => s.metric === 'proc.rssKiB').map((s) => [s.labels.pid, s.labels.comm, s.value])).toEqual([
      ['100', 'mysqld', 5000],
      ['200', 'nginx', 7000],
    ]);
  });
});
