/**
 * rasdaemon's record of memory errors as `ras-mc-ctl --errors` prints it (sos's rasdaemon plugin):
 * the fixture is the real tool's output (rasdaemon 0.7, Debian 12) over a database rasdaemon created,
 * filled with rows shaped after the Inspur server's EDAC errors (test/fixtures/SOURCES-logs.md).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { parseText } from '../../src/parsers/collect.js';
import { rasdaemon } from '../../src/parsers/rasdaemon.js';
import { clockFiles, writeBundleDir } from '../helpers/bundle-dir.js';
import { eventsOf, fixture, fuzzParser } from './logs-helpers.js';

const ERRORS = fixture('rasdaemon', 'ras-mc-ctl_--errors.txt');
const PATH = 'sos_commands/rasdaemon/ras-mc-ctl_--errors';

describe('rasdaemon (ras-mc-ctl --errors)', () => {
  it("reads each recorded memory error as the kernel's EDAC line would be read, at its time and offset", () => {
    const c = parseText(rasdaemon, ERRORS, { path: PATH });
    const hw = eventsOf(c, 'hw-error');
    expect(hw).toHaveLength(3);
    expect(hw[0]).toMatchObject({ timeBase: 'utc', t: Date.UTC(2025, 3, 4, 10, 24, 1), labels: { location: 'CPU_SrcID#0_Ha#0_Chan#2_DIMM#0' } });
    // the same attributes as "EDAC MC0: 20 CE memory read error on CPU_SrcID#0_Ha#0_Chan#2_DIMM#0 (… page:0x104e5c …)"
    expect(hw[0]?.attrs).toEqual({
      source: 'edac',
      kind: 'corrected',
      unit: 'memory',
      errorCount: 20,
      location: 'CPU_SrcID#0_Ha#0_Chan#2_DIMM#0',
      mc: 'MC0',
      what: 'memory read error',
      page: 0x104e5c,
    });
    expect(hw.map((e) => [e.attrs['kind'], e.attrs['errorCount']])).toEqual([
      ['corrected', 20],
      ['corrected', 15745],
      ['uncorrected', 1],
    ]);
    expect(c.diagnostics).toEqual([]);
  });

  it('takes "No Memory errors." for an answer, and says so of anything else', () => {
    expect(parseText(rasdaemon, 'No Memory errors.\n\n', { path: PATH }).diagnostics).toEqual([]);
    expect(parseText(rasdaemon, "Can't locate DBI.pm in @INC\n", { path: PATH }).diagnostics.map((d) => d.message)).toEqual([
      'no "Memory controller events:" or "No Memory errors." section: not the output of ras-mc-ctl --errors',
    ]);
    fuzzParser(rasdaemon, PATH, [ERRORS]);
  });
});

describe("an error both in rasdaemon's record and in dmesg", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-ras-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  // booted 2025-04-04 05:00:00 UTC; 19441 s later is 10:24:01 UTC, 18:24:01 +0800, rasdaemon's first record
  const bundle = await writeBundleDir(dir, 'sosreport-talos-2025-04-05-ddddddd', {
    ...clockFiles(1743742800, 'Sat Apr  5 09:00:00 UTC 2025'),
    'sos_commands/rasdaemon/ras-mc-ctl_--errors': ERRORS,
    'sos_commands/kernel/dmesg':
      '[19441.095090] EDAC MC0: 20 CE memory read error on CPU_SrcID#0_Ha#0_Chan#2_DIMM#0 (channel:2 slot:0 page:0x104e5c offset:0x8c0 grain:32 syndrome:0x0 -  OVERFLOW area:DRAM err_code:0001:0092 socket:0 ha:0 channel_mask:4 rank:1 )\n',
  });
  const { model } = await analyze([bundle]);
  const dimm2 = model.report.findings.find((f) => f.subject.device === 'CPU_SrcID#0_Ha#0_Chan#2_DIMM#0');

  it('counts it once, and the errors only rasdaemon kept too', () => {
    expect(dimm2?.metrics['errors']).toBe(21);
    expect(dimm2?.metrics['uncorrected']).toBe(1);
    expect(dimm2?.severity).toBe('critical');
    expect(model.report.findings.find((f) => f.subject.device === 'CPU_SrcID#0_Ha#0_Chan#0_DIMM#0')?.metrics['errors']).toBe(15745);
    expect(model.report.diagnostics.some((d) => d.message.includes('counted once'))).toBe(true);
  });
});
