import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { hostnameParser } from '../../src/parsers/hostname.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const PBENCH = fixture('hostname', 'pbench-fedora27-dhcp31-44/sos_commands/general/hostname');
const HOTSOS = fixture('hostname', 'hotsos-openstack-compute4/sos_commands/host/hostname');

describe('hostname', () => {
  it('reads short and fully qualified names', () => {
    expect(fact(parseText(hostnameParser, PBENCH, { path: 'sos_commands/general/hostname' }), 'host.hostname')).toBe('dhcp31-44.perf.lab.eng.bos.redhat.com');
    expect(fact(parseText(hostnameParser, HOTSOS, { path: 'sos_commands/host/hostname' }), 'host.hostname')).toBe('compute4');
  });

  it('skips comments in /etc/hostname', () => {
    expect(fact(parseText(hostnameParser, '# set by installer\nweb01\n', { path: 'etc/hostname' }), 'host.hostname')).toBe('web01');
  });

  it('rejects text that is not a host name', () => {
    const c = parseText(hostnameParser, 'hostname: command not found\n', { path: 'hostname' });
    expect(c.facts).toEqual([]);
    expect(c.diagnostics.map((d) => d.line)).toEqual([1, undefined]);
  });

  it('notes a flattened top-level symlink', () => {
    const c = parseText(hostnameParser, 'sos_commands/host/hostname', { path: 'hostname' });
    expect(c.facts).toEqual([]);
    expect(c.diagnostics.map((d) => d.severity)).toEqual(['info']);
  });

  it('never throws on random or damaged input', () => {
    fuzz(hostnameParser, [PBENCH, HOTSOS], 'hostname');
  });
});
