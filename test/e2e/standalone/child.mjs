// A Node "server process" for standalone.spec.ts and bench/standalone-latency.mjs: a Store with
// connectDevtools, reporting every change of its `greeting` state on stdout as a JSON line.
import { Scopes, Store } from '../../../dist/runtime/store.js';
import { connectDevtools } from '../../../dist/runtime/devtools.node.js';

const [url, token, name] = process.argv.slice(2);
const store = new Store({ name: `${name}-store` });
const greeting = store.useState('hello', { key: 'greeting', scope: 'app' });
store.useState({ requests: 0 }, { key: 'stats', scope: 'app' });
// Two clients' scopes, as a server keeps them (store.forClient per browser tab).
for (const client of ['alice', 'bob']) store.forClient(client).useState({ items: [client] }, { key: 'cart', scope: Scopes.Client });
greeting.subscribe((value) => process.stdout.write(`${JSON.stringify({ greeting: value, at: Date.now() })}\n`));
const connection = connectDevtools({ url, token, name, onStatus: (status) => process.stdout.write(`${JSON.stringify({ status })}\n`) });
process.stdin.on('data', (chunk) => {
  for (const line of String(chunk).split('\n').filter(Boolean)) {
    const message = JSON.parse(line);
    if (message.set !== undefined) greeting.set(message.set, { label: 'child' });
    if (message.close) {
      connection.close();
      process.exit(0);
    }
  }
});
