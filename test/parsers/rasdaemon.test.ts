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
const MCE = fixture('rasdaemon', 'ras-mc-ctl_--errors-mce.txt');
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

  it("reads its MCE records as the kernel's own machine check line would be read, with rasdaemon's decoding beside", () => {
    const c = parseText(rasdaemon, MCE, { path: PATH });
    const hw = eventsOf(c, 'hw-error');
    expect(hw.map((e) => [e.t, e.labels])).toEqual([
      [Date.UTC(2025, 3, 6, 1, 12, 33), { location: 'CPU 3 bank 7' }],
      [Date.UTC(2025, 3, 6, 15, 40, 2), { location: 'CPU 10 bank 8' }],
    ]);
    // status 0x8c00004000010091: UC clear; MCA code 0x0091 = 0000 0000 1001 0001, a memory controller's read error
    expect(hw[0]?.attrs).toEqual({
      source: 'mce',
      kind: 'corrected',
      unit: 'memory',
      errorCount: 1,
      location: 'CPU 3 bank 7',
      what: 'machine check, status 0x8c00004000010091',
      decoded: 'MEMORY CONTROLLER RD_CHANNEL1_ERR Transaction: Memory read error (memory_channel=1,rank=0)',
    });
    // UC set, PCC clear: uncorrected, not fatal; code 0x00c0, a memory scrub's error
    expect(hw[1]?.attrs).toMatchObject({ kind: 'uncorrected', unit: 'memory', what: 'machine check, status 0xbc000000008000c0' });
    expect(c.diagnostics).toEqual([]);
  });

  it('takes "No Memory errors." for an answer, and says so of anything else', () => {
    expect(parseText(rasdaemon, 'No Memory errors.\n\n', { path: PATH }).diagnostics).toEqual([]);
    expect(parseText(rasdaemon, "Can't locate DBI.pm in @INC\n", { path: PATH }).diagnostics.map((d) => d.message)).toEqual([
      'no "Memory controller events:" or "No Memory errors." section: not the output of ras-mc-ctl --errors',
    ]);
    fuzzParser(rasdaemon, PATH, [ERRORS, MCE]);
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

describe('a machine check rasdaemon decoded, that dmesg has whole or only as a notice', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-ras-mce-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  // booted 2025-04-06 00:00:00 UTC: rasdaemon's records are at 4 353 s (01:12:33) and 56 402 s (15:40:02)
  const bundle = await writeBundleDir(dir, 'sosreport-talos-2025-04-07-eeeeeee', {
    ...clockFiles(1743897600, 'Mon Apr  7 09:00:00 UTC 2025'),
    'sos_commands/rasdaemon/ras-mc-ctl_--errors': MCE,
    'sos_commands/kernel/dmesg': [
      // the corrected one: the kernel only noted it
      '[ 4353.201000] mce: [Hardware Error]: Machine check events logged',
      // the uncorrected one: printed whole, as the kernel does when it handles it
      '[56402.100000] mce: [Hardware Error]: CPU 10: Machine Check: 5 Bank 8: bc000000008000c0',
      '',
    ].join('\n'),
  });
  const { model, timeline } = await analyze([bundle]);

  it("counts each once, keeps rasdaemon's words for the copy dmesg dated, and drops the bare notice", () => {
    const hw = timeline.events.filter((e) => e.type === 'hw-error');
    expect(hw.map((e) => [e.attrs['location'], e.attrs['kind'], e.attrs['decoded']])).toEqual([
      ['CPU 3 bank 7', 'corrected', 'MEMORY CONTROLLER RD_CHANNEL1_ERR Transaction: Memory read error (memory_channel=1,rank=0)'],
      ['CPU 10 bank 8', 'uncorrected', 'MEMORY CONTROLLER MS_CHANNEL0_ERR Transaction: Memory scrubbing error (memory_channel=0,rank=1)'],
    ]);
    // the whole line is dmesg's copy, kept (dated by the kernel's stamp)
    expect(timeline.filePath(hw[1]?.file ?? -1)).toBe('sos_commands/kernel/dmesg');
    expect(model.report.findings.filter((f) => f.rule === 'hardware-errors').map((f) => [f.subject.device, f.severity])).toEqual([
      ['CPU 10 bank 8', 'critical'],
      ['CPU 3 bank 7', 'medium'],
    ]);
  });
});
