// Puppeteer cannot download its own browser here (no network beyond the registries):
// sosmortem drives the system Chromium instead (see src/report/browser.ts).
module.exports = { skipDownload: true };
