/**
 * Starts listening for a panel. Every public browser entry imports this module, and it stays
 * small: in a worker it catches the page relay's hand-over at once (registry/relay-catch.ts),
 * and everything else (the window listener, the agent's loader) loads from start.ts after the
 * importing tick. A panel that said hello before that hears the listener's `announce` and says
 * it again. Production builds define __STRATUM_NO_AGENT__ and drop it (stratumjs/store's
 * production entry does not import it).
 */
import { config, panelListener } from '../registry/core.js';
import { catchRelay } from '../registry/relay-catch.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

// Read before the import below: a production bundle built from this entry never fetches the
// listener's chunk.
function isProductionBundle(): boolean {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    // Unbundled ESM in a browser has no `process` (a ReferenceError): no bundler said production.
    return false;
  }
}

if (typeof __STRATUM_NO_AGENT__ === 'undefined') {
  // In a worker, now, while the modules load: the app's module body runs after this one and may
  // set `self.onmessage` at once, and a listener added first is the first to hear a message.
  const caught = catchRelay();
  // The rest in a microtask, so that configureDevtools({ enabled: false }) in the importing tick
  // wins. Turned off, the catch still takes the relay's messages (and closes their ports): they
  // are Stratum's, never the app's.
  queueMicrotask(() => {
    if (!config.enabled || isProductionBundle()) return caught?._stop();
    // Node, or a window without events: there is no panel to listen for.
    if (!caught && (typeof window === 'undefined' || !window.addEventListener)) return;
    let stopped = false;
    panelListener._stop = () => {
      stopped = true;
      caught?._stop();
    };
    import('./start.js').then(
      ({ start }) => {
        if (!stopped) panelListener._stop = start(config, caught);
      },
      (error: unknown) => {
        // Nothing will link what the catch holds: let the relay's ports go.
        caught?._stop();
        console.error('stratum: the panel listener did not load, so no panel connects:', error);
      },
    );
  });
}
