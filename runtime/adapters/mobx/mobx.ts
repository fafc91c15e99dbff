/**
 * MobX: `stratumMobx(observable, { name })` shows an observable object (`observable({...})` or a
 * class instance under `makeAutoObservable`) as the state `state` of scope `mobx:<name>`, read
 * with `toJS` (functions, i.e. actions, left out). A change is reported once its outermost action
 * ended (a reaction), labelled with that action's name when MobX's spy reports it (dev builds),
 * else `change`. A panel edit is written inside `runInAction`, only what differs, into the observables
 * (and model instances) the object holds (patch.ts).
 */
import { isObservable, reaction, runInAction, spy, toJS } from 'mobx';
import { copyData } from '../copy.js';
import { adapterName, mirror, type AdapterOptions, type StratumAdapter } from '../mirror.js';
import { patchInto } from '../patch.js';

type Fields = Record<string, unknown>;

function data(source: object): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(toJS(source) as Fields)) if (typeof value !== 'function') out[key] = value;
  return out;
}

/** The name of the outermost action running now, from MobX's spy (silent in production builds). */
function actionNames(): { current(): string | undefined; stop(): void } {
  let depth = 0;
  let outer: string | undefined;
  const stop = spy((event) => {
    if (event.type === 'report-end') {
      depth = Math.max(0, depth - 1);
      if (depth === 0) outer = undefined;
      return;
    }
    if (event.type === 'action' && depth === 0) outer = event.name;
    if ('spyReportStart' in event && event.spyReportStart) depth++;
  });
  return { current: () => outer, stop };
}

/** Shows a MobX observable object in the panel. */
export function stratumMobx(observable: object, options: AdapterOptions): StratumAdapter {
  const name = adapterName('Mobx', options);
  if (typeof observable !== 'object' || observable === null || Array.isArray(observable)) {
    throw new TypeError('stratumMobx takes an observable object: observable({ ... }) or a class instance under makeAutoObservable.');
  }
  return mirror('mobx', name, {
    state: {
      read: () => data(observable),
      write(value) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new TypeError(`MobX state "${name}" is an object of fields: set a field, not the whole state to ${String(value)}.`);
        }
        const now = data(observable);
        // Into the observables it holds (model instances keep their class and methods).
        runInAction(() => patchInto(observable, now, value as Fields, { copy: (item) => copyData(item), watched: isObservable }));
      },
      subscribe(changed) {
        const names = actionNames();
        const stop = reaction(
          () => data(observable),
          () => changed(names.current() ?? 'change'),
        );
        return () => {
          stop();
          names.stop();
        };
      },
    },
  });
}
