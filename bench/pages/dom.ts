/** DOM helpers for timing the panel: exact moments from a MutationObserver, never a polling interval. */

/**
 * Resolves with performance.now() at the first DOM change after which `find` returns an
 * element, once the browser has laid that element out (what a paint needs first).
 */
export function until(find: () => Element | null | undefined, timeout = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const found = find();
      if (!found) return false;
      observer.disconnect();
      clearTimeout(timer);
      // Forces style and layout now, inside the measurement, rather than in the next frame.
      found.getBoundingClientRect();
      resolve(performance.now());
      return true;
    };
    const observer = new MutationObserver(() => void check());
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`the panel did not show the expected element within ${timeout / 1000} s`));
    }, timeout);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    check();
  });
}

export function click(element: Element): void {
  element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
}

/** Sets a field's whole value as a paste would, and tells the panel (an `input` event). */
export function typeInto(element: Element, text: string): void {
  (element as HTMLInputElement).value = text;
  element.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Posts `data` to this window and resolves when it arrives: the hop without any protocol around it. */
export function posted(data: unknown): Promise<void> {
  return new Promise((resolve) => {
    const tag = Math.random();
    const onMessage = (event: MessageEvent): void => {
      if ((event.data as { tag?: number } | null)?.tag !== tag) return;
      window.removeEventListener('message', onMessage);
      resolve();
    };
    window.addEventListener('message', onMessage);
    window.postMessage({ tag, data }, location.origin);
  });
}
