import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bundle = path.join(root, 'samples', 'leak-swap-oom', 'sosreport-db01-2026-11-20-kqzvbnd');
const out = mkdtempSync(path.join(tmpdir(), 'sosmortem-timings-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('SOSMORTEM_TIMINGS=1', () => {
  it('prints each phase with the memory held at its end and, on Linux, the CPU each kind of thread used; without it nothing is printed', () => {
    const run = (env: Record<string, string>) => spawnSync('node', [path.join(root, 'bin', 'sosmortem.js'), 'analyze', bundle, '--format', 'json', '-o', out, '--force'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
    const on = run({ SOSMORTEM_TIMINGS: '1' });
    expect(on.status).toBe(0);
    const ms = (label: string): number => Number(new RegExp(`^  ${label.replace(/[()]/g, '\\$&')}\\s+([\\d.]+) ms(?: |$)`, 'm').exec(on.stderr)?.[1]);
    // each phase also says how much memory the process held at its end
    const mem = /^ {2}read and parse the bundle .* RSS +(\d+) MiB, JS heap +(\d+) MiB at its end$/m.exec(on.stderr);
    expect(Number(mem?.[1])).toBeGreaterThan(Number(mem?.[2]));
    expect(Number(mem?.[2])).toBeGreaterThan(1);
    for (const phase of ['node start-up and modules', 'read and parse the bundle', 'run rules', 'report model', 'write json']) expect(ms(phase), phase).toBeGreaterThanOrEqual(0);
    expect(ms('total')).toBeGreaterThan(ms('read and parse the bundle'));
    if (process.platform === 'linux') {
      // /proc counts in 10 ms ticks: the main thread of a whole analysis always has some.
      expect(ms('main thread')).toBeGreaterThan(0);
      for (const kind of ['V8 compiler and GC threads', 'threads that have exited', 'child processes (xz)']) expect(ms(kind), kind).toBeGreaterThanOrEqual(0);
    }
    expect(run({}).stderr).not.toMatch(/sosmortem timings:|CPU used/);
  });

  it('says whether TurboFan inlining was off: off for a small directory bundle unless SOSMORTEM_TURBO_INLINING=1 forces it on', () => {
    const { SOSMORTEM_TURBO_INLINING: _, ...inherited } = process.env;
    const inlining = (env: Record<string, string>): string | undefined => {
      const r = spawnSync('node', [path.join(root, 'bin', 'sosmortem.js'), 'analyze', bundle, '--format', 'json', '-o', out, '--force'], { encoding: 'utf8', env: { ...inherited, SOSMORTEM_TIMINGS: '1', ...env }, timeout: 60_000 });
      expect(r.status).toBe(0);
      return /V8 TurboFan inlining: (\w+)/.exec(r.stderr)?.[1];
    };
    expect(inlining({})).toBe('off');
    expect(inlining({ SOSMORTEM_TURBO_INLINING: '1' })).toBe('on');
    expect(inlining({ SOSMORTEM_TURBO_INLINING: '0' })).toBe('off');
  });
});
