/**
 * The floors of the code, lowest first. A file may import its own folder, and any folder on a
 * LOWER floor; never a floor above, never a sibling folder on its own floor. docs/ARCHITECTURE.md
 * draws the same picture; layers.test.ts checks every import against this table.
 */
export const FLOORS: { name: string; folders: string[] }[] = [
  { name: 'codec', folders: ['runtime/codec'] },
  { name: 'protocol', folders: ['runtime/protocol'] },
  { name: 'registry (what every stratum shares) · snapshot file', folders: ['runtime/registry', 'runtime/snapshot-file'] },
  { name: 'strata', folders: ['runtime/store', 'runtime/webstorage', 'runtime/db'] },
  { name: 'persistence · the bindings\' component-state core', folders: ['runtime/persistence', 'runtime/bindings'] },
  { name: 'devtools · framework bindings · library adapters', folders: ['runtime/devtools', 'runtime/react', 'runtime/preact', 'runtime/vue', 'runtime/svelte', 'runtime/adapters'] },
  { name: 'transports (the agent over a WebSocket)', folders: ['runtime/transport'] },
  { name: 'entries · kit · extension', folders: ['runtime/puppeteer', 'extension'] },
];

/** The public entries (build.mjs) wire the floors together, so they sit on the top floor wherever their file is. */
export const ENTRIES = [
  'runtime/index.ts',
  'runtime/store/index.ts',
  'runtime/store/production.ts',
  'runtime/webstorage/index.ts',
  'runtime/webstorage/node.ts',
  'runtime/db/index.ts',
  'runtime/db/libsql.ts',
  'runtime/db/postgres.ts',
  'runtime/db/redis.ts',
  'runtime/devtools/index.ts',
  'runtime/devtools/production.ts',
  'runtime/devtools/node.ts',
  'runtime/react/index.ts',
  'runtime/preact/index.ts',
  'runtime/preact/signals.ts',
  'runtime/vue/index.ts',
  'runtime/svelte/index.ts',
  'runtime/adapters/zustand/index.ts',
  'runtime/adapters/redux/index.ts',
  'runtime/adapters/nanostores/index.ts',
  'runtime/adapters/jotai/index.ts',
  'runtime/adapters/pinia/index.ts',
  'runtime/adapters/valtio/index.ts',
  'runtime/adapters/mobx/index.ts',
];
