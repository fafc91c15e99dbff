import { transform } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { Command, MAX_TRACE_FRAMES } from '../../../protocol/messages.js';
import { clearSourceMaps } from '../source-map.js';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  clearSourceMaps();
});

describe('resolveFrames', () => {
  it('answers each frame at its original position, and null for a frame without a map or a position', async () => {
    const source = ['export function saveNote(store: { set(v: number): void }) {', '  const next = 1;', '  store.set(next);', '}', ''].join('\n');
    const { code, map } = await transform(source, { loader: 'ts', sourcemap: 'external', sourcefile: 'save.ts', minify: true });
    const files: Record<string, string> = {
      'http://app.test/app.js': `${code}//# sourceMappingURL=app.js.map\n`,
      'http://app.test/app.js.map': map,
      'http://app.test/vendor.js': 'function vendor() {}\n',
    };
    vi.stubGlobal('fetch', async (url: string) => (url in files ? new Response(files[url]) : new Response('', { status: 404 })));
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    const column = code.indexOf('.set(') + 1;
    const t = kit();
    await t.hello();
    const { frames } = await t.call(Command.resolveFrames, {
      frames: [`saveNote (http://app.test/app.js:1:${column})`, 'vendor (http://app.test/vendor.js:1:10)', 'native', `http://app.test/app.js:1:${column}`],
    });
    expect(frames).toEqual([
      { fn: 'saveNote', url: 'http://app.test/save.ts', line: 3, column: 3 },
      null,
      null,
      { fn: '', url: 'http://app.test/save.ts', line: 3, column: 3 },
    ]);
  });

  it('refuses more frames than a delta carries', async () => {
    const t = kit();
    await t.hello();
    const frames = Array.from({ length: MAX_TRACE_FRAMES + 1 }, (_, i) => `f (http://app.test/a.js:${i + 1}:1)`);
    await expect(t.call(Command.resolveFrames, { frames })).rejects.toThrow();
  });
});
