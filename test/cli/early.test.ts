import { describe, expect, it } from 'vitest';
import { outputFromArgv, scratchDirOf } from '../../src/cli/early.js';

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
});
