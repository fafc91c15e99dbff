/**
 * Issue 14.13: while the service worker restarts, the extension's port is down and whatever the
 * panel sends is lost. Commands in flight and commands sent meanwhile are rejected at once with
 * `disconnected` (in words that say the edit may or may not have been applied), not after the
 * 15 s timeout; once the wall is back, commands go through again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PanelBridge, type Wall, type WallState } from './bridge.js';
import { Command, Event, PROTOCOL_VERSION, SOURCE_RUNTIME, type ContentEnvelope } from './messages.js';

function statusWall() {
  const sent: ContentEnvelope[] = [];
  const listeners = new Set<(data: unknown) => void>();
  const statusListeners = new Set<(status: WallState) => void>();
  const wall: Wall = {
    send: (envelope) => void sent.push(structuredClone(envelope) as ContentEnvelope),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
  return {
    wall,
    sent,
    status: (status: WallState) => statusListeners.forEach((listener) => listener(status)),
    deliver: (data: unknown) => listeners.forEach((listener) => listener(data)),
  };
}

afterEach(() => vi.useRealTimers());

describe('commands while the transport is down (14.13)', () => {
  it('rejects a command in flight with `disconnected` as soon as the wall drops, not after the timeout', async () => {
    vi.useFakeTimers();
    const { wall, status } = statusWall();
    const panel = new PanelBridge({ wall, client: 'p', schedule: (flush) => (queueMicrotask(flush), () => {}) });
    const edit = panel.request(Command.stateSet, { store: 1, state: 's', value: 1, baseVersion: 0 });
    const settled = vi.fn();
    edit.catch(settled);
    await Promise.resolve();
    status('reconnecting');
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toHaveBeenCalledOnce();
    await expect(edit).rejects.toMatchObject({ code: 'disconnected', message: expect.stringMatching(/may or may not have been applied/) });
  });

  it('rejects a command sent while the wall is down at once, and sends it nowhere', async () => {
    vi.useFakeTimers();
    const { wall, status, sent } = statusWall();
    const panel = new PanelBridge({ wall, client: 'p', schedule: (flush) => (queueMicrotask(flush), () => {}) });
    status('reconnecting');
    const edit = panel.request(Command.stateSet, { store: 1, state: 's', value: 1, baseVersion: 0 });
    const settled = vi.fn();
    edit.catch(settled);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toHaveBeenCalledOnce();
    await expect(edit).rejects.toMatchObject({ code: 'disconnected', message: expect.stringMatching(/was not sent/) });
    expect(sent).toEqual([]);
  });

  it('sends and settles commands again once the wall is back', async () => {
    const { wall, status, sent, deliver } = statusWall();
    const panel = new PanelBridge({ wall, client: 'p', schedule: (flush) => (queueMicrotask(flush), () => {}) });
    panel.target = 'rt-1';
    status('reconnecting');
    status('connected');
    const edit = panel.request(Command.stateSet, { store: 1, state: 's', value: 1, baseVersion: 0 });
    await Promise.resolve();
    const id = sent[0]!.batch[0]!.id;
    deliver({ source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: 'rt-1', seq: 1, batch: [{ event: Event.response, payload: { id, command: Command.stateSet, ok: true, result: { version: 1 } } }] });
    await expect(edit).resolves.toEqual({ version: 1 });
  });
});
