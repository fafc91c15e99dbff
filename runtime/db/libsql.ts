export { libsql } from './providers/libsql.js';
export type { LibsqlOptions } from './providers/libsql.js';
