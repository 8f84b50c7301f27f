import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { registerAnalyze } from '../../src/cli/analyze.js';
import { outputFromArgv, scratchDirOf, VALUE_OPTIONS } from '../../src/cli/early.js';

describe('the output directory read from argv before commander loads', () => {
  it('reads every spelling commander accepts, the last one winning', () => {
    expect(outputFromArgv(['b.tar.xz', '-o', 'out'])).toBe('out');
    expect(outputFromArgv(['b.tar.xz', '-oout'])).toBe('out');
    expect(outputFromArgv(['b.tar.xz', '--output', 'out'])).toBe('out');
    expect(outputFromArgv(['b.tar.xz', '--output=out', '--format', 'json'])).toBe('out');
    expect(outputFromArgv(['b.tar.xz', '-o', 'first', '-o', 'second'])).toBe('second');
    expect(outputFromArgv(['b.tar.xz', '--format', 'json'])).toBeUndefined();
  });

  it("does not take another option's value, or an operand after --, for the output", () => {
    expect(outputFromArgv(['b.tar.xz', '--tz', '-o'])).toBeUndefined();
    expect(outputFromArgv(['b.tar.xz', '--rules', 'r1', 'r2', '-o', 'out'])).toBe('out');
    expect(outputFromArgv(['b.tar.xz', '--', '-o', 'out'])).toBeUndefined();
  });

  it('gives no scratch directory for stdout or none', () => {
    expect(scratchDirOf('-')).toBeNull();
    expect(scratchDirOf(undefined)).toBeNull();
    expect(scratchDirOf('out')).toBe('out');
  });

  it('knows every analyze option that takes a value (a new one must be added there, or its value could be read as the output)', () => {
    const program = new Command();
    registerAnalyze(program);
    const analyze = program.commands.find((c) => c.name() === 'analyze');
    const withValue = (analyze?.options ?? []).filter((o) => o.required || o.optional).map((o) => o.long ?? '');
    expect(withValue.length).toBeGreaterThan(5);
    // -o/--output is what is looked for; --rules takes several values and is skipped as such.
    expect(withValue.filter((f) => f !== '--output' && f !== '--rules').sort()).toEqual([...VALUE_OPTIONS].sort());
  });
});
