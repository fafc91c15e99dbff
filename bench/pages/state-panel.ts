/**
 * Row 1 with a panel connected. Two copies of the runtime share the page: the peer says hello
 * to both, then `stop`s one, which leaves it exactly as if no panel had come. Sampling the
 * watched and the unwatched copy alternately makes their ratio the instrumentation overhead.
 */
import { Command, Event } from '../../runtime/protocol/messages.js';
import type { Store } from '../../runtime/store/index.js';
import { bench, type Variant } from '../harness.js';
import { connect, delivered, sessionOf, type Connected } from './peer.js';
import { bare, nanostores, stratum } from './state-variants.js';

async function copyOf(name: string): Promise<typeof Store> {
  // A computed URL: the bundler leaves it alone and the browser loads a second instance.
  const url = new URL(`./state-copy.js?copy=${name}`, import.meta.url).href;
  await import(url);
  const loaded = globalThis.__stratumCopies?.[name];
  if (!loaded) throw new Error(`state-copy.js?copy=${name} loaded but registered no store`);
  return loaded.Store;
}

const IdleStore = await copyOf('idle');
const WatchedStore = await copyOf('connected');
const watchedStore = new WatchedStore({ name: 'bench-connected' });
const watchedState = watchedStore.createState(0, { key: 'count', scope: 'bench' });
const idleSets = stratum(new IdleStore({ name: 'bench-idle' }));
const watched = stratum(watchedStore, 'watched');
let peer: Connected | undefined;
/** Events the stopped copy sent anyway: any would mean "no panel" is not what we measure. */
let idleEvents = 0;

const idle: Variant = {
  run: (n) => idleSets.run!(n),
  teardown() {
    if (idleEvents > 0) throw new Error(`the runtime told to stop still sent ${idleEvents} stateChanged events`);
  },
};

/**
 * The sets, then the flush that carries them to the peer: the agent flushes on the next frame
 * or after 16 ms, so once the loop outlasts 16 ms the flush is due at its end and the time to
 * delivery is work (encode, post, validate), not waiting. Shorter loops (only while the driver
 * sizes the sample) count the loop alone.
 */
const connected: Variant = {
  async timed(n) {
    if (!peer) throw new Error('the panel peer is not connected');
    const state = watchedStore.getState<number>({ key: 'watched', scope: 'bench' })!;
    const started = performance.now();
    watched.run!(n);
    const looped = performance.now();
    const arrived = delivered(peer, state.id, state.version);
    const at = await arrived;
    return looped - started >= 17 ? at - started : looped - started;
  },
};

bench('state.set.panel', {
  async setup() {
    peer = await connect();
    const idleSession = sessionOf(peer, 'bench-idle');
    sessionOf(peer, 'bench-connected');
    await peer.bridge.request(Command.stop, { client: peer.client }, idleSession);
    peer.bridge.on(Event.stateChanged, (_payload, session) => {
      if (session === idleSession) idleEvents++;
    });
    // Proof that the connection is live before anything is timed.
    watchedState.set(1);
    await delivered(peer, watchedState.id, watchedState.version);
  },
  variants: { connected, idle, nanostores: nanostores(), bare: bare() },
});
