/**
 * What the extension's kit page (extension/kit/) exposes to stratumjs/puppeteer: plain data in
 * and out, so it survives page.evaluate. Here, not in extension/, because runtime/ never
 * imports from extension/.
 */
import type { CommandName, CommandRequest, ProtocolError, Ready } from './messages.js';

/** A tab with a Stratum page, as the background knows it from the content script's port. */
export interface TabInfo {
  tabId: number;
  /** The top frame's URL. */
  url: string;
}

export interface KitEvent {
  event: string;
  payload: unknown;
  at: number;
}

export type KitResult = { ok: true; result: unknown } | { ok: false; error: ProtocolError };

export interface KitApi {
  /** Tabs with a Stratum page; with `nonce`, the one whose top frame carries it (data-stratum-kit-probe). */
  tabs(nonce?: string): Promise<TabInfo[]>;
  /** `timeout`: how long to wait for a compatible runtime to answer hello (default 15 s). */
  attach(tabId: number, timeout?: number): Promise<{ handle: string; ready: Ready }>;
  request<K extends CommandName>(handle: string, name: K, payload: CommandRequest<K>): Promise<KitResult>;
  events(handle: string, since?: number): KitEvent[];
  close(handle: string): void;
}

declare global {
  interface Window {
    stratumKit: KitApi;
  }
}
