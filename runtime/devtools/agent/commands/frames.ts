/**
 * resolveFrames: trace frames at their original positions, through the page's source maps.
 * Loaded by the agent on the first request (most sessions never record traces), with the
 * source-map reader it uses.
 */
import { parseFrame } from '../../../protocol/frames.js';
import type { Handlers } from '../context.js';
import { originalPosition } from '../source-map.js';

export const frameCommands: Handlers<'resolveFrames'> = {
  async resolveFrames({ frames }) {
    const resolved = await Promise.all(
      frames.map(async (text) => {
        const frame = parseFrame(text);
        if (!frame) return null;
        const original = await originalPosition(frame.url, frame.line, frame.column);
        if (!original) return null;
        // The map's name at a call site names the identifier there (the callee), not the enclosing
        // function, so the engine's function name stays.
        return { fn: frame.fn, url: original.source, line: original.line, column: original.column };
      }),
    );
    return { frames: resolved };
  },
};
