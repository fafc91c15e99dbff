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

/** The peer, connected to the watched copy only (the idle one told to stop), once per page. */
async function connectPeer(): Promise<Connected> {
  if (peer) return peer;
  const connected = await connect();
  const idleSession = sessionOf(connected, 'bench-idle');
  sessionOf(connected, 'bench-connected');
  await connected.bridge.request(Command.stop, { client: connected.client }, idleSession);
  connected.bridge.on(Event.stateChanged, (_payload, session) => {
    if (session === idleSession) idleEvents++;
  });
  peer = connected;
  return connected;
}

bench('state.set.panel', {
  async setup() {
    const connected = await connectPeer();
    // Proof that the connection is live before anything is timed.
    watchedState.set(1);
    await delivered(connected, watchedState.id, watchedState.version);
  },
  variants: { connected, idle, nanostores: nanostores(), bare: bare() },
});

/**
 * Memory: the page's heap that 10,000 new states take, in the copy the panel watches and in the
 * one it does not (each sample a fresh store in one copy, measured after the deltas reached the
 * peer and full GCs). `timed` returns bytes here, not ms: the row's kind is 'size'.
 */
const STATES = 10_000;
let memoryRound = 0;
const kept: Store[] = [];
declare const gc: (() => void) | undefined;

/**
 * The heap after full collections in separate tasks (WeakRefs are cleared only between tasks).
 * Chromium refreshes performance.memory at most every 50 ms even when precise, so the reading
 * waits longer than that after the last collection.
 */
async function heapUsed(): Promise<number> {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  if (!memory || typeof gc !== 'function') throw new Error('needs --enable-precise-memory-info and --js-flags=--expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, i === 2 ? 120 : 0));
  }
  return memory.usedJSHeapSize;
}

function keptBy(StoreClass: typeof Store, settle: () => Promise<unknown>): Variant {
  return {
    async timed() {
      const before = await heapUsed();
      const store = new StoreClass({ name: `bench-memory-${++memoryRound}` });
      for (let i = 0; i < STATES; i++) store.createState({ id: i, label: `item ${i}`, done: i % 2 === 0 }, { key: `item-${i}`, scope: 'bench' });
      await settle();
      const after = await heapUsed();
      // Kept to the end: freeing them would put one sample's garbage into the next one's figure.
      kept.push(store);
      return after - before;
    },
  };
}

bench('memory.states', {
  async setup() {
    await connectPeer();
  },
  variants: {
    // Until the peer has every event the page queued: deltas travel in order, so a last change of
    // another state arriving says the rest arrived before it.
    connected: keptBy(WatchedStore, async () => {
      watchedState.set(watchedState.get() + 1);
      await delivered(await connectPeer(), watchedState.id, watchedState.version, 30_000);
    }),
    idle: keptBy(IdleStore, () => new Promise((resolve) => setTimeout(resolve, 50))),
  },
});

