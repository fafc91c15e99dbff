// Puppeteer downloads its own Chrome on install; where the system already has a Chromium
// (CI installs Debian's before `npm ci`), that download is skipped and the system one is used.
const fs = require('node:fs');

const systemChrome = [process.env.CHROME_PATH, '/usr/bin/chromium'].find(
  (path) => path && fs.existsSync(path),
);

module.exports = { skipDownload: Boolean(systemChrome) };
