export { toSvelteStore } from './svelte.js';
export type { SvelteStore } from './svelte.js';
