// @vitest-environment happy-dom
import { transform } from 'esbuild';
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearSourceMaps } from '#runtime/devtools/agent/source-map.js';
import { Panel } from '../../models/panel.js';
import { click, text, waitFor } from '../../testing/harness.js';
import { memoryPanelWall } from '../../testing/memory-wall.js';
import { PanelContext } from '../context.js';
import { StackFrames } from './StackFrames.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  clearSourceMaps();
});

/** StackFrames in a panel connected to the real agent over the memory wall. */
async function show(stack: string[]) {
  const page = memoryPanelWall();
  const runtime = page.addRuntime();
  const panel = new Panel({ wall: page.wall });
  const container = document.createElement('div');
  document.body.append(container);
  render(
    <PanelContext.Provider value={panel}>
      <StackFrames stack={stack} />
    </PanelContext.Provider>,
    container,
  );
  panel.start();
  cleanups.push(() => {
    render(null, container);
    panel.dispose();
    runtime.remove();
    container.remove();
  });
  return { page, panel, container };
}

describe('StackFrames', () => {
  it('shows a frame at its source-mapped position and opens the original source; an unmapped frame stays raw', async () => {
    const source = ['// notes', 'export function saveNote(store: { set(v: number): void }) {', '  store.set(1);', '}', ''].join('\n');
    const { code } = await transform(source, { loader: 'ts', sourcemap: 'inline', sourcefile: 'src/notes.ts', minify: true });
    // Only the page's own scripts are fetched: the happy-dom page's origin.
    const origin = location.origin;
    const files: Record<string, string> = { [`${origin}/assets/app.js`]: code, [`${origin}/vendor.js`]: 'function vendor() {}\n' };
    vi.stubGlobal('fetch', async (url: string) => (url in files ? new Response(files[url]) : new Response('', { status: 404 })));
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    const generated = `saveNote (${origin}/assets/app.js:1:${code.indexOf('.set(') + 1})`;
    const raw = `vendor (${origin}/vendor.js:1:10)`;
    const { page, container } = await show([generated, raw]);

    const frames = await waitFor(() => {
      const items = [...container.querySelectorAll<HTMLElement>('[data-testid="stack-frame"]')];
      return items[0]?.dataset.mapped === 'true' ? items : undefined;
    });
    expect(text(frames![0]!)).toBe(`saveNote (${origin}/assets/src/notes.ts:3:3)`);
    expect(frames![0]!.title).toBe(generated);
    expect(text(frames![1]!)).toBe(raw);
    expect(frames![1]!.dataset.mapped).toBeUndefined();

    const links = container.querySelectorAll('[data-testid="stack-link"]');
    click(links[0]!);
    click(links[1]!);
    expect(page.opened).toEqual([
      { url: `${origin}/assets/src/notes.ts`, line: 3 },
      { url: `${origin}/vendor.js`, line: 1 },
    ]);
  });
});
