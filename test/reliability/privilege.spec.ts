/**
 * Least privilege: the built manifests ask for what the list below names, each with its reason,
 * and nothing else; nothing in dist/ evaluates strings as code; the production build of the
 * runtime sends nothing, answers nothing and adds no global.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TimeoutError, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../runtime/protocol/messages.js';
import { connect } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from '../e2e/harness/browser.js';
import { serveRepo, type Served } from '../e2e/harness/server.js';
import { Ledger, REPO_ROOT } from './support/ledger.js';

/** Every top-level manifest key either build may have, and why. */
const KEYS: Record<string, string> = {
  manifest_version: 'MV3, the version both browsers load',
  name: 'shown in the browser',
  short_name: 'shown where space is short',
  version: 'the package version',
  description: 'shown in the browser',
  icons: 'shown in the browser',
  devtools_page: 'creates the Stratum panel in DevTools: the point of the extension',
  background: 'pairs the panel with the page (service worker in Chrome, event page in Firefox)',
  content_scripts: 'the relay between the page and the panel (isolated world), and the Redux DevTools globals (main world, issue 21)',
  web_accessible_resources: "redux-bridge.js only: the main-world shim imports it when a page's library connects (issue 21)",
  minimum_chrome_version: 'Chrome only: the MV3 APIs the background uses',
  browser_specific_settings: 'Firefox only: the add-on id, and that it collects no data',
};
/** API permissions: none. Ports need none; the devtools page knows its tab without "tabs"; the kit finds tabs through the background. */
const PERMISSIONS: Record<string, string> = {};
/** Host permissions: none. The content script's matches are its only access to pages. */
const HOST_PERMISSIONS: Record<string, string> = {};
const CONTENT_MATCHES: Record<string, string> = {
  'http://*/*': 'a Stratum app may run on any page a developer opens, local servers included',
  'https://*/*': 'the same, over https',
};
/** Keys that would widen what the extension can reach or what can reach it: never present. */
const NEVER = ['permissions', 'optional_permissions', 'host_permissions', 'optional_host_permissions', 'externally_connectable', 'content_security_policy', 'sandbox', 'update_url', 'key'];
/** Content scripts by file, and the world each runs in. */
const CONTENT_SCRIPTS: Record<string, { world: string; why: string }> = {
  'content.js': { world: 'ISOLATED', why: 'the relay: window.postMessage ⇄ the background' },
  'redux-shim.js': { world: 'MAIN', why: "defines the Redux DevTools globals, where the page's libraries look for them (issue 21)" },
};
/** The only file pages may load, for the same pages as the content scripts. */
const WEB_ACCESSIBLE = JSON.stringify([{ resources: ['redux-bridge.js'], matches: Object.keys(CONTENT_MATCHES) }]);
/** What would evaluate a string as code. */
const EVAL = [/(?<![\w$.])eval\s*\(/g, /\bnew\s+Function\s*\(/g, /(?<![\w$.])Function\s*\(\s*["'`]/g, /\bset(?:Timeout|Interval)\s*\(\s*["'`]/g];

const ledger = new Ledger('privilege', e2eBrowser());
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: e2eBrowser() }), serveRepo()]);
  ledger.environment = `${await started.browser.version()}, ${ledger.environment}`;
});

afterAll(async () => {
  ledger.save();
  await Promise.all([started?.close(), served?.close()]);
});

function manifest(browser: 'chrome' | 'firefox'): Record<string, unknown> {
  const file = path.join(REPO_ROOT, 'dist', browser, 'manifest.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file} is missing or unreadable (${String(error)}): run \`npm run build\` first.`);
  }
}

/** What a manifest asks for beyond the lists above. */
function excess(built: Record<string, unknown>): { problems: string[]; checked: number } {
  const problems: string[] = [];
  let checked = 0;
  for (const key of Object.keys(built)) {
    checked++;
    if (!Object.hasOwn(KEYS, key)) problems.push(`unlisted key "${key}"`);
  }
  for (const key of NEVER) if (key in built) problems.push(`"${key}" is present`);
  for (const [key, list] of [['permissions', PERMISSIONS], ['host_permissions', HOST_PERMISSIONS]] as const) {
    for (const entry of (built[key] as string[] | undefined) ?? []) if (!Object.hasOwn(list, entry)) problems.push(`${key}: "${entry}" is not on the list`);
  }
  for (const script of (built['content_scripts'] as Record<string, unknown>[] | undefined) ?? []) {
    checked++;
    for (const match of script['matches'] as string[]) if (!Object.hasOwn(CONTENT_MATCHES, match)) problems.push(`content script match "${match}" is not on the list`);
    const js = script['js'] as string[];
    const known = js.length === 1 ? CONTENT_SCRIPTS[js[0]!] : undefined;
    if (!known) problems.push(`content scripts ${JSON.stringify(js)}`);
    else if ((script['world'] ?? 'ISOLATED') !== known.world) problems.push(`content script ${js[0]} in world ${String(script['world'])}`);
    if (script['css'] !== undefined) problems.push('content script CSS');
  }
  if ('web_accessible_resources' in built && JSON.stringify(built['web_accessible_resources']) !== WEB_ACCESSIBLE) {
    problems.push(`web_accessible_resources ${JSON.stringify(built['web_accessible_resources'])}`);
  }
  return { problems, checked };
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(path.join(dir, entry.name)) : /\.(m?js|html)$/.test(entry.name) ? [path.join(dir, entry.name)] : [],
  );
}

// The manifests and dist/ are files: no browser reads them here, so the Chromium run checks both
// builds (chrome and firefox) once, and the Firefox twin (privilege.firefox.spec.ts) skips them.
const FILES_ONLY = e2eBrowser() === 'firefox';

describe.skipIf(FILES_ONLY)('the manifests', () => {
  for (const browser of ['chrome', 'firefox'] as const) {
    it(`asks for no more than the list in the ${browser} build`, () => {
      const row = ledger.open('Least privilege', `dist/${browser}/manifest.json: keys, permissions, host permissions, content-script matches and CSP against a list with a reason per entry`);
      const built = manifest(browser);
      const { problems, checked } = excess(built);
      if (browser === 'firefox') {
        const gecko = (built['browser_specific_settings'] as { gecko?: { data_collection_permissions?: { required?: string[] } } } | undefined)?.gecko;
        if (JSON.stringify(gecko?.data_collection_permissions?.required) !== '["none"]') problems.push('Firefox: data collection is not declared "none"');
      }
      // No CSP key: MV3's default for extension pages applies ("script-src 'self'; object-src 'self'"): no eval, no remote code.
      expect(row.done({ times: checked, lost: problems, figures: `0 permissions, 0 host permissions, ${Object.keys(CONTENT_MATCHES).length} content-script matches; CSP: the MV3 default` })).toEqual([]);
    });
  }
});

describe.skipIf(FILES_ONLY)('dist/', () => {
  it('holds no eval, new Function or string timers', () => {
    const row = ledger.open('Least privilege', 'No `eval(`, `new Function(`, `Function("…")` or string timers in any .js or .html under dist/ (runtime, production runtime, chrome, firefox)');
    const scanned = ['runtime', 'chrome', 'firefox'].flatMap((dir) => files(path.join(REPO_ROOT, 'dist', dir)));
    const hits: string[] = [];
    for (const file of scanned) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of EVAL) for (const match of text.matchAll(pattern)) hits.push(`${path.relative(REPO_ROOT, file)}:${match.index}: ${text.slice(Math.max(0, match.index - 30), match.index + 30)}`);
    }
    expect(scanned.length).toBeGreaterThan(20);
    expect(row.done({ times: scanned.length, lost: hits, figures: `${scanned.length} files scanned` })).toEqual([]);
  });
});

describe('the production build', () => {
  /**
   * Loads the fixture, posts a forged hello as the content script would (and again on an announce,
   * as a panel does: the listener loads lazily, and may not hear a hello posted before it), and
   * reports what the runtime said within 2 s.
   */
  async function probe(build: 'production' | 'development'): Promise<{ page: Page; spoke: number; added: string[] }> {
    const page = await started.browser.newPage();
    await page.goto(`${served.origin}/fixtures/reliability/production.html?build=${build}`);
    await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
    await page.evaluate((protocol) => {
      const hello = () => window.postMessage({ source: 'stratum-content', v: protocol, session: '*', seq: 1, batch: [{ command: 'hello', id: 'forged:1', payload: { protocol, client: 'forged' } }] }, '*');
      window.addEventListener('message', (event) => {
        const data = event.data as { source?: unknown; batch?: { event?: unknown }[] } | null;
        if (data?.source === 'stratum-runtime' && data.batch?.some((message) => message.event === 'announce')) hello();
      });
      hello();
    }, PROTOCOL_VERSION);
    await page
      .waitForFunction(() => (window as unknown as { seen: { batch?: { event?: unknown }[] }[] }).seen.some((message) => message.batch?.some((each) => each.event === 'snapshot')), { timeout: 2000 })
      // The production build never answers: its wait ends at the timeout, which is the probe's answer.
      .catch((error: unknown) => {
        if (!(error instanceof TimeoutError)) throw error;
      });
    const result = await page.evaluate(() => {
      const w = window as unknown as { seen: { source: string }[]; added: string[] };
      return { spoke: w.seen.filter((message) => message.source === 'stratum-runtime').length, added: w.added };
    });
    // Puppeteer's own bindings for its ARIA selectors appear on every page it drives.
    result.added = result.added.filter((name) => !/^(puppeteer_|__ariaQuerySelector)/.test(name));
    return { page, ...result };
  }

  it('sends nothing, answers no hello and exposes no hook', async () => {
    const row = ledger.open('Least privilege', 'The production build (dist/runtime/production, the `production` export condition) in a page with the extension: a store, webstorage and a database in use, then a forged hello');
    const production = await probe('production');
    const lost: string[] = [];
    if (production.spoke > 0) lost.push(`it posted ${production.spoke} runtime messages`);
    if (production.added.length > 0) lost.push(`it added globals: ${production.added.join(', ')}`);
    const refused = await connect(production.page, { timeout: 2000 }).then(
      () => 'a client connected',
      (error: Error) => error.message,
    );
    if (!refused.startsWith('No Stratum runtime')) lost.push(`connect(): ${refused}`);
    // The same page on the development build speaks: the probe above can see a runtime that does.
    const development = await probe('development');
    if (development.spoke < 2) lost.push(`the development build spoke ${development.spoke} times: the probe cannot see a runtime`);
    expect(row.done({ times: 2, lost, figures: `production: 0 messages, 0 globals, connect() refused; development build under the same probe: ${development.spoke} envelopes (announce; hello answer and snapshot)` })).toEqual([]);
    await Promise.all([production.page.close(), development.page.close()]);
  });
});
