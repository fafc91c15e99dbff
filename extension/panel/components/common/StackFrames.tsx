/**
 * Call-site frames of a change (innermost first, as the page's engine printed them). A frame with
 * a position links to the Sources panel through the wall (DevTools only; elsewhere it is text).
 */
import { parseFrame } from '../../../../runtime/protocol/frames.js';
import { usePanel } from '../context.js';

export function StackFrames({ stack }: { stack: string[] }) {
  const { wall } = usePanel();
  const open = wall.openResource;
  return (
    <ol class="stack" data-testid="stack">
      {stack.map((text) => {
        const frame = parseFrame(text);
        return (
          <li data-testid="stack-frame">
            {frame && open ? (
              <button type="button" class="link" data-testid="stack-link" title={`Open ${frame.url}:${frame.line} in the Sources panel`} onClick={() => open.call(wall, frame.url, frame.line)}>
                {text}
              </button>
            ) : (
              text
            )}
          </li>
        );
      })}
    </ol>
  );
}
