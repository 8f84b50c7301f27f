#!/usr/bin/env node
/**
 * Makes a fresh clone runnable before `npm run demo` / `npm test`: installs the
 * npm dependencies (which builds dist/ through `prepare`), rebuilds when the
 * sources are newer than the build, and finds a Chromium for the PDF report.
 * Puppeteer cannot download its own browser here, so the system one is used;
 * as root with apt-get, Debian's `chromium` is installed when none is found.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg) => process.stderr.write(`setup: ${msg}\n`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    say(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, name.name);
    newest = Math.max(newest, name.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

if (!['.package-lock.json', 'puppeteer', 'esbuild'].every((name) => existsSync(path.join(root, 'node_modules', name)))) {
  say('installing npm dependencies (npm install)…');
  run('npm', ['install', '--no-audit', '--no-fund']);
}
// The bundle is the build's last step: present and newer than the sources (and the rules it
// compiles into dist/rules.compiled.json) means built.
const built = path.join(root, 'dist', 'packed', 'run.js');
if (!existsSync(built) || statSync(built).mtimeMs < Math.max(newestMtime(path.join(root, 'src')), newestMtime(path.join(root, 'rules')))) {
  say('building (tsc, rules, bundle)…');
  run('npm', ['run', '--silent', 'build']);
}

// The same order as src/report/browser.ts: the headless shell (Chromium's build for automation) starts faster.
const CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/bin/chrome-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
function executable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
function findChromium() {
  const env = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (env && executable(env)) return env;
  return CANDIDATES.find(executable) ?? null;
}

if (!findChromium()) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let hasApt = false;
  try {
    execFileSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' });
    hasApt = true;
  } catch {
    hasApt = false;
  }
  if (isRoot && hasApt) {
    run('apt-get', ['update', '-qq']);
    // Debian 12+ packages the headless shell; elsewhere (Ubuntu's chromium is a snap stub) the full browser.
    let pkg = 'chromium';
    try {
      execFileSync('apt-cache', ['show', 'chromium-headless-shell'], { stdio: 'ignore' });
      pkg = 'chromium-headless-shell';
    } catch {
      pkg = 'chromium';
    }
    // Noto CJK covers the Chinese, Japanese and Korean text customer logs carry; DejaVu the rest.
    say(`no Chromium found: installing Debian's ${pkg} and fonts (apt-get install -y ${pkg} fonts-noto-cjk fonts-dejavu-core)…`);
    run('apt-get', ['install', '-y', '-qq', pkg, 'fonts-noto-cjk', 'fonts-dejavu-core']);
  } else {
    say('no Chromium found for the PDF report: install one (Debian: sudo apt-get install -y chromium-headless-shell, or chromium) or set PUPPETEER_EXECUTABLE_PATH to a Chrome/Chromium binary.');
    if (process.argv.includes('--need-browser')) process.exit(1);
  }
}
