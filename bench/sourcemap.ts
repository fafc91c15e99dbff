/**
 * `node bench/sourcemap.mjs`: decoding a large map's `mappings` with the hand-written Base64 VLQ
 * decoder this project had and with @jridgewell/sourcemap-codec (what the agent now uses), on
 * the same string: 20,000 lines × 30 segments. Prints the median of 7 runs and checks both agree.
 */
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, i) => [char, i]));

/** The decoder runtime/devtools/agent/source-map.ts had until issue 16, kept here to compare. */
function handWritten(mappings: string): number[][][] {
  const lines: number[][][] = [];
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  for (const text of mappings.split(';')) {
    const segments: number[][] = [];
    let generated = 0;
    for (const part of text.split(',')) {
      if (part === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of part) {
        const digit = DIGIT.get(char)!;
        value += (digit & 31) * 2 ** shift;
        if (digit & 32) {
          shift += 5;
          continue;
        }
        fields.push(value % 2 === 1 ? -Math.floor(value / 2) : value / 2);
        value = 0;
        shift = 0;
      }
      generated += fields[0] ?? 0;
      if (fields.length < 4) {
        segments.push([generated]);
        continue;
      }
      source += fields[1]!;
      line += fields[2]!;
      column += fields[3]!;
      if (fields.length < 5) segments.push([generated, source, line, column]);
      else segments.push([generated, source, line, column, (name += fields[4]!)]);
    }
    segments.sort((a, b) => a[0]! - b[0]!);
    lines.push(segments);
  }
  return lines;
}

function median(fn: () => unknown): number {
  fn();
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    fn();
    runs.push(performance.now() - start);
  }
  return runs.sort((a, b) => a - b)[3]!;
}

export function main(): void {
  const lines: SourceMapSegment[][] = [];
  for (let l = 0, s = 0; l < 20_000; l++) {
    const segments: SourceMapSegment[] = [];
    for (let c = 0; c < 30; c++) segments.push([c * 7, s++ % 40, (l % 5000) + (c % 3), c * 3, c % 50]);
    lines.push(segments);
  }
  const text = encode(lines);
  const same = JSON.stringify(handWritten(text)) === JSON.stringify(decode(text));
  console.log(`mappings: ${text.length} characters; both decoders agree: ${same}`);
  console.log(`hand-written:            ${median(() => handWritten(text)).toFixed(1)} ms (median of 7)`);
  console.log(`@jridgewell/sourcemap-codec: ${median(() => decode(text)).toFixed(1)} ms (median of 7)`);
}
