/**
 * The real BrowserHost: this machine's file system, environment and processes, puppeteer's
 * cache and pinned Chrome build. resolve.ts never touches any of these directly.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer';
import { downloadChrome } from './download.js';
import { resolveBrowser, type BrowserHost, type ResolvedBrowser } from './resolve.js';

export function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    // Missing, unreadable or not executable: all mean "not this one"; the caller says which path.
    return false;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // No /etc/os-release (macOS, Windows, minimal images): the system is simply not identified.
    return undefined;
  }
}

interface Installed {
  browser: string;
  buildId: string;
  executablePath: string;
}

/** Chrome for Testing builds in puppeteer's cache, pinned build first, then newest. */
export async function cachedChrome(cacheDir: string, pinned: string): Promise<{ executablePath: string; buildId: string } | undefined> {
  let browsers: { getInstalledBrowsers(options: { cacheDir: string }): Promise<Installed[]> };
  try {
    browsers = createRequire(import.meta.url)('@puppeteer/browsers') as typeof browsers;
  } catch {
    // Without @puppeteer/browsers (it comes with puppeteer) there is no cache to read.
    return undefined;
  }
  const installed = (await browsers.getInstalledBrowsers({ cacheDir }))
    .filter((entry) => entry.browser === 'chrome' && isExecutable(entry.executablePath))
    .sort((a, b) => Number(b.buildId === pinned) - Number(a.buildId === pinned) || b.buildId.localeCompare(a.buildId, 'en', { numeric: true }));
  const best = installed[0];
  return best && { executablePath: best.executablePath, buildId: best.buildId };
}

/** Runs a command with the terminal attached, killing it (and resolving 1) if `signal` aborts. */
function run(command: string, args: readonly string[], signal?: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', ...(signal && { signal }) });
    child.on('error', (error) => {
      process.stderr.write(`stratum: ${command} failed: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

export interface HostOptions {
  /** Aborts a download or apt-get in progress (Ctrl+C in npm start). */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export function systemHost(options: HostOptions = {}): BrowserHost {
  // Both exist at runtime but are internal in puppeteer's types; the fallbacks are puppeteer's rules.
  const internal = puppeteer as unknown as { configuration?: { cacheDirectory?: string }; browserVersion?: string };
  const cacheDir = internal.configuration?.cacheDirectory ?? process.env['PUPPETEER_CACHE_DIR'] ?? path.join(homedir(), '.cache', 'puppeteer');
  const buildId = internal.browserVersion ?? /[\\/][a-z0-9]+-([\d.]+)[\\/]/.exec(puppeteer.executablePath())?.[1] ?? 'stable';
  return {
    platform: process.platform,
    env: process.env,
    homedir: homedir(),
    osRelease: process.platform === 'linux' ? readText('/etc/os-release') : undefined,
    isRoot: process.getuid?.() === 0,
    isExecutable,
    cached: () => cachedChrome(cacheDir, buildId),
    download: () =>
      downloadChrome({
        buildId,
        cacheDir,
        // The same mirror variable puppeteer's own installer honours.
        ...(process.env['PUPPETEER_CHROME_DOWNLOAD_BASE_URL'] && { baseUrl: process.env['PUPPETEER_CHROME_DOWNLOAD_BASE_URL'] }),
        ...(options.signal && { signal: options.signal }),
      }),
    run: (command, args) => run(command, args, options.signal),
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}

let resolved: Promise<ResolvedBrowser> | undefined;
let resolvedFor = '';

/**
 * The browser for this process: resolved on the first call (printing its one line), the same
 * answer afterwards while it is still there — a suite launching a browser per file resolves once.
 * A failure is not remembered: the next call tries again.
 */
export async function findBrowser(options: HostOptions = {}): Promise<ResolvedBrowser> {
  // A changed CHROME_PATH or STRATUM_BROWSER_PATHS is a new question.
  const key = `${process.env['CHROME_PATH'] ?? ''}\n${process.env['STRATUM_BROWSER_PATHS'] ?? ''}`;
  const previous = key === resolvedFor && resolved && (await resolved.catch(() => undefined));
  if (previous && isExecutable(previous.executablePath)) return previous;
  resolvedFor = key;
  resolved = resolveBrowser(systemHost(options));
  resolved.catch(() => (resolved = undefined));
  return resolved;
}
