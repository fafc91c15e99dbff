/**
 * Call-site frames as deltas carry them (`stack`): one string per frame, `fn (url:line:col)` or
 * `url:line:col`, the page's own position (line and column 1-based, as the engine printed them).
 * The panel parses them to link a frame to the Sources panel.
 */

export interface Frame {
  /** The function as the engine named it (`saveNote`, `Editor.save`, `async load`); '' when anonymous. */
  fn: string;
  url: string;
  line: number;
  column: number;
}

const FRAME = /^(?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

/** A frame string as a Frame, or undefined for one without a position to open (`native`, `<anonymous>`, eval). */
export function parseFrame(text: string): Frame | undefined {
  const match = FRAME.exec(text);
  if (!match) return undefined;
  const [, fn = '', url = '', line = '', column = ''] = match;
  // `eval at f (…), <anonymous>`: a position in code that has no URL to open.
  if (/\s/.test(url)) return undefined;
  return { fn, url, line: Number(line), column: Number(column) };
}
