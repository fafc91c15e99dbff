/** Row 1 without a panel: the devtools are on (the default in development), nobody listens. */
import { Store } from '../../runtime/store/index.js';
import { bench } from '../harness.js';
import { bare, nanostores, signals, stratum, zustand } from './state-variants.js';

bench('state.set', {
  variants: {
    stratum: stratum(new Store({ name: 'bench' })),
    nanostores: nanostores(),
    zustand: zustand(),
    signals: signals(),
    bare: bare(),
  },
});
