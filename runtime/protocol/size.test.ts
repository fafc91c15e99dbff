/**
 * Issue 14.12: one huge value (a 150×150 grid of 100-item arrays: 2.27 million parts) used to
 * exceed the receiver's node limit, so the whole envelope — and every unrelated change that
 * travelled with it — was dropped. Each value the agent shows has a total budget (cut with
 * "N of M" like any other display cut), and envelopes are split by size before they leave:
 * nothing that fits is dropped along with something that does not.
 */
import { describe, expect, it } from 'vitest';
import { decode } from '../codec/index.js';
import { DISPLAY } from '../devtools/agent/show.js';
import { encode } from '../codec/index.js';
import { PanelBridge, RuntimeBridge } from './bridge.js';
import { memoryWalls } from './memory-wall.js';
import { Event, LIMITS, type RuntimeEnvelope } from './messages.js';
import { countNodes } from './size.js';
import { validateRuntimeEnvelope } from './validate.js';

const grid = () => Array.from({ length: 150 }, (_, row) => Array.from({ length: 150 }, (_, col) => Array.from({ length: 100 }, (_, i) => row * 1e6 + col * 1e3 + i)));

const changed = (state: string, value: unknown) => ({
  store: 1,
  state,
  value: value as never,
  versions: { from: 1, to: 1 },
  changes: 1,
  at: 1,
  redacted: [],
});

describe('a value too big for one envelope (14.12)', () => {
  it('is shown within a total budget, cut with "N of M" where the budget ran out', () => {
    const shown = encode(grid(), DISPLAY);
    const nodes = countNodes(shown);
    expect(nodes).toBeLessThanOrEqual(DISPLAY.maxNodes! + 1000);
    expect(nodes).toBeLessThan(LIMITS.nodes / 4);
    // The first rows are whole; a later one is a truncated node that says how much there is.
    const rows = shown as unknown[];
    expect(rows).toHaveLength(150);
    expect((rows[0] as unknown[][])[149]).toEqual(Array.from({ length: 100 }, (_, i) => 149e3 + i));
    const cut = JSON.stringify(shown).match(/"\$t":"truncated","type":"array","size":(\d+)/g) ?? [];
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.every((node) => /"size":(150|100)$/.test(node))).toBe(true);
    // Still a value the panel can read (decoding keeps the cut parts as Truncated markers).
    expect(() => decode(shown)).not.toThrow();
  });

  it('leaves small values exactly as before', () => {
    const small = { a: [1, 2, 3], b: new Map([[1, { c: 'd' }]]) };
    expect(encode(small, DISPLAY)).toEqual(encode(small, { ...DISPLAY, maxNodes: undefined }));
  });

  it('never drops unrelated changes with an oversized one: envelopes are split by size', () => {
    const [pageWall, panelWall] = memoryWalls();
    const sent: RuntimeEnvelope[] = [];
    const runtime = new RuntimeBridge({
      wall: { send: (envelope) => (sent.push(envelope as RuntimeEnvelope), pageWall.send(envelope)), listen: (listener) => pageWall.listen(listener) },
      session: 'rt-1',
      handle: () => undefined,
      schedule: () => () => {},
    });
    const panel = new PanelBridge({ wall: panelWall, client: 'p' });
    const seen: string[] = [];
    panel.on(Event.stateChanged, (payload) => seen.push(payload.state));
    // Six values of 400,000 parts each: 2.4 million together, over the limit, each one under it.
    const big = Array.from({ length: 4000 }, (_, i) => Array.from({ length: 99 }, () => i));
    runtime.send(Event.stateChanged, changed('before', 1));
    for (let i = 0; i < 6; i++) runtime.send(Event.stateChanged, changed(`big${i}`, big));
    // And one that cannot fit any envelope: dropped alone, and counted.
    runtime.send(Event.stateChanged, changed('huge', Array.from({ length: 21_000 }, () => Array.from({ length: 99 }, () => 0))));
    runtime.send(Event.stateChanged, changed('after', 2));
    runtime.flush();
    expect(seen).toEqual(['before', 'big0', 'big1', 'big2', 'big3', 'big4', 'big5', 'after']);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.every((envelope) => validateRuntimeEnvelope(envelope).ok)).toBe(true);
    expect(runtime.dropped).toBe(1);
    expect(panel.dropped).toBe(0);
  });
});
