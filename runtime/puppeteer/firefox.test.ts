import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addonIdOf, FIREFOX_EXTENSION_UUID, firefoxPrefs } from './firefox.js';

const dir = mkdtempSync(path.join(tmpdir(), 'stratum-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An unpacked extension folder holding only `manifest`. */
function extension(name: string, manifest: object): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
  return folder;
}

describe('the kit in Firefox', () => {
  it('reads the add-on id from the Firefox manifest and refuses a Chrome build in words', () => {
    expect(addonIdOf(extension('firefox', { browser_specific_settings: { gecko: { id: 'x@example.org' } } }))).toBe('x@example.org');
    expect(() => addonIdOf(extension('chrome', { manifest_version: 3 }))).toThrow(/no browser_specific_settings\.gecko\.id: pass the Firefox build/);
  });

  it("pins the extension's UUID, unthrottles background timers, and lets the caller's prefs win", () => {
    const prefs = firefoxPrefs('x@example.org', { 'extensions.background.idle.timeout': 1000, 'dom.min_background_timeout_value': 1000 });
    expect(JSON.parse(prefs['extensions.webextensions.uuids'] as string)).toEqual({ 'x@example.org': FIREFOX_EXTENSION_UUID });
    expect(prefs['extensions.background.idle.timeout']).toBe(1000);
    expect(prefs['dom.min_background_timeout_value']).toBe(1000);
    expect(firefoxPrefs(undefined)['dom.min_background_timeout_value']).toBe(4);
    expect(firefoxPrefs(undefined)).not.toHaveProperty('extensions.webextensions.uuids');
  });
});
