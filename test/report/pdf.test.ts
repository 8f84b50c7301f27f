import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BrowserLaunchError,
  BrowserNotFoundError,
  CHROMIUM_CANDIDATES,
  findChromium,
  isHeadlessShell,
  launchBrowser,
  type LaunchedBrowser,
} from '../../src/report/browser.js';
import { BrowserSlot } from '../../src/report/browser-slot.js';
import { renderHtml } from '../../src/report/html.js';
import { footerTemplate, headerTemplate, renderPdfDetailed } from '../../src/report/pdf.js';
import { loadModel, pdfText, XSS_SCRIPT } from './helpers.js';

const chromium = findChromium();
// Every installed kind is exercised: the headless shell (preferred) and the full browser take different headless flags.
const installed = [...new Set([chromium, ...CHROMIUM_CANDIDATES.filter((p) => existsSync(p))].filter((p): p is string => p !== null))];
const skipReason = 'no Chromium found (apt-get install -y chromium or set PUPPETEER_EXECUTABLE_PATH)';

function pageCount(pdf: Uint8Array): number {
  return (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Type\s*\/Page\b(?!s)/g) ?? []
  ).length;
}

describe('findChromium', () => {
  it('skips a PUPPETEER_EXECUTABLE_PATH that is not executable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sosmortem-test-'));
    const fake = join(dir, 'chrome');
    writeFileSync(fake, '#!/bin/sh\n', { mode: 0o644 });
    expect(findChromium({ PUPPETEER_EXECUTABLE_PATH: fake })).not.toBe(fake);
    chmodSync(fake, 0o755);
    expect(findChromium({ PUPPETEER_EXECUTABLE_PATH: fake })).toBe(fake);
    rmSync(dir, { recursive: true });
  });

  it('tells the headless shell from the full browser by its name', () => {
    expect(isHeadlessShell('/usr/bin/chromium-headless-shell')).toBe(true);
    expect(isHeadlessShell('/opt/chrome-headless-shell/linux-131/chrome-headless-shell-linux64/chrome-headless-shell')).toBe(true);
    expect(isHeadlessShell('/usr/lib/chromium/headless_shell')).toBe(true);
    expect(isHeadlessShell('/usr/bin/chromium')).toBe(false);
    expect(isHeadlessShell('/opt/headless-shell-tools/chrome')).toBe(false);
  });

  it('says which browser failed to start and how to fix it, in one line and a hint', async () => {
    const err = await launchBrowser('/bin/false').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BrowserLaunchError);
    const e = err as BrowserLaunchError;
    expect(e.message).toMatch(/^could not start Chromium at \/bin\/false: \S/);
    expect(e.message).not.toContain('\n');
    expect(e.hint).toContain('PUPPETEER_EXECUTABLE_PATH');
  });

  it.skipIf(chromium === null)('removes the temporary profile when the process exits with the browser open (Ctrl-C)', () => {
    const child = path.join(import.meta.dirname, 'child-browser-exit.ts');
    const res = spawnSync(process.execPath, ['--import', 'tsx', child, chromium ?? ''], { encoding: 'utf8', timeout: 60_000 });
    expect(res.status, res.stderr).toBe(130);
    const { profileDir, existed } = JSON.parse(res.stdout) as { profileDir: string; existed: boolean };
    expect(existed).toBe(true);
    expect(profileDir).toContain('sosmortem-chromium-');
    expect(existsSync(profileDir)).toBe(false);
  });

  it('explains in one line how to get a browser', () => {
    const msg = new BrowserNotFoundError().message;
    expect(msg).not.toContain('\n');
    expect(msg).toContain('apt-get install -y chromium');
    expect(msg).toContain('PUPPETEER_EXECUTABLE_PATH');
  });
});

describe('header and footer', () => {
  it('escapes the host and date and carries page numbers', () => {
    const opts = { paper: 'A4' as const, headerLeft: XSS_SCRIPT, headerRight: '2024-03-14' };
    expect(headerTemplate(opts)).not.toContain('<script');
    expect(footerTemplate(opts)).toContain('<span class="pageNumber"></span> of <span class="totalPages"></span>');
  });
});

describe.skipIf(chromium === null)(`renderPdf (${chromium === null ? skipReason : chromium})`, () => {
  let launched: LaunchedBrowser;
  beforeAll(async () => {
    launched = await launchBrowser(chromium);
  });
  afterAll(async () => {
    await launched?.close();
  });

  it('renders the fixture to a multi-page PDF', async () => {
    const model = loadModel('leak-swap-oom');
    const html = await renderHtml(model);
    const opts = { paper: model.options.paper, headerLeft: model.report.bundle.hostname ?? '', headerRight: '2024-03-14' };
    const t0 = performance.now();
    const { pdf, blocked, continued } = await renderPdfDetailed(html, opts, launched.browser);
    const ms = performance.now() - t0;
    writeFileSync('/tmp/report-test.pdf', pdf);
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(pageCount(pdf)).toBeGreaterThan(1);
    expect(blocked).toEqual([]);
    expect(continued).toEqual([]);
    // warm browser: about a second; the bound is loose for slow CI machines
    expect(ms).toBeLessThan(20000);
  });

  it('lets no request leave the machine, even when the HTML asks for external resources', async () => {
    const html =
      '<!DOCTYPE html><html><head><link rel="stylesheet" href="https://example.invalid/a.css"></head>' +
      '<body><h1>x</h1><img src="http://example.invalid/x.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></body></html>';
    const { pdf, blocked, continued } = await renderPdfDetailed(html, { paper: 'Letter', headerLeft: 'h', headerRight: 'd' }, launched.browser);
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(blocked).toContain('http://example.invalid/x.png');
    expect(blocked).toContain('https://example.invalid/a.css');
    expect(continued.every((u) => u.startsWith('data:'))).toBe(true);
    expect(continued.filter((u) => !u.startsWith('data:'))).toEqual([]);
  });

  it('renders the empty model', async () => {
    const html = await renderHtml(loadModel('healthy'));
    const { pdf } = await renderPdfDetailed(html, { paper: 'Letter', headerLeft: 'quiet-01', headerRight: '—' }, launched.browser);
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(1);
    const text = pdfText(pdf);
    if (text !== null) {
      expect(text).toContain('What was checked');
      expect(text).toContain('What the data could not show');
    }
  });
});

describe.each(installed)('each installed browser (%s)', (exe) => {
  it('prints the sample report with its text and blocks every request', async () => {
    const launched = await launchBrowser(exe);
    try {
      const model = loadModel('leak-swap-oom');
      const html = await renderHtml(model);
      const { pdf, blocked } = await renderPdfDetailed(html, { paper: 'A4', headerLeft: 'db01', headerRight: '2024-03-14' }, launched.browser);
      expect(pageCount(pdf)).toBeGreaterThan(5);
      expect(blocked).toEqual([]);
      const text = pdfText(pdf);
      if (text !== null) expect(text).toContain(model.report.findings[0]?.title.slice(0, 30) ?? '');
    } finally {
      await launched.close();
    }
  });
});

describe.skipIf(chromium === null)('BrowserSlot', () => {
  it('opens a page ahead only when started ahead, hands it out once, and the PDF step closes it', async () => {
    const started = new BrowserSlot();
    const onDemand = new BrowserSlot();
    try {
      started.start();
      const page = await started.takePage();
      expect(page).not.toBeNull();
      expect(await started.takePage()).toBeNull();
      const { pdf } = await renderPdfDetailed('<p>x</p>', { paper: 'A4', headerLeft: 'h', headerRight: 'd' }, await started.get(), page ?? undefined);
      expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
      expect(page?.isClosed()).toBe(true);
      // batch asks for the browser alone: no page is opened for nothing
      await onDemand.get();
      expect(await onDemand.takePage()).toBeNull();
    } finally {
      await Promise.all([started.close(), onDemand.close()]);
    }
  });
});
