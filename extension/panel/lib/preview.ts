/**
 * What a blob preview shows, from its type and its first bytes: an image, audio or video (as an
 * object URL the caller makes), text, pretty JSON, or a hex dump. Decided by the declared type
 * first, then by sniffing (valid UTF-8 without control characters reads as text).
 */

export type PreviewKind = 'image' | 'audio' | 'video' | 'json' | 'text' | 'hex';

/** How many bytes each kind needs: media whole (up to a cap), text a prefix, hex a screenful. */
export const PREVIEW_BYTES: Record<PreviewKind, number> = {
  image: 32 * 1024 * 1024,
  audio: 32 * 1024 * 1024,
  video: 32 * 1024 * 1024,
  json: 256 * 1024,
  text: 256 * 1024,
  hex: 4096,
};

export function kindOf(type: string): PreviewKind | undefined {
  const lower = type.toLowerCase();
  // SVG is an image that can carry script: it is shown through <img>, where scripts never run.
  if (lower.startsWith('image/')) return 'image';
  if (lower.startsWith('audio/')) return 'audio';
  if (lower.startsWith('video/')) return 'video';
  if (lower === 'application/json' || lower.endsWith('+json')) return 'json';
  if (lower.startsWith('text/') || lower === 'application/xml' || lower === 'application/javascript') return 'text';
  return undefined;
}

/** The bytes as text when they are text: valid UTF-8 without NULs or other C0 controls besides tab/newline. */
export function asText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8 (or cut inside a character at the end): try without the last 3 bytes once.
    if (bytes.length < 4) return undefined;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - 3));
    } catch {
      // Binary: the caller shows hex instead.
      return undefined;
    }
  }
  return /[\u0000-\u0008\u000e-\u001f]/.test(text) ? undefined : text;
}

export function prettyJson(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // A cut or invalid document: shown as text.
    return undefined;
  }
}

/** `00000000  48 65 6c 6c 6f  |Hello|`, 16 bytes a line. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex = [...row].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines.join('\n');
}
