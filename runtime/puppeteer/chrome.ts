import { existsSync } from 'node:fs';

/**
 * The browser, resolved in the project's order: CHROME_PATH, the system Chromium (Debian's
 * /usr/bin/chromium), else undefined so puppeteer uses its own download (what a user elsewhere has).
 */
export function resolveChrome(): string | undefined {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium'];
  return candidates.find((path): path is string => Boolean(path && existsSync(path)));
}
