// @vitest-environment happy-dom
/**
 * "Inspect this page's storage" in the content script (issue 21): the inspector starts only when
 * the extension asks, announces itself on the port, answers the panel there, and the panel's
 * envelopes addressed to it never reach the page's window.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ANY_SESSION, Command, PROTOCOL_VERSION, SOURCE_CONTENT } from '#protocol/messages.js';

const fake = vi.hoisted(() => {
  const state = { posted: [] as unknown[], onPort: [] as ((message: unknown) => void)[], onRuntime: [] as ((message: unknown) => unknown)[], connects: 0 };
  const connect = () => {
    state.connects++;
    return {
      name: 'stratum-content',
      postMessage: (message: unknown) => void state.posted.push(message),
      disconnect: () => undefined,
      onMessage: { addListener: (listener: (message: unknown) => void) => state.onPort.push(listener) },
      onDisconnect: { addListener: () => undefined },
    };
  };
  return { state, connect };
});

vi.mock('webextension-polyfill', () => ({
  default: { runtime: { connect: fake.connect, onMessage: { addListener: (listener: (message: unknown) => unknown) => fake.state.onRuntime.push(listener) } } },
}));

const toPage: unknown[] = [];
type Envelope = { session: string; batch: { event?: string; command?: string; payload: { command?: string; ok?: boolean; result?: { runtime?: { name: string } } } }[] };
const fromInspector = (session: string) => fake.state.posted.map((message) => (message as { data: Envelope }).data).filter((data) => data.session === session);
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

beforeAll(async () => {
  vi.spyOn(window, 'postMessage').mockImplementation((message: unknown) => void toPage.push(message));
  vi.spyOn(console, 'debug').mockImplementation(() => undefined);
  await import('./content.js');
});

describe('the page storage inspector in the content script', () => {
  it('stays off and unconnected until the extension asks', () => {
    expect(fake.state.connects).toBe(0);
    expect(fake.state.onRuntime).toHaveLength(1);
    expect(fake.state.onRuntime[0]!({ kind: 'something else' })).toBeUndefined();
    expect(fake.state.connects).toBe(0);
  });

  it('starts on request, announces on the port, and keeps the commands meant for it away from the page', async () => {
    const answer = (await fake.state.onRuntime[0]!({ kind: 'inspect' })) as { started: boolean; session: string };
    expect(answer.started).toBe(true);
    await tick();
    expect(fromInspector(answer.session).flatMap((envelope) => envelope.batch.map((message) => message.event))).toContain('announce');
    const panel = (data: unknown) => fake.state.onPort.forEach((listener) => listener({ kind: 'envelope', data }));
    panel({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: ANY_SESSION, seq: 1, batch: [{ command: Command.hello, id: 'panel-1:1', payload: { protocol: PROTOCOL_VERSION, client: 'panel-1' } }] });
    panel({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: answer.session, seq: 2, batch: [{ command: Command.pageFacts, id: 'panel-1:2', payload: {} }] });
    await tick();
    const answers = fromInspector(answer.session).flatMap((envelope) => envelope.batch.filter((message) => message.event === 'response').map((message) => message.payload));
    expect(answers.find((payload) => payload.command === 'hello')?.result?.runtime?.name).toBe('Page storage (no Stratum runtime)');
    expect(answers.find((payload) => payload.command === 'pageFacts')?.ok).toBe(true);
    // The hello went to every runtime (the page's too); the inspector's own command did not.
    const sessions = toPage.map((message) => (message as Envelope).session);
    expect(sessions).toContain(ANY_SESSION);
    expect(sessions).not.toContain(answer.session);
  });
});
