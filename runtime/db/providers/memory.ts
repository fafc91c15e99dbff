/**
 * The memory provider: `openDatabase(name, { provider: memory() })`, and what `fallback: 'memory'`
 * opens. The engine loads on first open, so pages that never use it do not download it.
 */
import type { Provider } from '../provider.js';

let engine: Promise<Provider> | undefined;

function load(): Promise<Provider> {
  engine ??= import('./memory-engine.js').then(({ MemoryProvider }) => new MemoryProvider());
  return engine;
}

export function memory(): Provider {
  return {
    kind: 'memory',
    persistent: false,
    open: async (request) => (await load()).open(request),
    deleteDatabase: async (name, blocked) => (await load()).deleteDatabase(name, blocked),
  };
}
