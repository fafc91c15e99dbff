/**
 * Unguessable ids for command ids and runtime sessions: a frame that sees one id must not be able
 * to predict the next (it would answer a command it never saw). crypto.getRandomValues exists in
 * every window, worker and Node ≥ 19, secure context or not.
 */
export function randomHex(bytes = 12): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  let out = '';
  for (const value of values) out += value.toString(16).padStart(2, '0');
  return out;
}
