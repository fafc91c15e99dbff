/**
 * How the main-world shim learns where its bridge is. A main-world content script has no
 * `runtime.getURL`, and Firefox hides its URL from stacks (`<anonymous code>`); the isolated
 * content script knows it. The shim dispatches WHERE on the window and the content script answers
 * with a `${WHERE}:url` CustomEvent whose detail is the URL, both synchronously (DOM events reach
 * every world's listeners), so nothing waits and nothing is posted to other frames. A string
 * detail crosses Firefox's Xray boundary as is.
 */
export const WHERE = 'stratum:redux-bridge';

/** The isolated side (content.ts): answers every ask with the bridge's extension URL. */
export function answerBridgeUrl(target: EventTarget, url: () => string): void {
  target.addEventListener(WHERE, () => target.dispatchEvent(new CustomEvent(`${WHERE}:url`, { detail: url() })));
}

/** The main-world side: the URL the content script gave, or undefined when none answered. */
export function askBridgeUrl(target: EventTarget): string | undefined {
  let url: unknown;
  const take = (event: Event) => (url = (event as CustomEvent<unknown>).detail);
  target.addEventListener(`${WHERE}:url`, take);
  try {
    target.dispatchEvent(new Event(WHERE));
  } finally {
    target.removeEventListener(`${WHERE}:url`, take);
  }
  return typeof url === 'string' ? url : undefined;
}
