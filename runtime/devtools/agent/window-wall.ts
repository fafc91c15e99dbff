import type { Wall } from '../../protocol/bridge.js';

/**
 * The page's side of the content-script relay. Sending posts to this window (the content
 * script's isolated world shares it); receiving is fed by the registry's window listener, which
 * already checked `event.source === window` and the source tag.
 */
export function windowWall(subscribe: (listener: (data: unknown) => void) => () => void): Wall {
  return {
    // '*': a sandboxed or file: page has an opaque origin that no target origin string matches;
    // the message never leaves this window, whose scripts can read it either way.
    send: (envelope) => window.postMessage(envelope, '*'),
    listen: subscribe,
  };
}
