import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { writeBundleDir } from '../helpers/bundle-dir.js';

const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

async function failedStarts(libvirtdLog: string) {
  const root = await mkdtemp(path.join(tmpdir(), 'sosmortem-failed-starts-'));
  roots.push(root);
  const bundle = await writeBundleDir(root, 'sosreport-kvm1', {
    'var/log/libvirt/qemu/g1.log': '2026-12-07 14:34:54.253+0000: shutting down, reason=failed\n2026-12-07 15:00:00.000+0000: shutting down, reason=failed\n',
    'var/log/libvirt/libvirtd.log': libvirtdLog,
    'sos_commands/date/date': 'Mon Dec  7 15:10:00 UTC 2026\n',
  });
  const { timeline } = await analyze([bundle], { onlyRules: ['vm-start-failed'] });
  return timeline.events.filter((e) => e.type === 'vm-start-failed').map((e) => e.attrs);
}

describe("a failed start's error from libvirtd's log", () => {
  it('takes the nearest libvirtd error within a second of the failure, and none further away', async () => {
    const got = await failedStarts(
      [
        '2026-12-07 14:34:52.700+0000: 1939: error : virNetSocketReadWire:1791 : End of file while reading data: Input/output error',
        "2026-12-07 14:34:54.253+0000: 1939: error : virStorageSourceReportBrokenChain:1271 : Cannot access storage file '/img/a.qcow2' (as uid:64055, gid:64055): No such file or directory",
        '2026-12-07 14:34:55.100+0000: 1939: error : qemuMonitorIORead:423 : Unable to read from monitor: Connection reset by peer',
        // 1.5 s after the second failure: too far to be its cause
        '2026-12-07 15:00:01.500+0000: 1939: error : virCommandWait:2725 : internal error: Child process unexpected exit status 1',
      ].join('\n'),
    );
    expect(got).toEqual([
      {
        domain: 'g1',
        error: "Cannot access storage file '/img/a.qcow2' (as uid:64055, gid:64055): No such file or directory",
        cause: 'file-access',
        errorSource: 'libvirtd',
      },
      { domain: 'g1', error: '', cause: 'unknown' },
    ]);
  });
});
