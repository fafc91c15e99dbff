/**
 * The live server requests whose webstorage memory the panel lists (runRequest in the `node`
 * build). A request's memory is only reachable inside its own async context, so the panel gets
 * a view per (request, kind, namespace) that runs each call of the instance that used it inside
 * that request. Bounded: the first LISTED live requests are registered (oldest first); the rest
 * are counted, and listed as earlier ones end. A request's views leave the registry when it ends.
 */
import { liveRequests, register, unregister } from '../registry/registry.js';
import type { Memory, RequestScope } from './backing.js';
import type { AdoptOptions, WebStorage, WebStorageEvent, WebStorageRawEntry, WebStorageRequest } from './types.js';

/** How many live requests the panel lists at most; the rest are counted. */
export const LISTED = 20;

/** Runs fn inside a request's async context (AsyncLocalStorage.run). */
export type Within = <R>(request: LiveRequest, fn: () => R) => R;

export interface LiveRequest extends RequestScope {
  readonly tag: WebStorageRequest;
  /** The first instance that used each slot: what the panel's view calls. */
  readonly owners: Map<string, WebStorage>;
  views: RequestView[];
  listed: boolean;
}

const live = new Map<number, LiveRequest>();
let nextId = 1;

/** A request starts: listed when fewer than LISTED are. */
export function openRequest(label: string | undefined, within: Within): LiveRequest {
  const id = nextId++;
  const request: LiveRequest = {
    tag: { id, name: label ? `request #${id} ${label}` : `request #${id}`, since: Date.now() },
    memory: new Map<string, Memory>(),
    owners: new Map(),
    views: [],
    listed: false,
    used(slot, owner) {
      if (this.owners.has(slot)) return;
      this.owners.set(slot, owner as WebStorage);
      if (this.listed) show(this, new RequestView(owner as WebStorage, this, within));
    },
  };
  live.set(id, request);
  if (liveRequests.listed < LISTED) list(request, within);
  liveRequests.live = live.size;
  return request;
}

/** A request ended (its function returned, threw or its promise settled): its views go, the next waiting one is listed. */
export function closeRequest(request: LiveRequest, within: Within): void {
  if (!live.delete(request.tag.id)) return;
  if (request.listed) {
    for (const view of request.views) unregister(view);
    request.views = [];
    request.listed = false;
    liveRequests.listed--;
    const next = [...live.values()].find((candidate) => !candidate.listed);
    if (next) list(next, within);
  }
  liveRequests.live = live.size;
}

function list(request: LiveRequest, within: Within): void {
  request.listed = true;
  liveRequests.listed++;
  for (const owner of request.owners.values()) show(request, new RequestView(owner, request, within));
}

function show(request: LiveRequest, view: RequestView): void {
  request.views.push(view);
  register('webstorage', view);
}

/** One instance, every call made inside one request: what the panel reads and edits. */
class RequestView implements WebStorage {
  readonly request: WebStorageRequest;

  constructor(
    private readonly _owner: WebStorage,
    private readonly _scope: LiveRequest,
    private readonly _within: Within,
  ) {
    this.request = _scope.tag;
  }

  private _in<R>(fn: () => R): R {
    return this._within(this._scope, fn);
  }

  get kind() {
    return this._owner.kind;
  }
  get backend() {
    return this._owner.backend;
  }
  get available() {
    return this._owner.available;
  }
  get reason() {
    return this._owner.reason;
  }
  get namespace() {
    return this._owner.namespace;
  }
  get<T>(key: string): T | undefined;
  get<T>(key: string, fallback: T): T;
  get<T>(...args: [string] | [string, T]): T | undefined {
    return this._in(() => (args.length > 1 ? this._owner.get(args[0], args[1] as T) : this._owner.get<T>(args[0])));
  }
  set<T>(key: string, value: T): void {
    this._in(() => this._owner.set(key, value));
  }
  remove(key: string): void {
    this._in(() => this._owner.remove(key));
  }
  has(key: string): boolean {
    return this._in(() => this._owner.has(key));
  }
  keys(): string[] {
    return this._in(() => this._owner.keys());
  }
  clear(): void {
    this._in(() => this._owner.clear());
  }
  subscribe(listener: (event: WebStorageEvent) => void): () => void {
    return this._in(() => this._owner.subscribe(listener));
  }
  recheck(): boolean {
    return this._in(() => this._owner.recheck());
  }
  adopt<T = unknown>(legacyKey: string, options: AdoptOptions): T | undefined {
    return this._in(() => this._owner.adopt<T>(legacyKey, options));
  }
  rawEntries(): WebStorageRawEntry[] {
    return this._in(() => this._owner.rawEntries());
  }
  setRaw(key: string, text: string): void {
    this._in(() => this._owner.setRaw(key, text));
  }
}
