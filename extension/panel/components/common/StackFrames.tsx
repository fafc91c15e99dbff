/**
 * Call-site frames of a change (innermost first, as the page's engine printed them). Each stack
 * shown is resolved once through the page's source maps (FramesModel): a mapped frame shows and
 * opens its original `source:line:column`, the raw frame stays in its tooltip; an unmapped one
 * shows and opens the raw position. Links go to the Sources panel through the wall (DevTools
 * only; elsewhere it is text).
 */
import { useEffect } from 'preact/hooks';
import { parseFrame, type Frame } from '#protocol/frames.js';
import { usePanel } from '../context.js';

function label(frame: Frame): string {
  const where = `${frame.url}:${frame.line}:${frame.column}`;
  return frame.fn === '' ? where : `${frame.fn} (${where})`;
}

export function StackFrames({ stack }: { stack: string[] }) {
  const { wall, frames, connection } = usePanel();
  const open = wall.openResource;
  const resolved = frames.resolved.value;
  // Asked again when the panel (re)connects: a stack shown before the page answered stays raw until then.
  const target = connection.target.value;
  const key = stack.join('\n');
  useEffect(() => {
    if (target !== null) void frames.resolve(stack);
  }, [key, target]);
  return (
    <ol class="stack" data-testid="stack">
      {stack.map((text) => {
        const original = resolved.get(text) ?? undefined;
        const frame = original ?? parseFrame(text);
        const shown = original ? label(original) : text;
        const mapped = original ? 'true' : undefined;
        return (
          <li data-testid="stack-frame" data-mapped={mapped} title={original ? text : undefined}>
            {frame && open ? (
              <button
                type="button"
                class="link"
                data-testid="stack-link"
                title={`Open ${frame.url}:${frame.line} in the Sources panel${original ? ` (generated: ${text})` : ''}`}
                onClick={() => open.call(wall, frame.url, frame.line)}
              >
                {shown}
              </button>
            ) : (
              shown
            )}
          </li>
        );
      })}
    </ol>
  );
}
