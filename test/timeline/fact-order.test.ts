/**
 * Facts of one name from several files: the most direct source is the one
 * read, whatever order the bundle was walked in, and a disagreement is said.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model.js';
import { orderFacts } from '../../src/timeline/fact-order.js';
import { RecordStore } from '../../src/timeline/store.js';

type Stated = [path: string, parser: string, name: string, value: string | number];

function storeOf(stated: Stated[]): RecordStore {
  const store = new RecordStore();
  for (const [path, parser, name, value] of stated) store.sinkFor(path, parser).fact(name, value, 1);
  return store;
}

const sar: Stated = ['sos_commands/sar/sar19', 'sar', 'host.cpus', 16];
const lscpu: Stated = ['sos_commands/processor/lscpu', 'lscpu', 'host.cpus', 8];
const procStat: Stated = ['proc/stat', 'proc-stat', 'host.cpus', 8];

describe('orderFacts', () => {
  it('puts the most direct source of a fact first, in either walk order', () => {
    for (const walk of [
      [sar, lscpu, procStat],
      [procStat, lscpu, sar],
    ]) {
      const store = storeOf(walk);
      orderFacts(store, []);
      expect(store.facts.map((f) => store.files[f.fileIdx]?.parser)).toEqual(['lscpu', 'proc-stat', 'sar']);
    }
  });

  it('orders facts no parser ranks by path, and keeps a file’s own order', () => {
    const store = new RecordStore();
    const b = store.sinkFor('sos_commands/kernel/sysctl_-a', 'sysctl');
    b.fact('sysctl.vm.swappiness', 60, 1);
    b.fact('sysctl.vm.dirty_ratio', 20, 2);
    store.sinkFor('proc/sys/vm/swappiness', 'proc-sys').fact('sysctl.vm.swappiness', 10, 1);
    orderFacts(store, []);
    expect(store.facts.map((f) => `${f.name}=${String(f.value)}`)).toEqual(['sysctl.vm.swappiness=10', 'sysctl.vm.swappiness=60', 'sysctl.vm.dirty_ratio=20']);
  });

  it('says when the files disagree on the CPU count, and which value is used', () => {
    const store = storeOf([sar, lscpu, procStat]);
    const diagnostics: Diagnostic[] = [];
    orderFacts(store, diagnostics);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ source: 'sos_commands/processor/lscpu', severity: 'warning' });
    expect(diagnostics[0]?.message).toContain('disagree on the CPU count: this file says 8, sos_commands/sar/sar19 says 16. 8 is used');
  });

  it('takes a short and a fully qualified host name for the same host, and flags another host', () => {
    const same = storeOf([
      ['sos_commands/sar/sar19', 'sar', 'host.hostname', 'db01'],
      ['sos_commands/host/hostname', 'hostname', 'host.hostname', 'db01.example.com'],
    ]);
    const quiet: Diagnostic[] = [];
    orderFacts(same, quiet);
    expect(same.facts[0]?.value).toBe('db01.example.com');
    expect(quiet).toEqual([]);

    const other = storeOf([
      ['sos_commands/host/hostname', 'hostname', 'host.hostname', 'db01.example.com'],
      ['vmstat-from-web02.txt', 'iostat', 'host.hostname', 'web02'],
    ]);
    const said: Diagnostic[] = [];
    orderFacts(other, said);
    expect(said.map((d) => d.message)).toEqual([
      expect.stringContaining('disagree on the host name: this file says db01.example.com, vmstat-from-web02.txt says web02'),
    ]);
  });
});
