import { describe, expect, it } from 'vitest';
import { CODEC_VERSION, CodecError, deserialize, serialize } from './index.js';

describe('serialize / deserialize', () => {
  it('writes a versioned marker and reads it back', () => {
    const text = serialize({ at: new Date(0), tags: new Set(['a']) });
    expect(text.startsWith(`stratum:${CODEC_VERSION}:`)).toBe(true);
    expect(deserialize(text)).toEqual({ at: new Date(0), tags: new Set(['a']) });
  });

  it("reads other apps' plain JSON as JSON, tags and all", () => {
    expect(deserialize('{"theme":"dark","n":[1,2]}')).toEqual({ theme: 'dark', n: [1, 2] });
    expect(deserialize('{"$t":"date","v":"2020-01-01"}')).toEqual({ $t: 'date', v: '2020-01-01' });
    expect(deserialize('42')).toBe(42);
  });

  it('refuses text that is neither JSON nor the Stratum format', () => {
    expect(() => deserialize('dark mode')).toThrow(CodecError);
    expect(() => deserialize('dark mode')).toThrow(/neither JSON nor the Stratum format/);
  });

  it('refuses damaged values and values from a newer codec', () => {
    expect(() => deserialize('stratum:1:{"a":')).toThrow(/damaged Stratum value/);
    expect(() => deserialize(`stratum:${CODEC_VERSION + 1}:1`)).toThrow(/written by codec version 2; this runtime reads up to version 1/);
    expect(() => deserialize('stratum:x:1')).toThrow(/without a version/);
    expect(() => deserialize('stratum:1:{"$t":"nope"}')).toThrow(CodecError);
  });

  it("refuses a Blob or File in words: text has no room for its bytes, which would read back as metadata only", () => {
    expect(() => serialize({ photo: new Blob(['hello'], { type: 'text/plain' }) })).toThrow(CodecError);
    expect(() => serialize({ photo: new Blob(['hello']) })).toThrow(/cannot store \$\.photo: a Blob's bytes/);
    expect(() => serialize([new File(['x'], 'a.txt')])).toThrow(/cannot store \$\[0\]: a File's bytes/);
  });

  it('serializes values nested deeper than JSON.stringify can go', () => {
    let chain: unknown = 'end';
    for (let i = 0; i < 10_000; i++) chain = [chain];
    let back = deserialize(serialize(chain));
    let depth = 0;
    while (Array.isArray(back)) {
      back = back[0];
      depth++;
    }
    expect(depth).toBe(10_000);
    expect(back).toBe('end');
  });
});
