import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { parseUnameA, unameParser } from '../../src/parsers/uname.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('uname', 'pbench-fedora27-dhcp31-44/sos_commands/kernel/uname_-a');
const HOTSOS = fixture('uname', 'hotsos-openstack-compute4/sos_commands/kernel/uname_-a');

describe('uname', () => {
  it('reads kernel, host name and machine from uname -a', () => {
    const c = parseText(unameParser, PBENCH, { path: 'sos_commands/kernel/uname_-a' });
    expect(fact(c, 'host.kernel')).toBe('4.13.9-300.fc27.x86_64');
    expect(fact(c, 'host.hostname')).toBe('dhcp31-44.perf.lab.eng.bos.redhat.com');
    expect(fact(c, 'host.arch')).toBe('x86_64');
    const h = parseText(unameParser, HOTSOS, { path: 'uname' });
    expect(fact(h, 'host.kernel')).toBe('5.4.0-97-generic');
    expect(fact(h, 'host.hostname')).toBe('compute4');
  });

  it('finds the machine when processor and platform are omitted (Debian)', () => {
    const u = parseUnameA('Linux deb 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux');
    expect(u?.arch).toBe('x86_64');
    expect(parseUnameA('Linux z 4.12.14 #1 SMP Tue Jan 1 2019 s390x s390x s390x GNU/Linux')?.arch).toBe('s390x');
  });

  it('warns on other text', () => {
    const c = parseText(unameParser, 'Darwin mac 23.0\n', { path: 'uname' });
    expect(c.facts).toEqual([]);
    expect(c.diagnostics[0]?.line).toBe(1);
  });

  it('never throws on random or damaged input', () => {
    fuzz(unameParser, [PBENCH, HOTSOS], 'uname');
  });
});
