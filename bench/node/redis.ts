/** Row 3 on a shared server: Redis (see servers.ts). */
import { serverSuite } from './servers.js';

serverSuite('redis');
