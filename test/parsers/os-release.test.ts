import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { osReleaseParser, unquote } from '../../src/parsers/os-release.js';
import { fixture, fuzz } from './system-helpers.js';

const read = (text: string) => parseText(osReleaseParser, text, { path: 'etc/os-release' });

describe('os-release', () => {
  it("reads a real Debian 12's ID, version and name", () => {
    const r = read(fixture('os-release', 'debian12_os-release'));
    expect(r.facts.map((f) => [f.name, f.value, f.line])).toEqual([
      ['os.prettyName', 'Debian GNU/Linux 12 (bookworm)', 1],
      ['os.versionId', '12', 3],
      ['os.id', 'debian', 6],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads the family a RHEL rebuild names in ID_LIKE, in any of the shell quotings os-release(5) allows', () => {
    // the keys as os-release(5) defines them, in the shape RHEL-like distributions write them
    const r = read(
      ['# comment', 'NAME="Rocky Linux"', "ID='rocky'", 'ID_LIKE="rhel centos fedora"', 'VERSION_ID=9.3', 'PRETTY_NAME="Rocky Linux 9.3 \\"Blue Onyx\\""'].join(
        '\n',
      ),
    );
    expect(Object.fromEntries(r.facts.map((f) => [f.name, f.value]))).toEqual({
      'os.id': 'rocky',
      'os.idLike': 'rhel centos fedora',
      'os.versionId': '9.3',
      'os.prettyName': 'Rocky Linux 9.3 "Blue Onyx"',
    });
  });

  it('refuses broken quoting and says so, and a file that is not os-release', () => {
    const r = read('ID="debian\nVERSION_ID=12\n');
    expect(r.facts.map((f) => f.name)).toEqual(['os.versionId']);
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[1, expect.stringMatching(/^ID= has a value/)]]);
    expect(read('hello world\n').diagnostics.map((d) => d.message)).toEqual(['no ID, VERSION_ID or PRETTY_NAME line: not an os-release file']);
    expect(unquote('a b')).toBeNull();
    expect(unquote("'it'")).toBe('it');
  });

  it('survives hostile input', () => {
    fuzz(osReleaseParser, [fixture('os-release', 'debian12_os-release')], 'etc/os-release');
  });
});
