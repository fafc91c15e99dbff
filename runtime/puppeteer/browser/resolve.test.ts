import { describe, expect, it } from 'vitest';
import { BrowserNotFoundError, resolveBrowser, type BrowserHost } from './resolve.js';

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
const UBUNTU = 'ID=ubuntu\nID_LIKE=debian\n';
const FEDORA = 'ID=fedora\n';

interface Fake extends BrowserHost {
  lines: string[];
  /** Every side effect in order: log lines, commands run, downloads. */
  events: string[];
}

/** A machine made of a set of executable files and a few facts; commands may install files. */
function fakeHost(options: {
  files?: string[];
  env?: Record<string, string>;
  platform?: string;
  osRelease?: string;
  isRoot?: boolean;
  cached?: string;
  download?: 'ok' | 'offline' | 'interrupted';
  /** Exit codes of successive commands; a 0 from `apt-get install` installs /usr/bin/chromium. */
  exits?: number[];
}): Fake {
  const files = new Set(options.files ?? []);
  const exits = [...(options.exits ?? [])];
  const host: Fake = {
    lines: [],
    events: [],
    platform: options.platform ?? 'linux',
    env: options.env ?? {},
    homedir: '/home/ada',
    osRelease: options.osRelease,
    isRoot: options.isRoot ?? false,
    isExecutable: (file) => files.has(file),
    cached: async () => (options.cached ? { executablePath: options.cached, buildId: '148.0.7778.97' } : undefined),
    download: async () => {
      host.events.push('download');
      if (options.download === 'interrupted') throw Object.assign(new Error('download interrupted'), { name: 'AbortError' });
      if (options.download === 'ok') return { executablePath: '/cache/chrome/linux-148/chrome-linux64/chrome', buildId: '148.0.7778.97' };
      throw new Error('getaddrinfo ENOTFOUND storage.googleapis.com');
    },
    run: async (command, args) => {
      host.events.push(`run ${command} ${args.join(' ')}`);
      const code = exits.shift() ?? 1;
      if (code === 0 && command === 'apt-get' && args[0] === 'install') files.add('/usr/bin/chromium');
      return code;
    },
    log: (line) => {
      host.lines.push(line);
      host.events.push(`log ${line}`);
    },
  };
  return host;
}

async function failure(host: BrowserHost): Promise<BrowserNotFoundError> {
  const error = await resolveBrowser(host).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BrowserNotFoundError);
  return error as BrowserNotFoundError;
}

describe('resolveBrowser, in the issue order', () => {
  it('uses CHROME_PATH when it is executable, before an installed Chromium, and says so in one line', async () => {
    const host = fakeHost({ env: { CHROME_PATH: '/opt/edge/msedge' }, files: ['/opt/edge/msedge', '/usr/bin/chromium'] });
    const browser = await resolveBrowser(host);
    expect(browser).toMatchObject({ executablePath: '/opt/edge/msedge', name: 'Edge', source: 'CHROME_PATH' });
    expect(host.lines).toEqual(['stratum: using Edge at /opt/edge/msedge (CHROME_PATH)']);
  });

  it('refuses a CHROME_PATH that is not executable, naming it, even when Chromium is installed', async () => {
    const host = fakeHost({ env: { CHROME_PATH: '/nonexistent/chrome' }, files: ['/usr/bin/chromium'], download: 'ok' });
    const error = await failure(host);
    expect(error.message).toContain('CHROME_PATH is set to /nonexistent/chrome, which is not an executable file');
    expect(host.events).toEqual([]);
  });

  it('finds Debian’s Chromium at its usual place', async () => {
    const host = fakeHost({ files: ['/usr/bin/google-chrome', '/usr/bin/chromium'] });
    const browser = await resolveBrowser(host);
    expect(browser).toMatchObject({ executablePath: '/usr/bin/chromium', name: 'Chromium', source: 'installed' });
    expect(host.lines).toEqual(['stratum: using Chromium at /usr/bin/chromium (installed; CHROME_PATH is unset)']);
  });

  it('finds Chrome on macOS and Edge on Windows at their usual places', async () => {
    const mac = fakeHost({ platform: 'darwin', files: ['/home/ada/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'] });
    expect(await resolveBrowser(mac)).toMatchObject({ name: 'Chrome', source: 'installed' });
    const edge = 'D:\\Programs (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    const windows = fakeHost({ platform: 'win32', env: { 'PROGRAMFILES(X86)': 'D:\\Programs (x86)' }, files: [edge] });
    expect(await resolveBrowser(windows)).toMatchObject({ executablePath: edge, name: 'Edge' });
  });

  it('looks only at STRATUM_BROWSER_PATHS when it is set (empty: nowhere), then at puppeteer’s cache', async () => {
    const host = fakeHost({ env: { STRATUM_BROWSER_PATHS: '' }, files: ['/usr/bin/chromium'], cached: '/cache/chrome' });
    const browser = await resolveBrowser(host);
    expect(browser).toMatchObject({ executablePath: '/cache/chrome', name: 'Chrome for Testing', source: 'cache' });
    expect(host.events).toHaveLength(1);
    const listed = fakeHost({ env: { STRATUM_BROWSER_PATHS: '/a/chromium:/b/chrome' }, files: ['/b/chrome'] });
    expect(await resolveBrowser(listed)).toMatchObject({ executablePath: '/b/chrome', source: 'installed' });
  });

  it('downloads Chrome for Testing when nothing is installed or cached', async () => {
    const host = fakeHost({ download: 'ok' });
    const browser = await resolveBrowser(host);
    expect(browser.source).toBe('download');
    expect(host.lines).toEqual([
      "stratum: using Chrome for Testing at /cache/chrome/linux-148/chrome-linux64/chrome (148.0.7778.97, downloaded now into puppeteer's cache; none installed)",
    ]);
  });

  it('as root on Debian, after a failed download, announces apt-get on its own line before running it', async () => {
    const host = fakeHost({ isRoot: true, osRelease: DEBIAN, files: ['/usr/bin/apt-get'], exits: [0] });
    const browser = await resolveBrowser(host);
    expect(browser).toMatchObject({ executablePath: '/usr/bin/chromium', source: 'apt-get' });
    expect(host.events).toEqual([
      'download',
      'log stratum: could not download Chrome for Testing (getaddrinfo ENOTFOUND storage.googleapis.com); trying the next way',
      'log stratum: no browser found; running `apt-get install -y chromium` (Debian, as root)',
      'run apt-get install -y chromium',
      'log stratum: using Chromium at /usr/bin/chromium (installed now with apt-get; none installed, cached or downloadable)',
    ]);
  });

  it('stops when the download is interrupted (Ctrl+C) instead of going on to apt-get', async () => {
    const host = fakeHost({ isRoot: true, osRelease: DEBIAN, files: ['/usr/bin/apt-get'], download: 'interrupted', exits: [0] });
    await expect(resolveBrowser(host)).rejects.toThrow('download interrupted');
    expect(host.events).toEqual(['download']);
  });

  it('on a fresh Ubuntu container (no package lists) updates and installs again', async () => {
    const host = fakeHost({ isRoot: true, osRelease: UBUNTU, files: ['/usr/bin/apt-get'], exits: [100, 0, 0] });
    expect(await resolveBrowser(host)).toMatchObject({ source: 'apt-get' });
    expect(host.events.filter((event) => event.startsWith('run'))).toEqual(['run apt-get install -y chromium', 'run apt-get update', 'run apt-get install -y chromium']);
  });

  it('when apt-get fails too, the error gives the command and CHROME_PATH', async () => {
    const host = fakeHost({ isRoot: true, osRelease: DEBIAN, files: ['/usr/bin/apt-get'], exits: [100, 100] });
    const error = await failure(host);
    expect(error.message).toContain('apt-get install -y chromium (failed)');
    expect(error.message).toContain('\n    apt-get install -y chromium\n');
    expect(error.message).toContain('CHROME_PATH');
  });

  it('without root on Debian: never runs apt-get; names `sudo apt-get install -y chromium` and CHROME_PATH', async () => {
    const host = fakeHost({ osRelease: DEBIAN, files: ['/usr/bin/apt-get'] });
    const error = await failure(host);
    expect(host.events.some((event) => event.startsWith('run'))).toBe(false);
    expect(error.message).toContain('the Chrome for Testing download (getaddrinfo ENOTFOUND storage.googleapis.com)');
    expect(error.message).toContain('\n    sudo apt-get install -y chromium\n');
    expect(error.message).toContain('CHROME_PATH=/path/to/chrome npm start');
  });

  it('STRATUM_NO_INSTALL=1 neither downloads nor installs, and says why in the error', async () => {
    const host = fakeHost({ env: { STRATUM_NO_INSTALL: '1' }, isRoot: true, osRelease: DEBIAN, files: ['/usr/bin/apt-get'], download: 'ok', exits: [0] });
    const error = await failure(host);
    expect(host.events).toEqual([]);
    expect(error.message).toContain('tried CHROME_PATH (unset), 9 usual places, puppeteer');
    expect(error.message).toContain('STRATUM_NO_INSTALL=1');
    expect(error.message).toContain('\n    apt-get install -y chromium\n');
  });

  it('as root on Fedora does not reach for apt-get; names dnf', async () => {
    const host = fakeHost({ isRoot: true, osRelease: FEDORA, files: ['/usr/bin/apt-get'], exits: [0] });
    const error = await failure(host);
    expect(host.events.some((event) => event.startsWith('run'))).toBe(false);
    expect(error.message).toContain('\n    dnf install -y chromium\n');
  });

  it('names the command for macOS and Windows (with Windows’ CHROME_PATH syntax)', async () => {
    expect((await failure(fakeHost({ platform: 'darwin' }))).message).toContain('brew install --cask chromium');
    const windows = (await failure(fakeHost({ platform: 'win32' }))).message;
    expect(windows).toContain('winget install --id Google.Chrome');
    expect(windows).toContain('set CHROME_PATH=C:\\path\\to\\chrome.exe');
  });
});
