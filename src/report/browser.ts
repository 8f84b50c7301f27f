/**
 * Finds a system Chromium and launches it headless for PDF rendering. The
 * browser is never downloaded: a report tool that fetches 150 MB at run time
 * would not work offline, which is where sosreports are read.
 */
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer';

export const CHROMIUM_CANDIDATES: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  // sandboxing needs user namespaces, often missing in containers; the page runs no script and loads nothing
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--mute-audio',
];

export class BrowserNotFoundError extends Error {
  constructor() {
    super('no Chromium found for PDF output: run `apt-get install -y chromium` or set PUPPETEER_EXECUTABLE_PATH');
    this.name = 'BrowserNotFoundError';
  }
}

function isExecutable(path: string): boolean {
  try {
    const st = statSync(path);
    // root passes access(X_OK) on some mounts whatever the mode; the mode bits are the honest answer
    if (!st.isFile() || (st.mode & 0o111) === 0) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** PUPPETEER_EXECUTABLE_PATH first, then the usual install locations; null when none is executable. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env['PUPPETEER_EXECUTABLE_PATH'];
  const candidates = fromEnv ? [fromEnv, ...CHROMIUM_CANDIDATES] : CHROMIUM_CANDIDATES;
  return candidates.find(isExecutable) ?? null;
}

/** A browser plus the temporary profile it owns; close() removes both. */
export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(executablePath: string | null = findChromium()): Promise<LaunchedBrowser> {
  if (!executablePath) throw new BrowserNotFoundError();
  const puppeteer = await import('puppeteer');
  const userDataDir = mkdtempSync(join(tmpdir(), 'sosmortem-chromium-'));
  let browser: Browser;
  try {
    browser = await puppeteer.default.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      userDataDir,
      // the default 30 s is too short on a loaded CI box; a broken launch still fails in bounded time
      timeout: 60000,
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    browser,
    async close() {
      try {
        await browser.close();
      } finally {
        rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
}

/** Runs fn with a browser, launching (and closing) one only when none was given. */
export async function withBrowser<T>(fn: (browser: Browser) => Promise<T>, browser?: Browser): Promise<T> {
  if (browser) return fn(browser);
  const launched = await launchBrowser();
  try {
    return await fn(launched.browser);
  } finally {
    await launched.close();
  }
}
