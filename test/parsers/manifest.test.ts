import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { manifestParser, parseManifestTime } from '../../src/parsers/manifest.js';
import { fact, fixture, fuzz } from './system-helpers.js';

const V42 = fixture('manifest', 'hotsos-openstack-compute4/version.txt');
const V35 = fixture('manifest', 'pbench-fedora27-dhcp31-44/version.txt');

// Shaped like sos 4.x sos_reports/manifest.json: start_time is str(datetime.now()) (naive local),
// command start_time is time.time() (epoch seconds). Synthetic: no real manifest.json in the corpus.
const MANIFEST = JSON.stringify(
  {
    version: '4.5.6',
    cmdline: 'sos report --batch',
    start_time: '2026-11-23 10:49:13.123456',
    end_time: '2026-11-23 10:52:01.000001',
    components: {
      report: {
        plugins: {
          logs: {
            commands: [
              { command: 'journalctl', exec: 'journalctl --no-pager', filepath: 'sos_commands/logs/journalctl_--no-pager', truncated: true, return_code: 0, start_time: 1795427360.5, run_time: 12.1 },
              { command: 'dmesg', exec: 'dmesg', filepath: 'sos_commands/kernel/dmesg', truncated: false, return_code: 0, start_time: 1795427355.25, run_time: 0.1 },
            ],
            files: [],
          },
        },
      },
    },
  },
  null,
  2,
);

describe('manifest', () => {
  it('reads the sos version from version.txt', () => {
    expect(fact(parseText(manifestParser, V42, { path: 'version.txt' }), 'sos.version')).toBe('4.2');
    expect(fact(parseText(manifestParser, V35, { path: 'version.txt' }), 'sos.version')).toBe('3.5');
  });

  it('reads version, naive local start time, truncation and per-file times from manifest.json', () => {
    const c = parseText(manifestParser, MANIFEST, { path: 'sos_reports/manifest.json' });
    expect(fact(c, 'sos.version')).toBe('4.5.6');
    expect(fact(c, 'time.collectedLocal')).toBe(Date.UTC(2026, 10, 23, 10, 49, 13, 123));
    expect(c.facts.some((f) => f.name === 'time.collectedUtc')).toBe(false);
    expect(fact(c, 'sos.truncated', { file: 'sos_commands/logs/journalctl_--no-pager' })).toBe(true);
    expect(c.facts.filter((f) => f.name === 'sos.truncated')).toHaveLength(1);
    expect(fact(c, 'sos.fileCollectedUtc', { file: 'sos_commands/kernel/dmesg' })).toBe(1795427355250);
    expect(c.diagnostics.filter((d) => d.severity === 'warning')).toHaveLength(1);
  });

  it('reads start times with offsets, Z and epoch numbers as UTC', () => {
    expect(parseManifestTime('2026-11-23T10:49:13+01:00')).toEqual({ base: 'utc', ms: Date.UTC(2026, 10, 23, 9, 49, 13) });
    expect(parseManifestTime('2026-11-23T10:49:13.5Z')).toEqual({ base: 'utc', ms: Date.UTC(2026, 10, 23, 10, 49, 13, 500) });
    expect(parseManifestTime(1795427355)).toEqual({ base: 'utc', ms: 1795427355000 });
    expect(parseManifestTime('yesterday')).toBeNull();
  });

  it('reports broken JSON once, at file level', () => {
    const c = parseText(manifestParser, MANIFEST.slice(0, 200), { path: 'sos_reports/manifest.json' });
    expect(c.diagnostics.map((d) => [d.line, d.severity])).toEqual([[undefined, 'error']]);
  });

  it('never throws on random or damaged input', () => {
    fuzz(manifestParser, [MANIFEST], 'sos_reports/manifest.json');
    fuzz(manifestParser, [V35], 'version.txt', 50);
  });
});

// Real sos 4.0 (Debian 12 package "sosreport") run on this project's machine:
// `sos report --batch --build --tmp-dir /tmp/sosrun --only-plugins process,memory,date,kernel`.
// See test/fixtures/SOURCES-system.md.
describe('manifest: real sos 4.0 capture', () => {
  const TREE = 'local-capture-debian12-sos4.0';

  it('reads version and the naive local start time; sos 4.0 commands carry no truncated/start_time', () => {
    const c = parseText(manifestParser, fixture('manifest', `${TREE}/sos_reports/manifest.json`), { path: 'sos_reports/manifest.json' });
    expect(c.diagnostics).toEqual([]);
    expect(fact(c, 'sos.version')).toBe('4.0');
    // "start_time": "2026-11-23 15:00:09.207376" (the machine runs in UTC; date_--utc said 15:00:09)
    expect(fact(c, 'time.collectedLocal')).toBe(Date.UTC(2026, 10, 23, 15, 0, 9, 207));
    expect(c.facts.map((f) => f.name).sort()).toEqual(['sos.version', 'time.collectedLocal']);
  });

  it('reads the version from the same run\'s version.txt', () => {
    expect(fact(parseText(manifestParser, fixture('manifest', `${TREE}/version.txt`), { path: 'version.txt' }), 'sos.version')).toBe('4.0');
  });
});
