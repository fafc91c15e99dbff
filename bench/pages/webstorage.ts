/**
 * Row 2: a small object into localStorage and back. The limit is localStorage with JSON by
 * hand; localforage (forced onto its localStorage driver) is what people reach for instead.
 * Every set writes a different value, so no layer can skip the write as unchanged.
 */
import localforage from 'localforage';
import { webstorage } from '../../runtime/webstorage/index.js';
import { bench, sink, type Variant } from '../harness.js';

let counter = 0;
function value() {
  counter++;
  return { id: counter, name: 'Ada Lovelace', roles: ['admin', 'editor'], prefs: { theme: 'dark', compact: true }, seen: counter * 1000 };
}

interface Contender {
  set(key: string, value: unknown): unknown;
  get(key: string): unknown;
}

const stratum = (): Contender => {
  const storage = webstorage('local', { namespace: 'bench' });
  if (!storage.available) throw new Error(`stratum's webstorage is not on localStorage here: ${storage.reason ?? 'no reason given'}`);
  return { set: (key, item) => storage.set(key, item), get: (key) => storage.get(key) };
};

const raw = (): Contender => ({
  set: (key, item) => localStorage.setItem(`raw:${key}`, JSON.stringify(item)),
  get: (key) => JSON.parse(localStorage.getItem(`raw:${key}`) ?? 'null') as unknown,
});

async function forage(): Promise<Contender> {
  const store = localforage.createInstance({ name: 'bench', driver: localforage.LOCALSTORAGE });
  await store.ready();
  if (store.driver() !== localforage.LOCALSTORAGE) throw new Error(`localforage chose ${store.driver()}, not localStorage`);
  return { set: (key, item) => store.setItem(key, item), get: (key) => store.getItem(key) };
}

const CONTENDERS: Record<string, () => Contender | Promise<Contender>> = { stratum, localStorage: raw, localforage: forage };

function variants(direction: 'set' | 'get'): Record<string, Variant> {
  return Object.fromEntries(
    Object.entries(CONTENDERS).map(([name, make]) => {
      let made: Contender;
      const variant: Variant = {
        async setup() {
          made = await make();
          await made.set('user', value());
        },
        async run(n) {
          // Awaiting a synchronous result costs a microtask per call; only localforage needs it.
          const wait = name === 'localforage';
          for (let i = 0; i < n; i++) {
            const result = direction === 'set' ? made.set('user', value()) : made.get('user');
            sink.value = wait ? await result : result;
          }
        },
      };
      return [name, variant];
    }),
  );
}

bench('webstorage.set', { variants: variants('set') });
bench('webstorage.get', { variants: variants('get') });
