// Puppeteer never downloads a browser at install time: `npm install` must work on a machine with
// no route to Google's servers (containers, locked-down CI, a proxy). A browser is resolved when
// something needs one, by runtime/puppeteer/browser/resolve.ts (CHROME_PATH, an installed
// Chrome/Chromium/Edge, puppeteer's cache, then a download with a progress bar, then apt-get).
module.exports = { skipDownload: true };
