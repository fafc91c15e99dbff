/**
 * Row 6, latency: one change, from `state.set` in the page to the moment the panel's end of the
 * protocol holds it. The peer stands in for the content script and the panel (bench/pages/peer.ts),
 * so this is the runtime's part of the trip: the coalescing wait (the next frame or 16 ms, by
 * design), encoding, posting and validating; Chromium's extension messaging is not in it.
 */
import { Store } from '../../runtime/store/index.js';
import { bench } from '../harness.js';
import { connect, delivered, type Connected } from './peer.js';

const store = new Store({ name: 'bench-latency' });
const state = store.createState({ count: 0, label: 'latency' }, { key: 'latency', scope: 'bench' });
let peer: Connected | undefined;

bench('panel.latency', {
  async setup() {
    peer = await connect();
  },
  variants: {
    stratum: {
      async timed() {
        if (!peer) throw new Error('the panel peer is not connected');
        const started = performance.now();
        state.set((prev) => ({ ...prev, count: prev.count + 1 }));
        const at = await delivered(peer, state.id, state.version);
        return at - started;
      },
    },
  },
});
