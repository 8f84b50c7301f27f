// Launches a browser, reports its profile directory, then leaves the way puppeteer's
// Ctrl-C handler does (process.exit with the browser still open).
import { existsSync } from 'node:fs';
import { launchBrowser } from '../../src/report/browser.js';

const launched = await launchBrowser(process.argv[2] ?? null);
process.stdout.write(`${JSON.stringify({ profileDir: launched.profileDir, existed: existsSync(launched.profileDir) })}\n`);
// As puppeteer's SIGINT handler does: the whole process group (Debian's /usr/bin wrappers are shell scripts).
const pid = launched.browser.process()?.pid;
if (pid !== undefined) process.kill(-pid, 'SIGKILL');
process.exit(130);
