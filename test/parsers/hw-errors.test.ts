/**
 * Hardware error reports in the kernel log, read by the kernel-event scanner
 * from real captures (test/fixtures/hw-errors, SOURCES-logs.md): an Intel
 * server whose DIMMs corrected tens of thousands of errors (sb_edac, GHES,
 * memory-failure), and an AMD desktop whose CPU caches corrected ECC errors
 * (mce_amd's decoder).
 */
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/parsers/collect.js';
import { dmesg } from '../../src/parsers/dmesg.js';
import { syslog } from '../../src/parsers/syslog.js';
import { eventsOf, fixture, fuzzParser, scanKernel as scan } from './logs-helpers.js';

const INTEL_DMESG = fixture('hw-errors', 'inspur-nf5270m3_sbridge-edac_dmesg-grep-error.txt');
const INTEL_SYSLOG = fixture('hw-errors', 'inspur-nf5270m3_sbridge-edac_syslog-rfc3339.txt');
const AMD_SYSLOG = fixture('hw-errors', 'amd-fx9590_fam15h-cache-ecc_syslog.txt');

describe('kernel-events: hardware errors', () => {
  it("counts EDAC's corrected errors per DIMM as the lines state them, once each, with no event for sb_edac's own MCE dump or the notices it decoded", () => {
    const c = parseText(dmesg, INTEL_DMESG, { path: 'sos_commands/kernel/dmesg' });
    const hw = eventsOf(c, 'hw-error');
    const edac = hw.filter((e) => e.attrs['source'] === 'edac');
    expect(edac).toHaveLength(17);
    const byDimm = new Map<string, number>();
    for (const e of edac) byDimm.set(String(e.attrs['location']), (byDimm.get(String(e.attrs['location'])) ?? 0) + Number(e.attrs['errorCount']));
    expect(Object.fromEntries(byDimm)).toEqual({
      'CPU_SrcID#0_Ha#0_Chan#2_DIMM#0': 16385 + 25284 + 16708 + 32750 + 16687 + 15575 + 19211 + 16437 + 4223 + 24245 + 48,
      'CPU_SrcID#0_Ha#0_Chan#0_DIMM#0': 15745 + 24609 + 5555 + 4858 + 4119 + 3976,
    });
    expect(edac[0]?.attrs).toMatchObject({ kind: 'corrected', unit: 'memory', mc: 'MC0', what: 'memory read error', page: 0x46f934 });
    expect(edac[0]?.labels).toEqual({ location: 'CPU_SrcID#0_Ha#0_Chan#2_DIMM#0' });
    // the firmware-first (GHES) record before them: one corrected memory error, its lines as evidence
    const ghes = hw.filter((e) => e.attrs['source'] === 'ghes');
    expect(ghes).toHaveLength(1);
    expect(ghes[0]?.attrs).toMatchObject({ kind: 'corrected', unit: 'memory', what: 'single-bit ECC', location: 'node 0 device 0' });
    expect(ghes[0]?.lines.length).toBeGreaterThan(3);
    // "Machine check events logged" beside an EDAC line is that line's error: not counted again
    expect(hw.filter((e) => e.attrs['source'] === 'mce')).toHaveLength(0);
  });

  it('reads the same server through syslog: the retired pages, the GHES record and the EDAC line', () => {
    const c = parseText(syslog, INTEL_SYSLOG, { path: 'var/log/messages' });
    const hw = eventsOf(c, 'hw-error');
    expect(hw.map((e) => `${e.attrs['source']} ${e.attrs['kind']}`)).toEqual([
      'memory-failure page-retired',
      'ghes corrected',
      'edac corrected',
      'memory-failure page-retired',
    ]);
    expect(hw[0]?.attrs).toMatchObject({ page: 0x46fab5, what: 'unhandlable page.' });
    expect(hw[2]?.attrs).toMatchObject({ errorCount: 20, location: 'CPU_SrcID#0_Ha#0_Chan#2_DIMM#0', page: 0x104e5c });
  });

  it("reads AMD's decoded machine checks as cache errors on a CPU and bank, one per report, and drops the notice after each", () => {
    const c = parseText(syslog, AMD_SYSLOG, { path: 'var/log/messages' });
    const hw = eventsOf(c, 'hw-error');
    expect(hw).toHaveLength(9);
    expect(hw.every((e) => e.attrs['source'] === 'mce' && e.attrs['kind'] === 'corrected' && e.attrs['unit'] === 'cache')).toBe(true);
    expect(hw.map((e) => e.attrs['location'])).toEqual([
      'CPU 3 bank 2',
      'CPU 2 bank 2',
      'CPU 3 bank 2',
      'CPU 2 bank 2',
      'CPU 0 bank 2',
      'CPU 3 bank 2',
      'CPU 2 bank 2',
      'CPU 2 bank 2',
      'CPU 3 bank 2',
    ]);
    expect(hw[0]?.attrs['what']).toBe('Fill ECC error on data fills');
    expect(hw[4]?.attrs['what']).toBe('VB Data ECC or parity error');
    expect(hw[0]?.lines.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads a machine check the kernel printed whole by its status bits, and keeps a notice no decoded error accounts for', () => {
    const c = scan([
      // a fatal one (UC and PCC set), as printed at boot for the error that reset the machine (LKML, 2020)
      'mce: [Hardware Error]: CPU 2: Machine Check: 0 Bank 5: bea0000000000108',
      'mce: [Hardware Error]: TSC 0 ADDR 7f80a0c0181a MISC d012000100000000 SYND 4d000000 IPID 500b000000000',
      'random: crng init done',
      'x',
      'x',
      'x',
      'x',
      // 7 s after the fatal one and 8 s before the next decoded error: an error of its own
      'mce: [Hardware Error]: Machine check events logged',
      'x',
      'x',
      'x',
      'x',
      'x',
      'x',
      // 1 s before the EDAC line that decodes it
      'mce: [Hardware Error]: Machine check events logged',
      'EDAC MC1: 1 UE memory read error on DIMM_B2',
      'Memory failure: 0x1234: Sending SIGBUS to qemu-kvm:4242 due to hardware memory corruption',
      'Memory failure: 0x1234: recovery action for dirty LRU page: Recovered',
    ]);
    const hw = eventsOf(c, 'hw-error');
    expect(hw.map((e) => [e.attrs['source'], e.attrs['kind'], e.attrs['location'] ?? null])).toEqual([
      ['mce', 'fatal', 'CPU 2 bank 5'],
      ['mce', 'corrected', null],
      ['edac', 'uncorrected', 'DIMM_B2'],
      ['memory-failure', 'page-retired', null],
      ['memory-failure', 'page-retired', null],
    ]);
    expect(hw[3]?.attrs).toMatchObject({ killedComm: 'qemu-kvm', killedPid: 4242, page: 0x1234 });
    expect(hw[4]?.attrs['result']).toBe('recovered');
  });

  it('reads no hardware error from EDAC start-up lines or a thermal notice', () => {
    const c = scan([
      'EDAC MC: Ver: 3.0.0',
      'EDAC MC0: Giving out device to module sb_edac controller Ivy Bridge SrcID#0_Ha#0: DEV 0000:ff:0e.0 (INTERRUPT)',
      'mce: CPU supports 10 MCE banks',
      'mce: CPU0: Core temperature above threshold, cpu clock throttled (total events = 1)',
      '{1}not a record',
    ]);
    expect(eventsOf(c, 'hw-error')).toEqual([]);
  });
});

describe('hardware error lines, cut and mangled', () => {
  it('never make a log parser throw or leave a diagnostic unlocated', () => {
    fuzzParser(dmesg, 'sos_commands/kernel/dmesg', [INTEL_DMESG]);
    fuzzParser(syslog, 'var/log/messages', [INTEL_SYSLOG, AMD_SYSLOG]);
  });
});
