/**
 * The devtools agent's costs, in Node (run: `node bench/agent.mjs`):
 *  - encoding a 1 MB state, fully and with the panel's display limits, against JSON.stringify;
 *  - messages per second through the protocol over in-memory walls: commands answered
 *    (request → validate → apply → response → validate) and deltas delivered (a change, coalesced,
 *    encoded at flush, validated by the panel side).
 * Medians of several runs; printed, never asserted.
 */
import { encode } from '../runtime/codec/index.js';
import { startAgent } from '../runtime/devtools/agent/index.js';
import { show, InlineBlobs } from '../runtime/devtools/agent/show.js';
import { registryId } from '../runtime/registry/registry.js';
import { PanelBridge } from '../runtime/protocol/bridge.js';
import { memoryWalls } from '../runtime/protocol/memory-wall.js';
import { Command, Event, PROTOCOL_VERSION } from '../runtime/protocol/messages.js';
import { Store } from '../runtime/store/store.js';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => void, runs = 15): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** About 1 MB of JSON: 5,000 records with strings, numbers, a nested object and a list. */
function megabyteState(): unknown {
  return Array.from({ length: 5000 }, (_, i) => ({
    id: i,
    name: `user number ${i} with a longer display name`,
    email: `user${i}@example.com`,
    score: i * 1.5,
    active: i % 2 === 0,
    address: { street: `${i} Main Street`, city: 'Springfield', zip: String(10000 + i) },
    tags: ['alpha', 'beta', 'gamma'].slice(0, (i % 3) + 1),
  }));
}

function encoding(): void {
  const state = megabyteState();
  const bytes = JSON.stringify(state).length;
  const json = time(() => JSON.stringify(state));
  const full = time(() => JSON.stringify(encode(state)));
  const blobs = new InlineBlobs();
  const shown = time(() => JSON.stringify(show(state, ['state', 'app', 'big'], blobs).value));
  console.log(`1 MB state (${(bytes / 1e6).toFixed(2)} MB of JSON):`);
  console.log(`  JSON.stringify                    ${json.toFixed(2)} ms`);
  console.log(`  encode + stringify (full)         ${full.toFixed(2)} ms   ×${(full / json).toFixed(2)}`);
  console.log(`  agent show (display limits)       ${shown.toFixed(2)} ms   ×${(shown / json).toFixed(2)}`);
}

async function throughput(): Promise<void> {
  const [pageWall, panelWall] = memoryWalls();
  let flush: (() => void) | undefined;
  const agent = startAgent({
    wall: pageWall,
    info: { id: 'rt-bench', name: 'bench', frame: { url: 'about:blank', top: true, title: '' }, protocol: PROTOCOL_VERSION, version: 'dev' },
    schedule: (run) => ((flush = run), () => (flush = undefined)),
  });
  const panel = new PanelBridge({ wall: panelWall, client: 'bench', schedule: (run) => (queueMicrotask(run), () => {}) });
  panel.target = 'rt-bench';
  const frame = () => {
    const run = flush;
    flush = undefined;
    run?.();
  };
  const store = new Store({ name: 'bench' });
  const states = Array.from({ length: 100 }, (_, i) => store.createState({ n: 0, label: `state ${i}` }, { key: `s${i}`, scope: 'app' }));
  const hello = panel.hello();
  await Promise.resolve();
  frame();
  await hello;

  // Commands: 20,000 stateSets, 100 in flight per frame.
  const target = { store: registryId(store)!, state: states[0]!.id };
  let version = 0;
  const commands = 20_000;
  let start = performance.now();
  for (let sent = 0; sent < commands; sent += 100) {
    const batch = Array.from({ length: 100 }, () => panel.request(Command.stateSet, { ...target, value: { n: version }, baseVersion: version++ }));
    await Promise.resolve();
    frame();
    await Promise.all(batch);
  }
  const commandRate = commands / ((performance.now() - start) / 1000);

  // Deltas: every state changes in every frame; each frame delivers 100 deltas.
  let deltas = 0;
  panel.on(Event.stateChanged, () => deltas++);
  const frames = 500;
  start = performance.now();
  for (let f = 0; f < frames; f++) {
    for (const state of states) state.set({ n: f, label: state.value.label });
    frame();
  }
  const deltaRate = deltas / ((performance.now() - start) / 1000);
  agent.shutdown();
  panel.shutdown();
  console.log('in-memory walls (structured clone per envelope, both sides validating):');
  console.log(`  commands answered                 ${Math.round(commandRate).toLocaleString('en')} /s`);
  console.log(`  deltas delivered                  ${Math.round(deltaRate).toLocaleString('en')} /s (${deltas} in ${frames} frames)`);
}

export async function main(): Promise<void> {
  console.log(`node ${process.version}`);
  encoding();
  await throughput();
}
