import type { Wall, WallState } from '#protocol/bridge.js';

/** The connection between the panel and the background, as the header shows it. */
export type WallStatus = WallState;

/** A page frame whose content script (re)connected: a panel says hello again. */
export interface PageFrame {
  frameId: number;
  url: string;
}

/**
 * What `mount()` gets: a transport for protocol envelopes (panel → ContentEnvelope,
 * page → RuntimeEnvelope) plus the facts only the host knows. The panel never touches
 * `chrome.*`; the DevTools page, the panel-as-a-tab and the tests each hand it a wall.
 */
export interface PanelWall extends Wall {
  readonly tabId: number;
  /**
   * The client name the transport announced (the background's `stop` on disconnect uses it):
   * the panel says hello and stop under this name. Absent: the panel picks a random one.
   */
  readonly client?: string;
  onStatus(listener: (status: WallStatus) => void): () => void;
  onPageReady(listener: (frame: PageFrame) => void): () => void;
  /**
   * A page frame's document went away (navigated, closed, into the back/forward cache: its
   * content script's port closed); in the standalone panel, a runtime's socket closed (the relay
   * numbers each socket as a frame). Absent where the host cannot tell.
   */
  onPageGone?(listener: (frameId: number) => void): () => void;
  /**
   * DevTools' theme where known (`chrome.devtools.panels.themeName`); undefined elsewhere, where
   * theme.css follows the OS preference.
   */
  readonly theme: 'light' | 'dark' | undefined;
  /** Opens a call site in the Sources panel (DevTools only). */
  openResource?(url: string, line: number): void;
  /**
   * Starts the page storage inspector in the page's top frame (extension/inspector/): it then
   * answers hello as a runtime of its own. Absent where the host cannot (the standalone panel).
   */
  inspect?(): Promise<{ started: true; session: string } | { started: false; reason: string }>;
  /** Stops the transport for good (the panel unmounts). */
  close(): void;
}
