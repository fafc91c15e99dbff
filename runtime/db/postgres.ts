export { postgres } from './providers/postgres.js';
export type { PostgresOptions } from './providers/postgres.js';
