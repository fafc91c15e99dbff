/**
 * The snapshot file format on its own floor: what a file holds (format.ts), the checks a file
 * must pass before anything is applied (validate.ts), and the differences between two files or a
 * file and a page (diff.ts). Pure: the agent, the panel and the kit all import it from here.
 */
export * from './format.js';
export * from './validate.js';
export * from './diff.js';
export * from './recording.js';
export * from './end-state.js';
export * from './test-file.js';
