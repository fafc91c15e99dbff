/** stratumjs/devtools under the `node` condition: the same exports, connectDevtools over `ws`. */
export * from './index.js';
export { connectDevtools } from '../transport/ws/connect-node.js';
