import { describe, expect, it } from 'vitest';
import { distributions, installCommand, nameOf, usualPlaces, type SystemFacts } from './places.js';

const facts = (over: Partial<SystemFacts>): SystemFacts => ({ platform: 'linux', env: {}, homedir: '/home/ada', isRoot: false, ...over });

describe('usualPlaces', () => {
  it('on Linux starts with Debian’s Chromium and covers Chrome and Edge', () => {
    const places = usualPlaces(facts({}));
    expect(places[0]).toEqual({ name: 'Chromium', path: '/usr/bin/chromium' });
    expect(places.map((place) => place.name)).toEqual(expect.arrayContaining(['Chrome', 'Edge']));
  });

  it('on Windows uses Program Files from the environment and the user’s own installs', () => {
    const paths = usualPlaces(facts({ platform: 'win32', env: { PROGRAMFILES: 'E:\\Apps', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' } })).map((place) => place.path);
    expect(paths).toContain('E:\\Apps\\Google\\Chrome\\Application\\chrome.exe');
    expect(paths).toContain('C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe');
    expect(paths).toContain('C:\\Users\\ada\\AppData\\Local\\Chromium\\Application\\chrome.exe');
  });

  it('STRATUM_BROWSER_PATHS replaces the list, split by the platform’s separator', () => {
    expect(usualPlaces(facts({ env: { STRATUM_BROWSER_PATHS: '/x/chromium::/y/msedge' } }))).toEqual([
      { name: 'Chromium', path: '/x/chromium' },
      { name: 'Edge', path: '/y/msedge' },
    ]);
    expect(usualPlaces(facts({ platform: 'win32', env: { STRATUM_BROWSER_PATHS: 'C:\\a\\chrome.exe;D:\\b\\chrome.exe' } }))).toHaveLength(2);
  });
});

describe('installCommand', () => {
  it('names the package manager of the distribution, with sudo unless root', () => {
    const os = (text: string, isRoot = false) => installCommand(facts({ osRelease: text, isRoot }));
    expect(os('ID=ubuntu\nID_LIKE=debian')).toBe('sudo apt-get install -y chromium');
    expect(os('ID=debian', true)).toBe('apt-get install -y chromium');
    expect(os('ID="rocky"\nID_LIKE="rhel centos fedora"')).toBe('sudo dnf install -y chromium');
    expect(os('ID=arch')).toBe('sudo pacman -S --noconfirm chromium');
    expect(os('ID=alpine', true)).toBe('apk add chromium');
    expect(os('ID=nixos')).toBe('npx @puppeteer/browsers install chrome@stable --path ~/.cache/puppeteer');
  });
});

describe('names', () => {
  it('reads os-release IDs and guesses a browser from its path', () => {
    expect(distributions('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n')).toEqual(['linuxmint', 'ubuntu', 'debian']);
    expect(nameOf('/opt/microsoft/msedge/msedge')).toBe('Edge');
    expect(nameOf('/root/.cache/puppeteer/chrome/linux-148/chrome-linux64/chrome')).toBe('Chrome for Testing');
    expect(nameOf('/usr/bin/google-chrome')).toBe('Chrome');
  });
});
