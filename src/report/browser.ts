/**
 * Finds a system Chromium and launches it headless for PDF rendering. The
 * browser is never downloaded: a report tool that fetches 150 MB at run time
 * would not work offline, which is where sosreports are read.
 */
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { inspect } from 'node:util';
import type { Browser } from 'puppeteer-core';
import { atRunEnd } from '../run-end.js';

/**
 * chrome-headless-shell first: Chromium's build for automation, without the
 * desktop browser around it. It renders the same PDF pixel for pixel (all 19
 * pages of the leak-swap-oom sample compared) and, measured on the typical
 * bench report, launches in ~80 ms instead of ~300 ms, lays the page out in
 * ~50 ms instead of ~130–220 ms and closes in ~35 ms instead of ~90 ms.
 * Debian ships it as chromium-headless-shell.
 */
export const CHROMIUM_CANDIDATES: readonly string[] = [
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chrome-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

/** Puppeteer adds the headless flag that suits the binary (see isHeadlessShell). */
export const CHROMIUM_ARGS: readonly string[] = [
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
    super('no Chromium found for PDF output: run `apt-get install -y chromium-headless-shell` (or chromium) or set PUPPETEER_EXECUTABLE_PATH');
    this.name = 'BrowserNotFoundError';
  }
}

/** Chromium was found but did not start: a broken install, a missing library, a wrapper that fails. */
export class BrowserLaunchError extends Error {
  readonly hint: string;
  constructor(executablePath: string, cause: unknown) {
    // puppeteer sometimes rejects with a plain object (String() of it said "[object Object]")
    const text = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : inspect(cause, { depth: 2, breakLength: Infinity });
    const detail = text.split('\n').find((l) => l.trim() !== '') ?? 'no detail';
    super(`could not start Chromium at ${executablePath}: ${detail.trim()}`);
    this.name = 'BrowserLaunchError';
    this.hint = `check that \`${executablePath} --headless --version\` runs, or point PUPPETEER_EXECUTABLE_PATH at a working Chromium (apt-get install -y chromium-headless-shell); the other formats were written`;
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

/** chrome-headless-shell is headless by itself and takes `--headless`, not the full browser's `--headless=new`. */
export function isHeadlessShell(executablePath: string): boolean {
  return /headless[-_]shell$/.test(basename(executablePath));
}

/** A browser plus the temporary profile it owns; close() removes both. */
export interface LaunchedBrowser {
  browser: Browser;
  /** the temporary profile, removed by close() or when the process exits */
  profileDir: string;
  close(): Promise<void>;
}

export async function launchBrowser(executablePath: string | null = findChromium()): Promise<LaunchedBrowser> {
  if (!executablePath) throw new BrowserNotFoundError();
  // puppeteer-core: the browser is the system's; puppeteer's own additions (its download, config files) are not used.
  const puppeteer = await import('puppeteer-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'sosmortem-chromium-'));
  const removeProfile = (): void => rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  // The profile must not outlive the run (analyze starts the browser before it reads the bundle,
  // so that window is the whole analysis). Chromium goes first: puppeteer's own exit hook kills it
  // only after ours has run, and a Chromium still starting up (a loaded machine) wrote its profile
  // again after it had been removed.
  const unregister = atRunEnd(() => {
    killProcessesUsing(userDataDir);
    removeProfile();
  });
  let browser: Browser;
  try {
    browser = await puppeteer.default.launch({
      executablePath,
      headless: isHeadlessShell(executablePath) ? 'shell' : true,
      args: [...CHROMIUM_ARGS],
      userDataDir,
      // the default 30 s is too short on a loaded CI box; a broken launch still fails in bounded time
      timeout: 60000,
      // puppeteer's SIGTERM and SIGHUP handlers close the browser and leave the process running: a
      // `kill` during an analysis wrote report.json, then failed at the PDF. Signals are the CLI's
      // (run-end.ts exitOnSignals); a library's host keeps its own.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    unregister();
    removeProfile();
    throw new BrowserLaunchError(executablePath, err);
  }
  return {
    browser,
    profileDir: userDataDir,
    async close() {
      try {
        await browser.close();
      } finally {
        unregister();
        removeProfile();
      }
    },
  };
}

/**
 * SIGKILLs the processes started with `--user-data-dir=<dir>` (Chromium, and
 * its process group), found through /proc; elsewhere than Linux, nothing.
 * Only our own temporary profile is ever named, so nothing else is touched.
 */
function killProcessesUsing(dir: string): void {
  if (process.platform !== 'linux') return;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid);
  } catch {
    return;
  }
  const flag = `--user-data-dir=${dir}`;
  for (const d of pids) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${d}/cmdline`, 'latin1');
    } catch {
      continue;
    }
    if (!cmdline.split('\0').includes(flag)) continue;
    for (const target of [-Number(d), Number(d)]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* not a group leader, or already gone */
      }
    }
  }
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
