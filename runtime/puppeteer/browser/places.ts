/**
 * Where Chrome, Chromium and Edge are installed on Linux, macOS and Windows, and the one command
 * that installs a browser on each system. Pure: the platform, environment and home are passed in.
 */

export type BrowserName = 'Chrome' | 'Chromium' | 'Edge' | 'Chrome for Testing';

export interface Place {
  name: BrowserName;
  path: string;
}

/** What a system is, as far as installing a browser goes. */
export interface SystemFacts {
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  /** /etc/os-release as text, when there is one. */
  osRelease?: string | undefined;
  isRoot: boolean;
}

/** `STRATUM_BROWSER_PATHS` replaces the usual places (CI hides the system Chromium with it). */
export const PATHS_VARIABLE = 'STRATUM_BROWSER_PATHS';

function linuxPlaces(): Place[] {
  // Chromium first: Debian's is what CI and containers have, and branded Chrome 137+ ignores
  // --load-extension (the Stratum extension would not load there without puppeteer's CDP path).
  return [
    { name: 'Chromium', path: '/usr/bin/chromium' },
    { name: 'Chromium', path: '/usr/bin/chromium-browser' },
    { name: 'Chromium', path: '/snap/bin/chromium' },
    { name: 'Chrome', path: '/usr/bin/google-chrome-stable' },
    { name: 'Chrome', path: '/usr/bin/google-chrome' },
    { name: 'Chrome', path: '/opt/google/chrome/chrome' },
    { name: 'Edge', path: '/usr/bin/microsoft-edge-stable' },
    { name: 'Edge', path: '/usr/bin/microsoft-edge' },
    { name: 'Edge', path: '/opt/microsoft/msedge/msedge' },
  ];
}

function macPlaces(homedir: string): Place[] {
  const apps = ['/Applications', `${homedir}/Applications`];
  const bundles: Array<[BrowserName, string]> = [
    ['Chrome', 'Google Chrome.app/Contents/MacOS/Google Chrome'],
    ['Chromium', 'Chromium.app/Contents/MacOS/Chromium'],
    ['Edge', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'],
  ];
  return bundles.flatMap(([name, bundle]) => apps.map((dir) => ({ name, path: `${dir}/${bundle}` })));
}

function windowsPlaces(env: SystemFacts['env']): Place[] {
  const programFiles = env['PROGRAMFILES'] ?? 'C:\\Program Files';
  const programFilesX86 = env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)';
  const local = env['LOCALAPPDATA'];
  const roots = [programFiles, programFilesX86, ...(local ? [local] : [])];
  return [
    ...roots.map((root) => ({ name: 'Chrome' as const, path: `${root}\\Google\\Chrome\\Application\\chrome.exe` })),
    ...roots.map((root) => ({ name: 'Edge' as const, path: `${root}\\Microsoft\\Edge\\Application\\msedge.exe` })),
    ...(local ? [{ name: 'Chromium' as const, path: `${local}\\Chromium\\Application\\chrome.exe` }] : []),
  ];
}

/** The usual install locations for this system, most likely first (or STRATUM_BROWSER_PATHS). */
export function usualPlaces(facts: SystemFacts): Place[] {
  const override = facts.env[PATHS_VARIABLE];
  if (override !== undefined) {
    const separator = facts.platform === 'win32' ? ';' : ':';
    return override
      .split(separator)
      .filter(Boolean)
      .map((path) => ({ name: nameOf(path), path }));
  }
  if (facts.platform === 'darwin') return macPlaces(facts.homedir);
  if (facts.platform === 'win32') return windowsPlaces(facts.env);
  return linuxPlaces();
}

/** A browser's name from its executable's path (for CHROME_PATH and overridden places). */
export function nameOf(path: string): BrowserName {
  const file = path.toLowerCase();
  if (/edge|msedge/.test(file)) return 'Edge';
  if (file.includes('chromium')) return 'Chromium';
  if (file.includes('chrome-linux') || file.includes('chrome for testing') || file.includes('puppeteer')) return 'Chrome for Testing';
  return 'Chrome';
}

/** ID and ID_LIKE of /etc/os-release, lower case: e.g. ['ubuntu', 'debian']. */
export function distributions(osRelease: string | undefined): string[] {
  if (!osRelease) return [];
  const ids: string[] = [];
  for (const line of osRelease.split('\n')) {
    const match = /^(ID|ID_LIKE)=(.*)$/.exec(line.trim());
    if (match) ids.push(...match[2]!.replace(/["']/g, '').toLowerCase().split(/\s+/).filter(Boolean));
  }
  return ids;
}

export function isDebianLike(facts: SystemFacts): boolean {
  return facts.platform === 'linux' && distributions(facts.osRelease).some((id) => id === 'debian' || id === 'ubuntu');
}

/** The one command that installs a browser here, for the user to run. */
export function installCommand(facts: SystemFacts): string {
  const sudo = facts.isRoot ? '' : 'sudo ';
  if (facts.platform === 'darwin') return 'brew install --cask chromium';
  if (facts.platform === 'win32') return 'winget install --id Google.Chrome';
  if (facts.platform === 'linux') {
    const ids = distributions(facts.osRelease);
    const has = (...names: string[]) => ids.some((id) => names.includes(id));
    if (has('debian', 'ubuntu')) return `${sudo}apt-get install -y chromium`;
    if (has('fedora', 'rhel', 'centos')) return `${sudo}dnf install -y chromium`;
    if (has('arch')) return `${sudo}pacman -S --noconfirm chromium`;
    if (has('alpine')) return `${sudo}apk add chromium`;
    if (has('suse', 'opensuse')) return `${sudo}zypper install -y chromium`;
  }
  // Anywhere else: Chrome for Testing into puppeteer's cache, where the resolver looks next time.
  return 'npx @puppeteer/browsers install chrome@stable --path ~/.cache/puppeteer';
}
