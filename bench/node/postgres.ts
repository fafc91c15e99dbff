/** Row 3 on a shared server: PostgreSQL (see servers.ts). */
import { serverSuite } from './servers.js';

serverSuite('postgres');
