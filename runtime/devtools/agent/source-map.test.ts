import { transform } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearSourceMaps, decodeMappings, originalPosition } from './source-map.js';

/** An original source where `recordChange(` sits on line 6, column 3 (1-based). */
const ORIGINAL = ['interface Note { text: string }', '', 'const notes: Note[] = [];', '', 'export function saveNote(text: string): void {', '  recordChange(notes, { text });', '}', '', 'declare function recordChange(list: Note[], note: Note): void;', ''].join('\n');

/** 1-based line and column of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((candidate) => candidate.includes(needle));
  return { line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
}

function serve(files: Record<string, string>) {
  const fetch = vi.fn(async (url: string) => {
    const body = files[url];
    return body === undefined ? new Response('missing', { status: 404 }) : new Response(body);
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  clearSourceMaps();
});

describe('originalPosition', () => {
  it('maps a call in an esbuild bundle with an inline map back to its original line and column', async () => {
    const { code } = await transform(ORIGINAL, { loader: 'ts', sourcemap: 'inline', sourcefile: 'notes.ts', minify: true });
    const fetch = serve({ 'http://app.test/assets/notes.js': code });
    const generated = positionOf(code, 'recordChange(');
    expect(generated.line).toBe(1);
    const original = await originalPosition('http://app.test/assets/notes.js', generated.line, generated.column);
    expect(original).toMatchObject({ source: 'http://app.test/assets/notes.ts', line: 6, column: 3 });
    // The script is fetched once, whatever the number of frames in it.
    await originalPosition('http://app.test/assets/notes.js', generated.line, generated.column);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('follows an external map relative to the script, with its sourceRoot', async () => {
    const { code, map } = await transform(ORIGINAL, { loader: 'ts', sourcemap: 'external', sourcefile: 'notes.ts' });
    const parsed = JSON.parse(map) as { sourceRoot?: string };
    parsed.sourceRoot = '../src';
    serve({
      'http://app.test/assets/notes.js': `${code}//# sourceMappingURL=maps/notes.js.map\n`,
      'http://app.test/assets/maps/notes.js.map': JSON.stringify(parsed),
    });
    const generated = positionOf(code, 'recordChange(');
    const original = await originalPosition('http://app.test/assets/notes.js', generated.line, generated.column);
    expect(original).toMatchObject({ source: 'http://app.test/assets/src/notes.ts', line: 6, column: 3 });
  });

  it('answers undefined, with a debug line saying why, for no map, a failed fetch, another origin or a bad map', async () => {
    const said = vi.spyOn(console, 'debug').mockImplementation(() => {});
    serve({
      'http://app.test/plain.js': 'function plain() {}\n',
      'http://app.test/broken.js': 'x()\n//# sourceMappingURL=broken.js.map\n',
      'http://app.test/broken.js.map': '{"version":3,"sources":["a.ts"],"mappings":"!!"}',
    });
    expect(await originalPosition('http://app.test/plain.js', 1, 1)).toBeUndefined();
    expect(await originalPosition('http://app.test/gone.js', 1, 1)).toBeUndefined();
    expect(await originalPosition('http://app.test/broken.js', 1, 1)).toBeUndefined();
    expect(await originalPosition('file:///app/local.js', 1, 1)).toBeUndefined();
    const lines = said.mock.calls.map((call) => String(call[0]));
    expect(lines.some((line) => line.includes('gone.js') && line.includes('404'))).toBe(true);
    expect(lines.some((line) => line.includes('broken.js') && line.includes('base64 digit'))).toBe(true);
    expect(lines.some((line) => line.includes('local.js') && line.includes('same-origin'))).toBe(true);
  });
});

describe('decodeMappings', () => {
  it('decodes Base64 VLQ fields relative across segments and lines', () => {
    // AAAA: column 0 → source 0, line 0, column 0; SAAS: column +9, column +9; ;AACA: next line, line +1.
    expect(decodeMappings('AAAA,SAAS;AACA,gBAAgB')).toEqual([
      [[0, 0, 0, 0], [9, 0, 0, 9]],
      [[0, 0, 1, 9], [16, 0, 1, 25]],
    ]);
    // Negative numbers (lowest bit set) and a name index.
    expect(decodeMappings('AAAAA,CAADC')).toEqual([[[0, 0, 0, 0, 0], [1, 0, 0, -1, 1]]]);
  });
});
