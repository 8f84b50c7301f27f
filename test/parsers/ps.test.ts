import { describe, expect, it } from 'vitest';
import { parseText, type RecordCollector } from '../../src/parsers/collect.js';
import { commOf, ps } from '../../src/parsers/ps.js';
import { fixture, fuzzParser } from './logs-helpers.js';

const AUXCWW = fixture('ps', 'rhel7.3_ps-auxcww.txt');
const AUXWWWM = fixture('ps', 'ubuntu20.04_k8s-worker_ps-auxwwwm_threads.txt');
const ALX = fixture('ps', 'ubuntu20.04_lxd-vault_ps-alxwww_wchan.txt');
const FOREST = fixture('ps', 'ubuntu24.04_sunbeam_ps-auxfwww_forest.txt');
const TOP = fixture('ps', 'ubuntu20.04_lxd_top-b-n1_MiB.txt');
const HOTSOS = fixture('ps', 'hotsos-openstack-compute4/sos_commands/process/ps_auxwwwm');

function value(c: RecordCollector, metric: string, pid: string): number | undefined {
  return c.samples.find((s) => s.metric === metric && s.labels.pid === pid)?.value;
}

describe('ps', () => {
  it('reads ps auxwwwm and skips the thread rows (PID "-")', () => {
    const c = parseText(ps, AUXWWWM, { path: 'sos_commands/process/ps_auxwwwm' });
    const rss = c.samples.filter((s) => s.metric === 'proc.rssKiB');
    expect(rss).toHaveLength(175);
    expect(rss.find((s) => s.labels.pid === '82375')).toMatchObject({ value: 380032, labels: { pid: '82375', comm: 'kube-apiserver', user: 'root' }, timeBase: 'collected' });
    expect(value(c, 'proc.vszKiB', '82375')).toBe(1111500);
    expect(value(c, 'proc.cpuPct', '82375')).toBe(7.3);
    expect(value(c, 'proc.memPct', '82375')).toBe(9.4);
    expect(rss.find((s) => s.labels.pid === '2')?.labels.comm).toBe('[kthreadd]');
    expect(c.diagnostics).toEqual([]);
  });

  it('reads the sosreport ps_auxwwwm: libvirtd 1074 has 36424 KiB RSS, nova-compute runs as python3', () => {
    const c = parseText(ps, HOTSOS, { path: 'sos_commands/process/ps_auxwwwm' });
    expect(c.samples.filter((s) => s.metric === 'proc.rssKiB')).toHaveLength(447);
    expect(value(c, 'proc.rssKiB', '1074')).toBe(36424);
    expect(c.samples.find((s) => s.labels.pid === '53085')?.labels).toEqual({ pid: '53085', comm: 'python3', user: 'nova' });
  });

  it('reads ps alxwww by column names (UID as user, no %CPU)', () => {
    const c = parseText(ps, ALX, { path: 'sos_commands/process/ps_alxwww' });
    expect(c.samples.filter((s) => s.labels.pid === '63').map((s) => [s.metric, s.value, s.labels.comm, s.labels.user])).toEqual([
      ['proc.rssKiB', 25368, 'systemd-journald', '0'],
      ['proc.vszKiB', 59664, 'systemd-journald', '0'],
    ]);
    expect(c.formats).toEqual(['ps alx']);
  });

  it('strips the forest art of auxfwww from the command', () => {
    const c = parseText(ps, FOREST, { path: 'sos_commands/process/ps_auxfwww' });
    const row = c.samples.find((s) => s.labels.pid === '1831904' && s.metric === 'proc.rssKiB');
    expect(row).toMatchObject({ value: 14488, labels: { comm: 'apache2', user: 'www-data' } });
  });

  it('keeps bare names of ps c (no basename of "ksoftirqd/0")', () => {
    const c = parseText(ps, AUXCWW, { path: 'insights_commands/ps_auxcww' });
    expect(c.samples.find((s) => s.labels.pid === '3')?.labels.comm).toBe('ksoftirqd/0');
    expect(value(c, 'proc.rssKiB', '1')).toBe(6704);
  });

  it('reads -eo output with a five-token lstart and places it at the file time', () => {
    const text = [
      '    PID    PPID USER     STARTED                    RSS    VSZ %MEM COMMAND',
      '   1234       1 mysql    Mon Nov 23 10:49:13 2026 812344 2400000 5.0 /usr/sbin/mysqld --basedir=/usr',
    ].join('\n');
    const c = parseText(ps, text, { path: 'sos_commands/process/ps_-eo_pid_ppid_user_lstart_rss_vsz_pmem_args', fileTime: Date.UTC(2026, 10, 23, 11, 0, 0) });
    expect(c.samples.map((s) => [s.metric, s.value, s.labels.comm, s.timeBase, s.t])).toEqual([
      ['proc.rssKiB', 812344, 'mysqld', 'local', Date.UTC(2026, 10, 23, 11, 0, 0)],
      ['proc.vszKiB', 2400000, 'mysqld', 'local', Date.UTC(2026, 10, 23, 11, 0, 0)],
      ['proc.memPct', 5, 'mysqld', 'local', Date.UTC(2026, 10, 23, 11, 0, 0)],
    ]);
  });

  it('reads ps -elf (no RSS) without samples and says why', () => {
    const text = 'F S UID          PID    PPID  C PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD\n4 S root           1       0  0  80   0 - 42013 -      Nov22 ?        00:00:05 /sbin/init splash';
    const c = parseText(ps, text, { path: 'sos_commands/process/ps_-elfL' });
    expect(c.samples).toEqual([]);
    expect(c.diagnostics.map((d) => [d.line, d.severity])).toEqual([[1, 'info']]);
  });

  it('rejects top output with one warning, and notes the top-level ps symlink stored as its target\'s path (as the other stand-ins are)', () => {
    const top = parseText(ps, TOP, { path: 'ps' });
    expect(top.samples).toEqual([]);
    expect(top.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    const standIn = parseText(ps, 'sos_commands/process/ps_auxwwwm', { path: 'ps' });
    expect(standIn.samples).toEqual([]);
    expect(standIn.diagnostics).toMatchObject([{ line: 1, severity: 'info', message: 'stand-in for a symlink to sos_commands/process/ps_auxwwwm; the target is read instead' }]);
    expect(ps.sniff(TOP, 'top.txt')).toBe(false);
    expect(ps.sniff(ALX, 'ps.txt')).toBe(true);
  });

  it('derives comm from a command line', () => {
    expect(['sshd: root@pts/0', '[kworker/u8:2-flush-252:0]', '-bash', './run.sh x', '/usr/bin/python3 -m x', ' |   \\_ /usr/sbin/apache2'].map(commOf)).toEqual([
      'sshd',
      '[kworker/u8:2-flush-252:0]',
      '-bash',
      'run.sh',
      'python3',
      'apache2',
    ]);
  });

  it('never throws on random or mangled input', () => {
    fuzzParser(ps, 'sos_commands/process/ps_auxwwwm', [AUXWWWM.slice(0, 5000), ALX, FOREST.slice(0, 5000), AUXCWW]);
  });
});
