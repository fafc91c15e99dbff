/**
 * Row 5: the codec's string form (what webstorage and the SQLite provider store) against JSON,
 * devalue and superjson, each to and from a string. Every pair is checked to round-trip the
 * value before anything is timed, so no contender is fast because it dropped something.
 */
import * as devalue from 'devalue';
import superjson from 'superjson';
import { deserialize, serialize } from '../../runtime/codec/index.js';
import { bench, sink, type Variant } from '../harness.js';
import { plainState, richState, same } from './data.js';

interface Codec {
  stringify(value: unknown): string;
  parse(text: string): unknown;
}

const CODECS: Record<string, Codec> = {
  stratum: { stringify: serialize, parse: deserialize },
  json: { stringify: (value) => JSON.stringify(value), parse: (text) => JSON.parse(text) as unknown },
  devalue: { stringify: (value) => devalue.stringify(value), parse: (text) => devalue.parse(text) as unknown },
  superjson: { stringify: (value) => superjson.stringify(value), parse: (text) => superjson.parse(text) },
};

const STATES = { plain: plainState(1_000_000), rich: richState(1_000_000) };

function variants(which: 'plain' | 'rich', direction: 'encode' | 'decode'): Record<string, Variant> {
  const value = STATES[which];
  const names = which === 'plain' ? Object.keys(CODECS) : Object.keys(CODECS).filter((name) => name !== 'json');
  return Object.fromEntries(
    names.map((name) => {
      const codec = CODECS[name]!;
      let text = '';
      const variant: Variant = {
        setup() {
          text = codec.stringify(value);
          if (!same(codec.parse(text), value)) throw new Error(`${name} does not round-trip the ${which} state`);
        },
        run(n) {
          for (let i = 0; i < n; i++) sink.value = direction === 'encode' ? codec.stringify(value) : codec.parse(text);
        },
      };
      return [name, variant];
    }),
  );
}

bench('codec.encode.plain', { variants: variants('plain', 'encode') });
bench('codec.decode.plain', { variants: variants('plain', 'decode') });
bench('codec.encode.rich', { variants: variants('rich', 'encode') });
bench('codec.decode.rich', { variants: variants('rich', 'decode') });
