/**
 * The one browser resolver: `npm start`, the e2e harness, the bench, the screenshots and
 * `stratumjs/puppeteer`'s `launch()` all find their browser here, in this order:
 *
 *   1. CHROME_PATH — set but not executable is an error naming it, never a silent fallback
 *   2. an installed Chrome, Chromium or Edge at the usual places (places.ts)
 *   3. puppeteer's cache (~/.cache/puppeteer, or PUPPETEER_CACHE_DIR)
 *   4. a download of Chrome for Testing with a progress bar (fails fast without a network)
 *   5. on Debian/Ubuntu as root (containers, CI): `apt-get install -y chromium`, announced first
 *   6. otherwise an error in words: the one command to run here, or CHROME_PATH
 *
 * It prints one line: which browser, and why that one. Everything it touches (file system,
 * environment, platform, child processes) comes in through a BrowserHost, so every branch is
 * tested with fakes (resolve.test.ts); host.ts is the real one.
 */
import { installCommand, isDebianLike, nameOf, PATHS_VARIABLE, usualPlaces, type BrowserName, type SystemFacts } from './places.js';

/** STRATUM_NO_INSTALL=1: never download or apt-get; go from the cache straight to the error. */
export const NO_INSTALL_VARIABLE = 'STRATUM_NO_INSTALL';
/** Where Debian's chromium package puts its executable. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export interface BrowserHost extends SystemFacts {
  isExecutable(file: string): boolean;
  /** A Chrome for Testing in puppeteer's cache (the pinned build, else the newest), or undefined. */
  cached(): Promise<{ executablePath: string; buildId: string } | undefined>;
  /** Downloads Chrome for Testing into puppeteer's cache; rejects with the reason, quickly offline. */
  download(): Promise<{ executablePath: string; buildId: string }>;
  /** Runs a command with the terminal attached; resolves to its exit code. */
  run(command: string, args: readonly string[]): Promise<number>;
  /** One line for the user (stderr in the real host). */
  log(line: string): void;
}

export type BrowserSource = 'CHROME_PATH' | 'installed' | 'cache' | 'download' | 'apt-get';

export interface ResolvedBrowser {
  executablePath: string;
  name: BrowserName;
  source: BrowserSource;
  /** The line printed: which browser, and why that one. */
  line: string;
}

/** No browser could be found or brought; the message says what to run. */
export class BrowserNotFoundError extends Error {
  override name = 'BrowserNotFoundError';
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function found(host: BrowserHost, executablePath: string, name: BrowserName, source: BrowserSource, why: string): ResolvedBrowser {
  const line = `stratum: using ${name} at ${executablePath} (${why})`;
  host.log(line);
  return { executablePath, name, source, line };
}

export async function resolveBrowser(host: BrowserHost): Promise<ResolvedBrowser> {
  const chromePath = host.env['CHROME_PATH'];
  if (chromePath) {
    if (!host.isExecutable(chromePath)) {
      throw new BrowserNotFoundError(
        `CHROME_PATH is set to ${chromePath}, which is not an executable file. Point CHROME_PATH at a Chrome, Chromium or Edge executable, or unset it to let Stratum find one.`,
      );
    }
    return found(host, chromePath, nameOf(chromePath), 'CHROME_PATH', 'CHROME_PATH');
  }

  const places = usualPlaces(host);
  const place = places.find((candidate) => host.isExecutable(candidate.path));
  if (place) return found(host, place.path, place.name, 'installed', 'installed; CHROME_PATH is unset');

  const cached = await host.cached();
  if (cached) {
    return found(host, cached.executablePath, 'Chrome for Testing', 'cache', `${cached.buildId} from puppeteer's cache; no Chrome, Chromium or Edge installed`);
  }

  const where = host.env[PATHS_VARIABLE] === undefined ? `${places.length} usual places` : `${PATHS_VARIABLE} (${places.length} paths)`;
  const tried = ['CHROME_PATH (unset)', where, "puppeteer's cache"];
  if (host.env[NO_INSTALL_VARIABLE] === '1') {
    tried.push(`no download or install (${NO_INSTALL_VARIABLE}=1)`);
    throw notFound(host, tried);
  }

  try {
    const downloaded = await host.download();
    return found(host, downloaded.executablePath, 'Chrome for Testing', 'download', `${downloaded.buildId}, downloaded now into puppeteer's cache; none installed`);
  } catch (error) {
    // Interrupted (Ctrl+C in npm start): stop here rather than reach for apt-get.
    if (error instanceof Error && error.name === 'AbortError') throw error;
    host.log(`stratum: could not download Chrome for Testing (${reasonOf(error)}); trying the next way`);
    tried.push(`the Chrome for Testing download (${reasonOf(error)})`);
  }

  if (host.isRoot && isDebianLike(host) && host.isExecutable('/usr/bin/apt-get')) {
    const installed = await aptInstall(host);
    if (installed) return found(host, DEBIAN_CHROMIUM, 'Chromium', 'apt-get', 'installed now with apt-get; none installed, cached or downloadable');
    tried.push('apt-get install -y chromium (failed)');
  }
  throw notFound(host, tried);
}

/** apt-get install; when the package lists are empty (a fresh container), update and retry. */
async function aptInstall(host: BrowserHost): Promise<boolean> {
  const install = ['install', '-y', 'chromium'] as const;
  host.log('stratum: no browser found; running `apt-get install -y chromium` (Debian, as root)');
  if ((await host.run('apt-get', install)) === 0 && host.isExecutable(DEBIAN_CHROMIUM)) return true;
  host.log('stratum: apt-get install failed; running `apt-get update`, then `apt-get install -y chromium` again');
  if ((await host.run('apt-get', ['update'])) !== 0) return false;
  return (await host.run('apt-get', install)) === 0 && host.isExecutable(DEBIAN_CHROMIUM);
}

function notFound(host: BrowserHost, tried: string[]): BrowserNotFoundError {
  const command = installCommand(host);
  const example = host.platform === 'win32' ? 'set CHROME_PATH=C:\\path\\to\\chrome.exe' : 'CHROME_PATH=/path/to/chrome npm start';
  return new BrowserNotFoundError(
    `No browser found for Stratum (tried ${tried.join(', ')}). Install one with:\n    ${command}\n` +
      `or point CHROME_PATH at a Chrome, Chromium or Edge executable (${example}).`,
  );
}
