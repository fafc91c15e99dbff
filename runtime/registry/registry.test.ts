import { describe, expect, it, vi } from 'vitest';
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

describe('a page that imports only stratumjs/store', () => {
  it('lists the stores and reports made before the registry loaded, in order, once each', async () => {
    vi.resetModules();
    // The store's entry carries the registry's core only: it queues.
    const core = await import('./core.js');
    const first = { name: 'first' };
    const second = { name: 'second' };
    expect(core.register('store', first)).toBe(0);
    core.register('store', second);
    core.register('store', first);
    core.report(second, 'listener-error', 'a listener threw');
    core.report({}, 'listener-error', 'about something never registered');
    // The agent loads the readers (registry.ts) on a panel's hello: it takes the queue over.
    const registry = await import('./registry.js');
    const listed = registry.registered('store');
    expect(listed.map((entry) => entry.deref())).toEqual([first, second]);
    expect(registry.registryId(first)).toBe(listed[0]!.id);
    expect(registry.recentReports()).toMatchObject([{ kind: 'store', id: listed[1]!.id, type: 'listener-error', message: 'a listener threw' }]);
    // From then on registering goes straight to the registry, with an id.
    const third = {};
    expect(core.register('store', third)).toBe(registry.registryId(third));
    expect(core.early._instances).toEqual([]);
    expect(core.early._reports).toEqual([]);
  });
});

describe('the queue before the registry loads', () => {
  it('lets collected instances go and keeps the newest 100 reports, as the registry does', async () => {
    vi.resetModules();
    // A WeakRef whose target the test collects: the queue must not outlive what it points at.
    const collected = new Set<object>();
    vi.stubGlobal(
      'WeakRef',
      class {
        constructor(private readonly target: object) {}
        deref() {
          return collected.has(this.target) ? undefined : this.target;
        }
      },
    );
    try {
      const core = await import('./core.js');
      const live = { name: 'live' };
      core.register('store', live);
      // A server that makes a store per request and never loads the registry's readers.
      for (let i = 0; i < 10_000; i++) {
        const perRequest = {};
        core.register('store', perRequest);
        collected.add(perRequest);
      }
      expect(core.early._instances.length).toBeLessThan(200);
      for (let i = 0; i < 150; i++) core.report(live, 'listener-error', `error ${i}`);
      expect(core.early._reports).toHaveLength(100);
      const registry = await import('./registry.js');
      expect(registry.registered('store').map((entry) => entry.deref())).toEqual([live]);
      const messages = registry.recentReports().map((item) => item.message);
      expect(messages).toHaveLength(100);
      expect(messages[0]).toBe('error 50');
      expect(messages[99]).toBe('error 149');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
