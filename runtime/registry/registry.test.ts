import { describe, expect, it } from 'vitest';
import { config, configureDevtools, register, registered, registryId, report, watchRegistry } from './registry.js';

describe('devtools registry', () => {
  it('registers an instance once, lists it by kind, and tells watchers', () => {
    const seen: string[] = [];
    const stop = watchRegistry((change) => seen.push(change.type));
    const target = {};
    const id = register('webstorage', target);
    expect(register('webstorage', target)).toBe(id);
    expect(registryId(target)).toBe(id);
    expect(registered('webstorage').map((entry) => entry.id)).toContain(id);
    expect(registered('database').map((entry) => entry.id)).not.toContain(id);
    expect(registered().find((entry) => entry.id === id)?.deref()).toBe(target);
    report(target, 'decode-error', 'key "x" is not in the codec format');
    stop();
    register('store', {});
    expect(seen).toEqual(['registered', 'report']);
  });

  it('ignores reports about instances it does not know', () => {
    const seen: string[] = [];
    const stop = watchRegistry((change) => seen.push(change.type));
    report({}, 'x', 'y');
    stop();
    expect(seen).toEqual([]);
  });

  it('configureDevtools changes only what it is given', () => {
    const redact = () => true;
    configureDevtools({ name: 'shop', redact });
    configureDevtools({ enabled: false });
    expect(config).toEqual({ enabled: false, name: 'shop', redact });
    configureDevtools({ enabled: true });
  });
});
