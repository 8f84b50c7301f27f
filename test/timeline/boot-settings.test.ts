/**
 * The settings the next boot applies, settled across files as sysctl.d(5)
 * orders them, and the hugepage pools the kernel command line reserves.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

const work = mkdtempSync(path.join(tmpdir(), 'sosmortem-boot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
function bundle(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = path.join(work, `b${++n}`);
  const files2: Record<string, string> = { 'sos_commands/date/date': 'Mon Dec  7 14:12:02 UTC 2026\n', ...files };
  for (const [rel, text] of Object.entries(files2)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  for (const [rel, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    symlinkSync(target, path.join(dir, rel));
  }
  return dir;
}

async function bootFacts(files: Record<string, string>, links: Record<string, string> = {}): Promise<Record<string, string | number | boolean>> {
  const { timeline } = await analyze([bundle(files, links)]);
  const out: Record<string, string | number | boolean> = {};
  for (const f of timeline.facts) {
    if (f.name.startsWith('sysctl.boot.')) out[f.name.slice('sysctl.boot.'.length)] = f.value;
    if (f.name === 'hugepages.boot') out[`pool ${f.labels.sizeKiB ?? ''} (${f.labels.from ?? ''})`] = f.value;
  }
  return out;
}

describe('sysctl settings at the next boot', () => {
  it('applies files by name across directories, /etc over /run over /usr/lib for one name, and /etc/sysctl.conf last', async () => {
    expect(
      await bootFacts({
        'usr/lib/sysctl.d/10-default.conf': 'kernel.sysrq = 16\nvm.swappiness = 60\n',
        'usr/lib/sysctl.d/50-pid-max.conf': 'kernel.pid_max = 4194304\n',
        'run/sysctl.d/50-pid-max.conf': 'kernel.pid_max = 65536\n',
        'etc/sysctl.d/30-tuning.conf': 'vm.swappiness = 10\n-net.ipv4.tcp_fastopen = 3\n',
        'etc/sysctl.conf': 'vm.swappiness = 1\n',
        'etc/sysctl.d/notes.txt': 'vm.swappiness = 99\n',
      }),
    ).toEqual({ 'kernel.sysrq': 16, 'vm.swappiness': 1, 'kernel.pid_max': 65536, 'net.ipv4.tcp_fastopen': 3 });
  });

  it('honours a link to /dev/null in /etc/sysctl.d that masks the vendor file of that name', async () => {
    expect(
      await bootFacts(
        {
          'usr/lib/sysctl.d/50-coredump.conf': 'kernel.core_pattern = |/usr/lib/systemd/systemd-coredump %P\n',
          'usr/lib/sysctl.d/60-other.conf': 'kernel.sysrq = 1\n',
        },
        { 'etc/sysctl.d/50-coredump.conf': '/dev/null' },
      ),
    ).toEqual({ 'kernel.sysrq': 1 });
  });

  it('reads hugepage pools from the command line, the default size from its own parameter, and lets vm.nr_hugepages override it', async () => {
    const meminfo = 'MemTotal:       24665208 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n';
    expect(
      await bootFacts({
        'proc/meminfo': meminfo,
        'proc/cmdline': 'BOOT_IMAGE=/vmlinuz ro hugepages=100 hugepagesz=1G hugepages=4 hugepagesz=1G hugepages=8\n',
      }),
    ).toEqual({ 'pool 2048 (cmdline)': 100, 'pool 1048576 (cmdline)': 4 });
    expect(
      await bootFacts({
        'proc/meminfo': meminfo,
        'proc/cmdline': 'ro default_hugepagesz=1G hugepages=16\n',
        'etc/sysctl.d/80-hp.conf': 'vm.nr_hugepages=12\n',
      }),
    ).toEqual({ 'vm.nr_hugepages': 12, 'pool 1048576 (sysctl)': 12 });
    expect(await bootFacts({ 'proc/meminfo': meminfo, 'proc/cmdline': 'ro hugepagesz=2M hugepages=0:256,1:256\n' })).toEqual({ 'pool 2048 (cmdline)': 512 });
  });
});

describe('the sysctl settings of the active TuneD profile', () => {
  const shipped = (name: string): string => readFileSync(path.resolve(import.meta.dirname, '../fixtures/tuned', name, 'tuned.conf'), 'utf8');
  const tuned = {
    'etc/tuned/active_profile': 'virtual-host\n',
    'usr/lib/tuned/virtual-host/tuned.conf': shipped('virtual-host'),
    'usr/lib/tuned/throughput-performance/tuned.conf': shipped('throughput-performance'),
    'usr/lib/tuned/virtual-guest/tuned.conf': shipped('virtual-guest'),
  };

  it("merges the profile over the ones it includes, and leaves the sysctl files' keys to them (reapply_sysctl, on by default)", async () => {
    expect(await bootFacts({ ...tuned, 'etc/sysctl.d/70-writeback.conf': 'vm.dirty_ratio = 30\n' })).toEqual({
      // the file's, re-applied after tuned's 40
      'vm.dirty_ratio': 30,
      // virtual-host's 5 over throughput-performance's 10
      'vm.dirty_background_ratio': 5,
      'vm.swappiness': 10,
      'net.core.somaxconn': '>2048',
    });
  });

  it('lets the profile win with reapply_sysctl = 0, and a copy in /etc/tuned replace the shipped profile', async () => {
    const facts = await bootFacts({
      ...tuned,
      'etc/sysctl.d/70-writeback.conf': 'vm.dirty_ratio = 30\n',
      'etc/tuned/tuned-main.conf': 'reapply_sysctl = 0\n',
      'etc/tuned/virtual-host/tuned.conf': '[main]\ninclude=virtual-guest\n',
    });
    // the user's virtual-host includes virtual-guest (dirty_ratio 30 itself, swappiness 30) and sets nothing of its own
    expect(facts).toMatchObject({ 'vm.dirty_ratio': 30, 'vm.dirty_background_ratio': 10, 'vm.swappiness': 30 });
  });

  it("resolves [variables], drops what tuned computes at run time, honours replace=1, and gives the default pool from tuned's vm.nr_hugepages", async () => {
    const facts = await bootFacts({
      'proc/meminfo': 'HugePages_Total:     512\nHugepagesize:       2048 kB\n',
      'etc/tuned/active_profile': 'kvm-pool\n',
      'usr/lib/tuned/throughput-performance/tuned.conf': shipped('throughput-performance'),
      'etc/tuned/kvm-pool/tuned.conf':
        '[main]\ninclude=throughput-performance\n[variables]\npages=512\n[sysctl]\nreplace=1\nvm.nr_hugepages=${pages}\nkernel.sched_domain=${f:exec:uname}\n',
    });
    expect(facts).toEqual({ 'vm.nr_hugepages': 512, 'pool 2048 (tuned)': 512 });
  });

  it('ignores profiles that are not active, and everything without an active profile', async () => {
    expect(await bootFacts({ ...tuned, 'etc/tuned/active_profile': '\n' })).toEqual({});
    expect(await bootFacts({ 'usr/lib/tuned/virtual-guest/tuned.conf': shipped('virtual-guest') })).toEqual({});
  });

  it('survives an include loop and a missing parent', async () => {
    const facts = await bootFacts({
      'etc/tuned/active_profile': 'a\n',
      'etc/tuned/a/tuned.conf': '[main]\ninclude=b,missing\n[sysctl]\nvm.swappiness=1\n',
      'etc/tuned/b/tuned.conf': '[main]\ninclude=a\n[sysctl]\nvm.swappiness=2\nvm.dirty_ratio=3\n',
    });
    expect(facts).toEqual({ 'vm.swappiness': 1, 'vm.dirty_ratio': 3 });
  });
});
