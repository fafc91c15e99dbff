/**
 * Load: 1,000 state changes per second (10 s in CI, 60 s with `npm run soak`) with a client
 * connected and following every delta. Recorded, not timed: the page's frame rate and heap, the
 * envelopes it posts, the kit's event buffer. Asserted, generously: they stay bounded, the
 * buffer stays at its cap, and the streamed view ends equal to the page. load.firefox.spec.ts
 * runs it in Firefox, where each heap is about:memory's count for its window (the same bounds).
 */
import type { Browser, CDPSession, Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../runtime/puppeteer/index.js';
import { kitPage } from '../../runtime/puppeteer/extension.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from '../e2e/harness/browser.js';
import { windowMemory } from '../e2e/harness/firefox-parent.js';
import { serveRepo, type Served } from '../e2e/harness/server.js';
import { differences, openApp, pageView, snapshotView, until } from './support/app.js';
import { Ledger, SOAK } from './support/ledger.js';
import { follow } from './support/live.js';
import { byId, click, comparePanel, open, shown } from './support/panel.js';

const SECONDS = SOAK ? 60 : 10;
const RATE = 1000;
const STATES = 10;
/** The kit page keeps this many events per connection (extension/kit/kit.ts). */
const KIT_EVENTS_CAP = 5000;
/** The panel's timeline keeps MAX_ENTRIES (extension/panel/models/timeline.ts), trimmed in steps of a tenth. */
const TIMELINE_CAP = 5000;
const MB = 1024 * 1024;

const ledger = new Ledger('load', e2eBrowser());
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

type Load = { load: { done: number; frames: number; envelopes: number; finished: boolean } };

/** The heaps the row records: the app's page and the kit page (after a GC when `collect`), the panel's. */
interface Heaps {
  /** What is measured, for the figures. */
  readonly what: string;
  page(collect?: boolean): Promise<number>;
  kit(collect?: boolean): Promise<number>;
  panel(): Promise<number>;
  close(): Promise<void>;
}

/** Chromium: each page's V8 heap through CDP, the panel's through performance.memory. */
async function chromiumHeaps(page: Page, kit: Page, panel: Frame): Promise<Heaps> {
  const [pageCdp, kitCdp] = await Promise.all([page.createCDPSession(), kit.createCDPSession()]);
  await Promise.all([pageCdp.send('HeapProfiler.enable'), kitCdp.send('HeapProfiler.enable')]);
  const heap = async (cdp: CDPSession, collect = false) => {
    if (collect) await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  return {
    what: 'V8 heap (CDP Runtime.getHeapUsage; the panel: performance.memory)',
    page: (collect) => heap(pageCdp, collect),
    kit: (collect) => heap(kitCdp, collect),
    panel: () => panel.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize),
    close: async () => void (await Promise.all([pageCdp.detach(), kitCdp.detach()])),
  };
}

/** Firefox (no CDP, nothing in BiDi, no performance.memory): each window's memory as about:memory counts it. */
async function firefoxHeaps(browser: Browser, page: Page, kit: Page, panel: Frame): Promise<Heaps> {
  // Each page's own location: puppeteer's url() stays about:blank for the kit and panel pages in Firefox.
  const [pageUrl, kitUrl, panelUrl] = await Promise.all([page, kit, panel].map((where) => where.evaluate(() => location.href)));
  return {
    what: "window memory, JS heap with DOM and layout (about:memory's reporters, GC and CC by its Minimize)",
    page: (collect) => windowMemory(browser, pageUrl!, collect),
    kit: (collect) => windowMemory(browser, kitUrl!, collect),
    panel: () => windowMemory(browser, panelUrl!),
    close: async () => undefined,
  };
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

describe('load', () => {
  it(`${RATE.toLocaleString('en-US')} state changes per second for ${SECONDS} s with the panel open and a client following`, async () => {
    const where = e2eBrowser() === 'firefox' ? 'as a tab' : 'in DevTools';
    const row = ledger.open('Load', `${RATE.toLocaleString('en-US')} state changes per second across ${STATES} states for ${SECONDS} s, with the real panel open ${where} and a kit client following every delta`);
    const page = await openApp(started.browser, served.origin, 'db=0');
    const client = await connect(page);
    const live = await follow(page);
    const panel = await open(page);
    const kit = await kitPage(started.browser);
    const meter = e2eBrowser() === 'firefox' ? await firefoxHeaps(started.browser, page, kit, panel.frame) : await chromiumHeaps(page, kit, panel.frame);
    const panelHeapStart = await meter.panel();
    // Chromium runs no animation frames in a background tab: the app's tab is the one in front.
    await page.bringToFront();
    const heapStart = await meter.page(true);
    const kitHeapStart = await meter.kit(true);

    await page.evaluate(
      (seconds, rate, count) => {
        const w = window as unknown as Load & { app: { store: { createState(v: number, o: object): { set(f: (n: number) => number): void } } } };
        const states = Array.from({ length: count }, (_, i) => w.app.store.createState(0, { key: `load-${i}`, scope: 'load' }));
        const total = seconds * rate;
        w.load = { done: 0, frames: 0, envelopes: 0, finished: false };
        addEventListener('message', (event) => (event.data as { source?: string } | null)?.source === 'stratum-runtime' && w.load.envelopes++);
        const start = performance.now();
        // A timer catches up with the schedule (timers are clamped to ~4 ms); frames are only counted.
        const timer = setInterval(() => {
          const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
          for (; w.load.done < due; w.load.done++) states[w.load.done % count]!.set((n) => n + 1);
          if (w.load.done >= total) {
            clearInterval(timer);
            w.load.finished = true;
          }
        }, 4);
        const frame = () => {
          w.load.frames++;
          if (!w.load.finished) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      },
      SECONDS,
      RATE,
      STATES,
    );

    const fps: number[] = [];
    const heaps: number[] = [];
    const kitHeaps: number[] = [];
    const buffered: number[] = [];
    const envelopes: number[] = [];
    let last = { frames: 0, envelopes: 0, at: Date.now() };
    for (;;) {
      for (let i = 0; i < 4; i++) {
        await live.view();
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const now = await page.evaluate(() => (window as unknown as Load).load);
      const seconds = (Date.now() - last.at) / 1000;
      fps.push((now.frames - last.frames) / seconds);
      envelopes.push((now.envelopes - last.envelopes) / seconds);
      last = { frames: now.frames, envelopes: now.envelopes, at: Date.now() };
      heaps.push(await meter.page());
      kitHeaps.push(await meter.kit());
      buffered.push(await live.buffered());
      if (now.finished) break;
    }
    const done = await page.evaluate(() => (window as unknown as Load).load.done);
    const own = await pageView(page);
    await expect.poll(() => live.view(), { timeout: 15_000 }).toEqual(own).catch(() => undefined);
    const lost = [
      ...differences(await live.view(), own).map((difference) => `live view ${difference}`),
      ...differences(snapshotView(await client.snapshot()), own).map((difference) => `client snapshot ${difference}`),
    ];
    const keys = Array.from({ length: STATES }, (_, i) => `load-${i}`);
    await until('the panel shows the last change', async () => (await shown(panel.frame, keys.at(-1)!)).version === (SECONDS * RATE) / STATES, 15_000).catch(() => undefined);
    lost.push(...(await comparePanel(panel.frame, page, keys)).map((difference) => `panel ${difference}`));
    await click(panel.frame, byId('tab-timeline'));
    const timeline = await panel.frame.$eval(byId('timeline-count'), (node) => node.textContent ?? '');
    const [, shownCount = '0', dropped = '0'] = /([\d,]+) events shown(?: · ([\d,]+) oldest dropped)?/.exec(timeline) ?? [];
    const entries = Number(shownCount.replace(/,/g, ''));
    const evicted = Number(dropped.replace(/,/g, ''));
    if (entries > TIMELINE_CAP * 1.1) lost.push(`the panel's timeline holds ${entries} entries, over its cap`);
    if (entries + evicted > TIMELINE_CAP * 1.1 && entries < TIMELINE_CAP) lost.push(`the panel's timeline holds ${entries} of ${entries + evicted}, below its cap`);
    const panelHeapEnd = await meter.panel();
    const heapEnd = await meter.page(true);
    const kitHeapEnd = await meter.kit(true);
    const steady = fps.slice(1, -1);
    // Generous bounds that only a leak or a stall would cross: what the run measured goes in the table.
    if (done !== SECONDS * RATE) lost.push(`the page made ${done} of ${SECONDS * RATE} changes`);
    if (Math.min(...steady) < 10) lost.push(`the page fell to ${Math.min(...steady).toFixed(0)} frames per second`);
    if (heapEnd - heapStart > 16 * MB) lost.push(`the page's heap grew ${mb(heapEnd - heapStart)} after GC`);
    if (Math.max(...heaps) - heapStart > 64 * MB) lost.push(`the page's heap peaked ${mb(Math.max(...heaps) - heapStart)} above its start`);
    if (kitHeapEnd - kitHeapStart > 32 * MB) lost.push(`the kit page's heap grew ${mb(kitHeapEnd - kitHeapStart)} after GC`);
    if (Math.max(...buffered) > KIT_EVENTS_CAP) lost.push(`the kit buffered ${Math.max(...buffered)} events, over its cap`);
    const expected = Math.min(KIT_EVENTS_CAP, live.counts.events);
    if (buffered.at(-1)! !== expected) lost.push(`the kit's buffer ended at ${buffered.at(-1)}, not ${expected}`);
    if (Math.max(...envelopes.slice(1, -1)) > 250) lost.push(`the page posted up to ${Math.max(...envelopes).toFixed(0)} envelopes a second`);
    const range = (values: number[], format: (n: number) => string) => `${format(Math.min(...values))}–${format(Math.max(...values))}`;
    expect(
      row.done({
        times: done,
        lost,
        figures: `frames/s ${range(steady, (n) => n.toFixed(0))}; envelopes/s ${range(envelopes.slice(1, -1), (n) => n.toFixed(0))}; page heap ${mb(heapStart)} → ${mb(heapEnd)} after GC (peak ${mb(Math.max(...heaps))}); kit heap ${mb(kitHeapStart)} → ${mb(kitHeapEnd)}; kit buffer ${Math.max(...buffered)} (cap ${KIT_EVENTS_CAP}); panel timeline ${entries.toLocaleString('en-US')} shown, ${evicted.toLocaleString('en-US')} dropped (cap ${TIMELINE_CAP}); panel heap ${mb(panelHeapStart)} → ${mb(panelHeapEnd)}; heaps are ${meter.what}; ${live.counts.events.toLocaleString('en-US')} events folded by the kit`,
      }),
    ).toEqual([]);
    await Promise.all([meter.close(), live.close(), client.close(), panel.close()]);
    await page.close();
  }, (SECONDS + 90) * 1000);
});
