import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '../../src/parsers/collect.js';
import { libvirtQemuLog, parseStamp, qemuMemoryMiB, startFailureCause } from '../../src/parsers/libvirt-qemu-log.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/libvirt-qemu-log/${name}`, import.meta.url), 'utf8');
const MIGRATED = fixture('ubuntu20.04_libvirt6.0_qemu4.2_instance-00000002_live-migrated-out.log');
const STARTED = fixture('ubuntu20.04_libvirt6.0_qemu4.2_instance-00000001_start.log');

function parse(text: string, path = 'var/log/libvirt/qemu/guest1.log') {
  return parseText(libvirtQemuLog, text, { path });
}

describe('libvirt-qemu-log', () => {
  it('matches qemu logs in plain and containerised (OpenStack) layouts, with rotation suffixes', () => {
    const re = libvirtQemuLog.paths;
    for (const p of ['var/log/libvirt/qemu/instance-00000001.log', 'var/log/containers/libvirt/qemu/vm1.log', 'var/log/libvirt/qemu/vm1.log.1', 'var/log/libvirt/qemu/vm1.log-20190604'])
      expect(re.some((r) => r.test(p)), p).toBe(true);
    expect(re.some((r) => r.test('var/log/libvirt/libvirtd.log'))).toBe(false);
  });

  it('reads the migrated-out guest: start, migrate out at 16:18:31.313 UTC, shutdown reason=migrated', () => {
    const r = parse(MIGRATED, 'var/log/libvirt/qemu/instance-00000002.log');
    const types = r.events.map((e) => e.type);
    expect(types).toEqual(['vm-start', 'vm-migrate', 'vm-shutdown']);
    const start = r.events[0];
    expect(start?.t).toBe(Date.UTC(2022, 1, 10, 16, 14, 3, 381));
    expect(start?.attrs['libvirtVersion']).toBe('6.0.0');
    expect(start?.labels).toEqual({ domain: 'instance-00000002' });
    const mig = r.events[1];
    expect(mig?.t).toBe(Date.UTC(2022, 1, 10, 16, 18, 31, 313));
    expect(mig?.timeBase).toBe('utc');
    expect(mig?.attrs).toMatchObject({ domain: 'instance-00000002', direction: 'out' });
    expect(mig?.line).toBe(48);
    expect(r.events[2]?.attrs['reason']).toBe('migrated');
    expect(r.events[2]?.t).toBe(Date.UTC(2022, 1, 10, 16, 18, 33, 29));
    // the SIGTERM after libvirt's own shutdown line is the normal stop path, not a crash
    expect(types).not.toContain('vm-crash');
  });

  it('turns the backslash-continued command line into vm.cmdline, -m and -smp facts', () => {
    const r = parse(MIGRATED, 'var/log/libvirt/qemu/instance-00000002.log');
    const cmd = r.facts.find((f) => f.name === 'vm.cmdline');
    expect(typeof cmd?.value).toBe('string');
    expect(String(cmd?.value)).toMatch(/^LC_ALL=C PATH=\S+ HOME=/);
    expect(String(cmd?.value)).toContain('-name guest=instance-00000002,debug-threads=on');
    expect(String(cmd?.value).length).toBeLessThanOrEqual(2000);
    expect(r.facts.find((f) => f.name === 'vm.qemuMemoryMiB')?.value).toBe(2048);
    expect(r.facts.find((f) => f.name === 'vm.qemuSmp')?.value).toBe(1);
    // located at the option's own line, which a finding quoting the guest's size then shows
    expect(r.facts.filter((f) => f.name === 'vm.qemuMemoryMiB' || f.name === 'vm.qemuSmp').map((f) => f.line)).toEqual([15, 17]);
  });

  it('flags a guest started with -incoming as migrated in, and a log that ends while running', () => {
    const r = parse(STARTED, 'var/log/libvirt/qemu/instance-00000001.log');
    expect(r.events.map((e) => e.type)).toEqual(['vm-start', 'vm-migrate', 'vm-log-ends-running']);
    expect(r.events[1]?.attrs['direction']).toBe('in');
    const tail = r.events[2];
    expect(tail?.t).toBe(Date.UTC(2022, 1, 10, 16, 18, 5, 33));
    expect(tail?.line).toBe(48);
    expect(String(tail?.attrs['lastLine'])).toContain('vmx-entry-load-perf-global-ctrl');
    expect(r.diagnostics).toEqual([]);
  });

  it('reports a KVM internal error and the SIGABRT that follows as one crash', () => {
    const text = [
      '2019-06-04 05:33:22.280+0000: starting up libvirt version: 4.5.0, qemu version: 2.12.0',
      'KVM internal error. Suberror: 1',
      'emulation failure',
      '2019-06-04T05:40:00.000000Z qemu-kvm: terminating on signal 6',
      '2019-06-04 05:40:01.000+0000: shutting down, reason=crashed',
    ].join('\n');
    const r = parse(text);
    const crashes = r.events.filter((e) => e.type === 'vm-crash');
    expect(crashes).toHaveLength(1);
    expect(crashes[0]?.attrs).toMatchObject({ domain: 'guest1', kind: 'kvm-internal-error', signal: 6 });
    expect(crashes[0]?.line).toBe(2);
    expect(crashes[0]?.lines.map((l) => l.line)).toEqual([2, 3, 4, 5]);
    expect(r.events.find((e) => e.type === 'vm-shutdown')?.attrs['reason']).toBe('crashed');
    expect(r.events.some((e) => e.type === 'vm-log-ends-running')).toBe(false);
  });

  it('reads a real KVM internal error (the guest paused) and a later run killed for memory as two crashes, each said in words', () => {
    // libvirt 9.0, QEMU 7.2: run 2 paused on an emulation failure and was destroyed, run 4's QEMU was OOM-killed
    const r = parse(fixture('debian12_libvirt9.0_qemu7.2_oom01_kvm-internal-error_then-oom-killed.log'), 'var/log/libvirt/qemu/oom01.log');
    const crashes = r.events.filter((e) => e.type === 'vm-crash');
    expect(crashes.map((e) => [e.line, e.t, e.attrs['kind'], e.attrs['what'], e.attrs['paused'] ?? false])).toEqual([
      [83, Date.UTC(2026, 11, 7, 7, 58, 44, 940), 'kvm-internal-error', 'KVM internal error, emulation failure', true],
      [197, Date.UTC(2026, 11, 7, 8, 2, 27, 200), 'reason-crashed', 'libvirt: reason=crashed', false],
    ]);
    expect(crashes[0]?.attrs['suberror']).toBe(1);
    // its evidence: the headline, what failed, and where the guest was; not the raw words and registers
    expect(crashes[0]?.lines.map((l) => l.text.slice(0, 25))).toEqual(['KVM internal error. Suber', 'emulation failure', 'RIP=ffffffff86515690 RFL=', 'Code=24 5b 80 41 81 e3 00']);
    // virsh destroy: QEMU logs libvirtd's SIGTERM, then libvirt its shutdown line; one shutdown, not two
    const stops = r.events.filter((e) => e.type === 'vm-shutdown');
    expect(stops.map((e) => e.attrs['reason'])).toEqual(['failed', 'destroyed', 'destroyed', 'crashed']);
    expect(stops[2]?.attrs).toMatchObject({ signal: 15, fromPid: 28149, fromCmd: 'libvirtd' });
    expect(stops[2]?.lines.map((l) => l.line)).toEqual([155, 156]);
  });

  it('reports an assertion failure and signal 11 as crashes, and a one-line old-style command line', () => {
    const text = [
      '2016-01-01 10:00:00.000+0000: starting up libvirt version: 1.2.17',
      'LC_ALL=C PATH=/usr/bin QEMU_AUDIO_DRV=none /usr/libexec/qemu-kvm -name rhel7 -m 4096 -smp 4,sockets=4,cores=1,threads=1',
      "qemu-kvm: block.c:2307: bdrv_open: Assertion `bs->x' failed.",
      '2016-01-01 11:00:00.000+0000: starting up libvirt version: 1.2.17',
      '2016-01-01T11:30:00.000000Z qemu-kvm: terminating on signal 11 from pid 99',
    ].join('\n');
    const r = parse(text);
    expect(r.facts.find((f) => f.name === 'vm.qemuMemoryMiB')?.value).toBe(4096);
    expect(r.facts.find((f) => f.name === 'vm.qemuSmp')?.value).toBe(4);
    const crashes = r.events.filter((e) => e.type === 'vm-crash');
    expect(crashes.map((c) => c.attrs['kind'])).toEqual(['assertion', 'signal']);
    expect(crashes[0]?.t).toBe(Date.UTC(2016, 0, 1, 10, 0, 0));
    expect(crashes[1]?.attrs['signal']).toBe(11);
  });

  it('treats SIGTERM without a libvirt shutdown line as a shutdown by signal', () => {
    const r = parse('2020-01-01 00:00:00.000+0000: starting up\n2020-01-01T01:00:00.000000Z qemu-system-x86_64: terminating on signal 15 from pid 1234 (/usr/sbin/libvirtd)\n');
    const sd = r.events.find((e) => e.type === 'vm-shutdown');
    expect(sd?.attrs).toMatchObject({ reason: 'signal', signal: 15, fromPid: 1234, fromCmd: '/usr/sbin/libvirtd' });
    expect(r.events.some((e) => e.type === 'vm-log-ends-running')).toBe(false);
  });

  it("reads a failed start with the error before it: QEMU's own (a real hugepage shortage) and libvirt's (a real locked-memory refusal)", () => {
    const r = parse(
      [
        '2026-12-07 14:26:07.799+0000: starting up libvirt version: 9.0.0, package: 9.0.0-4+deb12u2 (Debian), qemu version: 7.2.22Debian 1:7.2+dfsg-7+deb12u18+b3, kernel: 6.18.44-fc-v1300, hostname: vm',
        "2026-12-07T14:26:07.801000Z qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]",
        '2026-12-07T14:26:07.857912Z qemu-system-x86_64: unable to map backing store for guest RAM: Cannot allocate memory',
        '2026-12-07 14:26:09.864+0000: shutting down, reason=failed',
        '2026-12-07 14:30:00.000+0000: starting up libvirt version: 9.0.0',
        'libvirt:  error : cannot limit locked memory of process 28184 to 314572800: Operation not permitted',
        '2026-12-07 14:30:00.100+0000: shutting down, reason=failed',
        '2026-12-07 14:31:00.000+0000: starting up libvirt version: 9.0.0',
        '2026-12-07 14:31:02.000+0000: shutting down, reason=failed',
      ].join('\n'),
      'var/log/libvirt/qemu/hpbig.log',
    );
    const failed = r.events.filter((e) => e.type === 'vm-start-failed');
    expect(failed.map((e) => e.attrs)).toEqual([
      { domain: 'hpbig', error: 'unable to map backing store for guest RAM: Cannot allocate memory', cause: 'guest-ram' },
      { domain: 'hpbig', error: 'cannot limit locked memory of process 28184 to 314572800: Operation not permitted', cause: 'memlock' },
      { domain: 'hpbig', error: '', cause: 'unknown' },
    ]);
    // the warning is not the error; the event quotes the error and libvirt's line
    expect(failed[0]?.lines.map((l) => l.line)).toEqual([3, 4]);
    expect(failed[0]?.t).toBe(Date.UTC(2026, 11, 7, 14, 26, 9, 864));
    // each is a shutdown too, as before
    expect(r.events.filter((e) => e.type === 'vm-shutdown').map((e) => e.attrs['reason'])).toEqual(['failed', 'failed', 'failed']);
  });

  it('classifies the errors that keep a guest from starting', () => {
    expect(startFailureCause("cannot set up guest memory 'pc.ram': Cannot allocate memory")).toBe('guest-ram');
    expect(startFailureCause('-drive file=/var/lib/libvirt/images/a.qcow2,format=qcow2,if=none,id=drive-virtio-disk0: Failed to get "write" lock')).toBe('image-locked');
    expect(startFailureCause("-blockdev {…}: Could not open '/var/lib/libvirt/images/a.qcow2': Permission denied")).toBe('file-access');
    expect(startFailureCause('failed to initialize kvm: Permission denied')).toBe('kvm');
    expect(startFailureCause('Could not access KVM kernel module: No such file or directory')).toBe('kvm');
    expect(startFailureCause('network script /etc/qemu-ifup failed with status 256')).toBe('other');
  });

  it('reports a failed incoming migration and an abort', () => {
    const text = [
      '2021-03-01 08:00:00.000+0000: starting up libvirt version: 7.0.0',
      '2021-03-01T08:00:05.000000Z qemu-kvm: load of migration failed: Input/output error',
      '2021-03-01 08:00:06.000+0000: shutting down, reason=failed',
      '2021-03-01 09:00:00.000+0000: starting up libvirt version: 7.0.0',
      'Aborted (core dumped)',
    ].join('\n');
    const r = parse(text);
    const mig = r.events.find((e) => e.type === 'vm-migrate');
    expect(mig?.attrs).toMatchObject({ status: 'failed' });
    expect(mig?.t).toBe(Date.UTC(2021, 2, 1, 8, 0, 5));
    expect(r.events.find((e) => e.type === 'vm-shutdown')?.attrs['reason']).toBe('failed');
    const crash = r.events.filter((e) => e.type === 'vm-crash');
    expect(crash.map((c) => [c.attrs['kind'], c.line, c.t])).toEqual([['abort', 5, Date.UTC(2021, 2, 1, 9, 0, 0)]]);
  });

  it('parses stamps with offsets and QEMU memory sizes with suffixes', () => {
    expect(parseStamp('2019-06-04 05:33:22.280+0000: x')?.t).toBe(Date.UTC(2019, 5, 4, 5, 33, 22, 280));
    expect(parseStamp('2019-06-04 07:33:22.280+0200: x')?.t).toBe(Date.UTC(2019, 5, 4, 5, 33, 22, 280));
    expect(parseStamp('2019-06-04T05:33:22.280743Z qemu-kvm: x')?.rest).toBe('qemu-kvm: x');
    expect(parseStamp('not a stamp')).toBeNull();
    expect(qemuMemoryMiB('size=4194304k,slots=16,maxmem=8G')).toBe(4096);
    expect(qemuMemoryMiB('2G')).toBe(2048);
    expect(Number.isNaN(qemuMemoryMiB('foo'))).toBe(true);
  });

  it('sniffs a loose qemu log by its header', () => {
    expect(libvirtQemuLog.sniff(MIGRATED.slice(0, 2000), 'x.log')).toBe(true);
    expect(libvirtQemuLog.sniff('hello world', 'x.log')).toBe(false);
  });

  it('never throws on random or mutated input, and every diagnostic is located', () => {
    const lines = MIGRATED.split('\n');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.array(fc.constantFrom(...lines, '\\', 'KVM internal error', ''), { maxLength: 60 }).map((l) => l.join('\n')), fc.nat(MIGRATED.length).map((n) => MIGRATED.slice(0, n))), (text) => {
        const r = parse(text);
        const n = text.split('\n').length;
        for (const d of r.diagnostics) {
          expect(d.severity).not.toBe('error');
          if (d.line !== undefined) expect(d.line >= 1 && d.line <= n).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
