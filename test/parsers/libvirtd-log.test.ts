import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseText } from '../../src/parsers/collect.js';
import { libvirtdLog } from '../../src/parsers/libvirtd-log.js';

// Layout of virLogFormatString() (src/util/virlog.c); messages invented in libvirt's wording.
const LOG = `2019-06-04 05:33:22.280+0000: 1234: info : libvirt version: 4.5.0, package: 10.el7
2019-06-04 05:33:22.281+0000: 1234: info : hostname: host1
2019-06-04 05:40:01.100+0000: 1250: error : qemuMonitorIO:718 : internal error: End of file from qemu monitor
2019-06-04 05:40:02.000+0000: 1250: warning : qemuGetProcessInfo:1428 : cannot parse process status data
2019-06-04 05:41:00.500+0000: 1251: error : virNetSocketReadWire:1806 : End of file while reading data: Input/output error
`;

function parse(text: string) {
  return parseText(libvirtdLog, text, { path: 'var/log/libvirt/libvirtd.log' });
}

describe('libvirtd-log', () => {
  it('emits libvirtd-error events for error lines only, at UTC, and a libvirtd-start for the version line the daemon writes when it starts', () => {
    const r = parse(LOG);
    expect(r.events.map((e) => e.type)).toEqual(['libvirtd-start', 'libvirtd-error', 'libvirtd-error']);
    expect(r.events[0]?.attrs['version']).toBe('4.5.0, package: 10.el7');
    const errors = r.events.slice(1);
    expect(errors[0]).toMatchObject({
      type: 'libvirtd-error',
      timeBase: 'utc',
      t: Date.UTC(2019, 5, 4, 5, 40, 1, 100),
      line: 3,
      attrs: { msg: 'internal error: End of file from qemu monitor', fn: 'qemuMonitorIO:718', tid: 1250 },
    });
    expect(errors[1]?.attrs['msg']).toBe('End of file while reading data: Input/output error');
    expect(r.diagnostics).toEqual([]);
  });

  it('keeps " : " inside the message', () => {
    const r = parse('2020-01-01 00:00:00.000+0000: 7: error : virFoo:1 : a : b\n');
    expect(r.events[0]?.attrs['msg']).toBe('a : b');
  });

  it('sniffs the log and matches its path', () => {
    expect(libvirtdLog.sniff(LOG, 'libvirtd.log')).toBe(true);
    expect(libvirtdLog.paths.some((p) => p.test('var/log/libvirt/libvirtd.log.1'))).toBe(true);
  });

  it('never throws on random or mutated input', () => {
    const lines = LOG.split('\n');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.shuffledSubarray(lines).map((l) => l.join('\n')), fc.nat(LOG.length).map((n) => LOG.slice(n))), (text) => {
        for (const d of parse(text).diagnostics) expect(d.severity).not.toBe('error');
      }),
      { numRuns: 300 },
    );
  });
});
