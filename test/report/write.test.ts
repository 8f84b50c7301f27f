import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BrowserNotFoundError } from '../../src/report/browser.js';
import { writeReports } from '../../src/report/write.js';
import { loadModel } from './helpers.js';

const dirs: string[] = [];
function outDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'sosmortem-write-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('writeReports with a browser that is still launching', () => {
  it('asks for the browser only when the PDF is made, so a failed launch loses no other format', async () => {
    const dir = outDir();
    let asked = 0;
    const failing = (): Promise<never> => {
      asked++;
      return Promise.reject(new BrowserNotFoundError());
    };
    await expect(writeReports(loadModel('leak-swap-oom'), dir, ['json', 'md', 'html', 'pdf'], { force: true, browser: failing })).rejects.toThrow(
      BrowserNotFoundError,
    );
    expect(asked).toBe(1);
    for (const f of ['report.json', 'report.md', 'report.html']) expect(existsSync(path.join(dir, f)), f).toBe(true);
    expect(existsSync(path.join(dir, 'report.pdf'))).toBe(false);
  });

  it('never asks for a browser when no PDF is wanted', async () => {
    const dir = outDir();
    let asked = 0;
    const written = await writeReports(loadModel('healthy'), dir, ['json', 'html'], {
      force: true,
      browser: () => {
        asked++;
        return Promise.reject(new Error('not wanted'));
      },
    });
    expect(asked).toBe(0);
    expect(written.map((f) => path.basename(f))).toEqual(['report.json', 'report.html']);
  });
});
