/**
 * A PanelWall in memory, for tests: the panel and any number of page-side runtimes in one
 * process, over runtime/protocol/memory-wall.ts (structured-cloned, synchronous). `addRuntime()`
 * starts the real agent (runtime/devtools/agent) on a new page wall, so a test drives a real
 * Store / webstorage / database and the panel sees what the extension would show.
 *
 * `setStatus('reconnecting')` behaves like a stopped service worker: nothing crosses until
 * `setStatus('connected')`, which is what a panel hears when the port comes back.
 */
import type { Wall } from '#protocol/bridge.js';
import { memoryWalls } from '#protocol/memory-wall.js';
import { PROTOCOL_VERSION, type RuntimeInfo } from '#protocol/messages.js';
import type { Schedule } from '#protocol/outbox.js';
import { startAgent, type Agent } from '#runtime/devtools/agent/index.js';
import type { PageFrame, PanelWall, WallStatus } from '../wall.js';

export interface MemoryPanelWallOptions {
  tabId?: number;
  theme?: 'light' | 'dark';
  /** The client name the wall announces (the panel uses it in hello and stop). */
  client?: string;
  /** Starts in this status; default 'connected' (announced to onStatus listeners as they subscribe). */
  status?: WallStatus;
}

export interface MemoryRuntime {
  agent: Agent;
  info: RuntimeInfo;
  /** The page side of this runtime's wall (what a content script would relay). */
  wall: Wall;
  /** Stops this runtime (a page that went away). */
  remove(): void;
  /**
   * Holds what the panel sends this runtime (a busy worker, a page stuck in a long task) until the
   * returned release, which delivers it: the runtime's answers then come late.
   */
  hold(): () => void;
}

export interface MemoryPanelWall {
  /** Hand this to mount(). */
  wall: PanelWall;
  /**
   * Starts the real agent for a new runtime on the page; every runtime hears the panel. With
   * `frameId`, its envelopes reach the panel from that frame, as the extension's port says.
   */
  addRuntime(info?: Partial<RuntimeInfo> & { schedule?: Schedule; frameId?: number }): MemoryRuntime;
  /** A page-side wall with nothing on it (for a hand-made runtime); `remove` disconnects it. */
  addPage(frameId?: number): { wall: Wall; remove(): void };
  setStatus(status: WallStatus): void;
  /** A frame's content script (re)connected: the panel says hello again. */
  pageReady(frame?: PageFrame): void;
  /** A frame's document went away (its content script's port closed). */
  pageGone(frameId: number): void;
  /** Calls the panel made to open a call site in Sources. */
  readonly opened: { url: string; line: number }[];
  readonly closed: boolean;
  /** Envelopes the panel sent (for tests that count hellos or stops). */
  readonly sent: unknown[];
}

let runtimes = 0;

export function memoryPanelWall(options: MemoryPanelWallOptions = {}): MemoryPanelWall {
  const panelListeners = new Set<(data: unknown, frameId?: number) => void>();
  const statusListeners = new Set<(status: WallStatus) => void>();
  const pageListeners = new Set<(frame: PageFrame) => void>();
  const goneListeners = new Set<(frameId: number) => void>();
  const pages = new Set<Wall>();
  const opened: { url: string; line: number }[] = [];
  const sent: unknown[] = [];
  let status: WallStatus = options.status ?? 'connected';
  let closed = false;
  const up = () => status === 'connected' && !closed;

  const wall: PanelWall = {
    tabId: options.tabId ?? 1,
    theme: options.theme,
    ...(options.client !== undefined && { client: options.client }),
    openResource: (url, line) => void opened.push({ url, line }),
    send(envelope) {
      if (!up()) return;
      sent.push(envelope);
      for (const page of [...pages]) page.send(envelope);
    },
    listen(listener) {
      panelListeners.add(listener);
      return () => panelListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      queueMicrotask(() => statusListeners.has(listener) && listener(status));
      return () => statusListeners.delete(listener);
    },
    onPageReady(listener) {
      pageListeners.add(listener);
      return () => pageListeners.delete(listener);
    },
    onPageGone(listener) {
      goneListeners.add(listener);
      return () => goneListeners.delete(listener);
    },
    close() {
      closed = true;
    },
  };

  function addPage(frameId?: number): { wall: Wall; remove(): void; hold(): () => void } {
    const [pageWall, panelSide] = memoryWalls();
    const stop = panelSide.listen((data) => {
      if (!up()) return;
      for (const listener of [...panelListeners]) listener(data, frameId);
    });
    let held: unknown[] | undefined;
    const side: Wall = { ...panelSide, send: (envelope) => (held ? held.push(envelope) : panelSide.send(envelope)) };
    pages.add(side);
    return {
      wall: pageWall,
      remove() {
        pages.delete(side);
        stop();
      },
      hold() {
        held = [];
        return () => {
          const late = held ?? [];
          held = undefined;
          for (const envelope of late) panelSide.send(envelope);
        };
      },
    };
  }

  return {
    wall,
    opened,
    sent,
    get closed() {
      return closed;
    },
    addPage,
    addRuntime({ schedule, frameId, ...overrides } = {}) {
      const page = addPage(frameId);
      const info: RuntimeInfo = {
        id: `rt-memory-${++runtimes}`,
        name: 'memory page',
        frame: { url: 'http://127.0.0.1/', top: true, title: 'memory page' },
        protocol: PROTOCOL_VERSION,
        version: 'dev',
        ...overrides,
      };
      const agent = startAgent({ wall: page.wall, info, ...(schedule && { schedule }) });
      return {
        agent,
        info,
        wall: page.wall,
        remove() {
          page.remove();
          agent.shutdown();
        },
        hold: () => page.hold(),
      };
    },
    setStatus(next) {
      status = next;
      for (const listener of [...statusListeners]) listener(next);
    },
    pageReady(frame = { frameId: 0, url: 'http://127.0.0.1/' }) {
      for (const listener of [...pageListeners]) listener(frame);
    },
    pageGone(frameId) {
      for (const listener of [...goneListeners]) listener(frameId);
    },
  };
}
