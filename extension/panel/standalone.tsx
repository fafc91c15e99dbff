/**
 * The standalone panel's entry (`npx stratumjs devtools`): the same panel, mounted on a
 * WebSocket wall. The token comes in the URL's fragment, which the browser never sends to a
 * server, and is kept for this tab only so a reload stays paired.
 */
import { mount } from './mount.js';
import { wsWall } from './ws-wall.js';
import { columnsClient } from '#protocol/columns.js';

function token(): string | undefined {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('stratum-token', fromHash);
    history.replaceState(null, '', location.pathname);
    return fromHash;
  }
  return sessionStorage.getItem('stratum-token') ?? undefined;
}

function unpaired(container: HTMLElement, why: string): void {
  container.textContent = `${why ? `The server refused this panel (${why}). ` : ''}Open the URL that \`npx stratumjs devtools\` printed: it carries the pairing token.`;
  container.setAttribute('data-testid', 'standalone-unpaired');
}

function start(): void {
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root');
  const paired = token();
  if (!paired) return unpaired(container, '');
  const client = columnsClient();
  const wall = wsWall({
    origin: location.origin,
    token: paired,
    client,
    // A token from an earlier run (the server restarted without --token): pairing again is the only way.
    onRefused: (why) => {
      sessionStorage.removeItem('stratum-token');
      mounted.unmount();
      wall.close();
      unpaired(container, why);
    },
  });
  const mounted = mount({ wall, container });
  addEventListener('pagehide', () => {
    mounted.unmount();
    wall.close();
  });
}

start();
