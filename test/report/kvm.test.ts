import { describe, expect, it } from 'vitest';
import { compressList, kvmView, parsePins } from '../../src/report/kvm.js';
import { loadModel } from './helpers.js';

describe('kvm view', () => {
  it('compresses CPU lists into ranges and parses vcpupin text back, cpusets with commas included', () => {
    expect(compressList([3, 0, 1, 2, 8, 10, 11])).toBe('0-3,8,10-11');
    expect(parsePins('0→2, 1→3-4,8')).toEqual([
      { vcpu: 0, cpus: [2] },
      { vcpu: 1, cpus: [3, 4, 8] },
    ]);
    expect(parsePins(null)).toEqual([]);
  });

  it('marks vCPU overcommit above 5:1 per CPU and above 10 per core as beyond guidance', () => {
    const m = loadModel('kvm-numa');
    const kvm = m.kvm;
    if (!kvm) throw new Error('fixture has no kvm');
    kvm.vcpuTotal = 176;
    const rows = kvmView(m)?.overcommit ?? [];
    expect(rows.find((r) => r.what === 'vCPUs per host CPU')).toMatchObject({ value: '176 vCPUs / 32 CPUs = 5.5:1 (2.38:1 for the 3 running)', status: 'over' });
    expect(rows.find((r) => r.what === 'vCPUs per physical core')).toMatchObject({ value: '176 vCPUs / 16 cores = 11:1', status: 'over', verdict: 'beyond guidance' });
  });

  it('says nothing about pinning on a single-node host, but still about disk cache and io', () => {
    const m = loadModel('kvm-numa');
    const kvm = m.kvm;
    if (!kvm) throw new Error('fixture has no kvm');
    kvm.nodes = kvm.nodes.slice(0, 1);
    m.report.bundle.numaNodes = 1;
    const texts = (kvmView(m)?.observations ?? []).filter((o) => o.domain === 'batch-01').map((o) => o.text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^disk sda cache=default io=default: /);
  });

  it('is absent when the model has no KVM inventory', () => {
    expect(kvmView(loadModel('leak-swap-oom'))).toBeNull();
  });
});
