/**
 * The two ends of the protocol over any transport (a *wall*: window.postMessage in the page,
 * a runtime.Port in the extension, an array in tests). RuntimeBridge sends coalesced events and
 * answers every command exactly once; PanelBridge sends commands and resolves each with its one
 * response, or rejects it on timeout or disconnect. Both validate everything they receive.
 */
import { CommandError, toProtocolError } from './errors.js';
import {
  ANY_SESSION,
  COMMAND_TIMEOUT_MS,
  MAX_DELTA_KEYS,
  Command,
  Event,
  PROTOCOL_VERSION,
  SOURCE_CONTENT,
  SOURCE_RUNTIME,
  type CommandMessage,
  type CommandName,
  type CommandRequest,
  type CommandResult,
  type ContentEnvelope,
  type EventMessage,
  type EventName,
  type Response,
  type RuntimeEnvelope,
  type RuntimeEvents,
} from './messages.js';
import { frameOrTimeout, Outbox, type Schedule } from './outbox.js';
import { validateCommand, validateContentEnvelope, validateRuntimeEnvelope } from './validate.js';

/** A transport: sends one envelope, hands every received message to the listener unread. */
export interface Wall {
  send(envelope: unknown): void;
  listen(listener: (data: unknown) => void): () => void;
}

/** What a dropped message looked like, for counters and debugging; never thrown. */
export type DropListener = (reason: string) => void;

/**
 * The coalescing rule: a state's (or key's, or row's) latest delta wins, and the merged delta
 * stands for every change it absorbed — `changes` adds up and `versions` spans from the first.
 * Only changes under the same label merge: "×N" must not hide that one of them was another's.
 */
export function mergeEvents(queued: EventMessage, next: EventMessage): EventMessage | undefined {
  if (queued.event !== next.event) return undefined;
  switch (next.event) {
    case Event.stateChanged: {
      const prev = queued.payload as RuntimeEvents['stateChanged'];
      if (prev.label !== next.payload.label) return undefined;
      const payload = { ...next.payload, changes: prev.changes + next.payload.changes };
      payload.versions = { from: prev.versions.from, to: next.payload.versions.to };
      return { event: next.event, payload };
    }
    case Event.webstorageChanged: {
      const prev = queued.payload as RuntimeEvents['webstorageChanged'];
      if (prev.label !== next.payload.label) return undefined;
      const payload = { ...next.payload, changes: prev.changes + next.payload.changes };
      return { event: next.event, payload };
    }
    case Event.dbChanged: {
      const prev = queued.payload as RuntimeEvents['dbChanged'];
      // A put after a delete, or an `add` after a `put`, is a different story for the timeline:
      // only the same change, by the same operation, merges.
      if (prev.change !== next.payload.change || prev.origin !== next.payload.origin || prev.label !== next.payload.label) return undefined;
      const keys = [...prev.keys, ...next.payload.keys].slice(0, MAX_DELTA_KEYS);
      const payload = { ...next.payload, keys, changes: prev.changes + next.payload.changes };
      return { event: next.event, payload };
    }
    default:
      return undefined;
  }
}

/**
 * Runs a command. A promise is answered when it settles; an object is answered at once (in the
 * same tick, so what the handler queues after returning follows its answer); undefined drops the
 * command unanswered (the agent's silence before hello and after stop).
 */
export type Handle = (message: CommandMessage, v: number) => Promise<unknown> | object | undefined;

export interface RuntimeBridgeOptions {
  wall: Wall;
  /** This runtime's instance id: the envelope session, and the address it answers to. */
  session: string;
  handle: Handle;
  schedule?: Schedule;
  onDrop?: DropListener;
}

/** The page side: events out (coalesced), commands in (each answered once). */
export class RuntimeBridge {
  dropped = 0;
  private readonly _outbox: Outbox<EventMessage>;
  private readonly _inFlight = new Set<string>();
  private readonly _stop: () => void;
  private _seq = 0;

  constructor(private readonly _options: RuntimeBridgeOptions) {
    const { wall, session } = _options;
    this._outbox = new Outbox<EventMessage>(
      (batch) => {
        const envelope: RuntimeEnvelope = { source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session, seq: ++this._seq, batch };
        wall.send(envelope);
      },
      _options.schedule ?? frameOrTimeout,
      mergeEvents,
    );
    this._stop = wall.listen((data) => this.receive(data));
  }

  /** Queues an event; with a `key`, it merges into the latest queued event with that key. */
  send<K extends EventName>(name: K, payload: RuntimeEvents[K], key?: string): void {
    this._outbox.push({ event: name, payload } as EventMessage, key);
  }

  flush(): void {
    this._outbox.flush();
  }

  /**
   * Runs `fill` at the start of every flush. The agent queues a delta once per state per
   * frame and encodes the state's latest value only here, so 10,000 changes cost one encode.
   */
  beforeFlush(fill: () => void): void {
    this._outbox.beforeFlush = fill;
  }

  /** Flushes what is queued and stops listening: nothing is sent after this. */
  shutdown(): void {
    this._stop();
    this._outbox.close();
  }

  /** One envelope from the wall: validated, then each command dispatched. */
  receive(data: unknown): void {
    const checked = validateContentEnvelope(data);
    if (!checked.ok) return this._drop(checked.reason);
    const envelope: ContentEnvelope = checked.value;
    if (envelope.session !== this._options.session && envelope.session !== ANY_SESSION) return;
    for (const message of envelope.batch) this._dispatch(message, envelope.v);
  }

  private _dispatch(message: CommandMessage, v: number): void {
    if (this._inFlight.has(message.id)) return this._drop(`command id ${message.id} is already being answered`);
    let running: Promise<unknown> | object | undefined;
    try {
      running = this._options.handle(message, v);
    } catch (error) {
      running = Promise.reject(error);
    }
    if (!running) return this._drop(`${message.command} while no panel is connected`);
    if (!(running instanceof Promise)) {
      this._respond({ id: message.id, command: message.command, ok: true, result: running } as Response);
      return;
    }
    this._inFlight.add(message.id);
    running.then(
      (result) => this._respond({ id: message.id, command: message.command, ok: true, result } as Response),
      (error: unknown) =>
        this._respond({ id: message.id, command: message.command, ok: false, error: toProtocolError(error) } as Response),
    );
  }

  private _respond(response: Response): void {
    this._inFlight.delete(response.id);
    this.send(Event.response, response);
  }

  private _drop(reason: string): void {
    this.dropped++;
    this._options.onDrop?.(reason);
  }
}

export interface PanelBridgeOptions {
  wall: Wall;
  /** Names this panel connection in `hello` and `stop`, and prefixes its command ids. */
  client: string;
  timeout?: number;
  schedule?: Schedule;
  onDrop?: DropListener;
}

type Pending = { resolve: (result: unknown) => void; reject: (error: CommandError) => void; timer: ReturnType<typeof setTimeout> };
type Listener = (payload: never, session: string) => void;

/** The panel side: commands out (each resolved once), events in. */
export class PanelBridge {
  dropped = 0;
  /** The runtime instance commands go to; set it from a hello answer or the target picker. */
  target: string = ANY_SESSION;
  private readonly _outbox: Outbox<CommandMessage>;
  private readonly _pending = new Map<string, Pending>();
  private readonly _listeners = new Map<EventName, Set<Listener>>();
  private readonly _stop: () => void;
  private _seq = 0;
  private _nextId = 0;
  private _session = ANY_SESSION;

  constructor(private readonly _options: PanelBridgeOptions) {
    this._outbox = new Outbox<CommandMessage>((batch) => {
      const envelope: ContentEnvelope = { source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: this._session, seq: ++this._seq, batch };
      _options.wall.send(envelope);
    }, _options.schedule ?? frameOrTimeout);
    this._stop = _options.wall.listen((data) => this.receive(data));
  }

  /** Sends a command to `session` (default: the target); resolves with its result, rejects with a CommandError. */
  request<K extends CommandName>(name: K, payload: CommandRequest<K>, session = this.target): Promise<CommandResult<K>> {
    const id = `${this._options.client}:${++this._nextId}`;
    const checked = validateCommand({ command: name, id, payload });
    if (!checked.ok) return Promise.reject(new CommandError('invalid', `${name} was not sent: ${checked.reason}`));
    return new Promise<CommandResult<K>>((resolve, reject) => {
      const timeout = this._options.timeout ?? COMMAND_TIMEOUT_MS;
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new CommandError('timeout', `${name} got no answer within ${timeout} ms: is the page still there?`));
      }, timeout);
      this._pending.set(id, { resolve: resolve as (result: unknown) => void, reject, timer });
      // Envelopes address one runtime; a command for another target flushes what is queued first.
      if (session !== this._session) {
        this._outbox.flush();
        this._session = session;
      }
      this._outbox.push({ command: name, id, payload } as CommandMessage);
    });
  }

  /** Says hello to every runtime in the frame; each answers with a `response` event (see `on`). */
  hello(trace = false): Promise<CommandResult<typeof Command.hello>> {
    return this.request(Command.hello, { protocol: PROTOCOL_VERSION, client: this._options.client, trace }, ANY_SESSION);
  }

  /** Listens to one event; `session` is the runtime instance that sent it. */
  on<K extends EventName>(name: K, listener: (payload: RuntimeEvents[K], session: string) => void): () => void {
    let set = this._listeners.get(name);
    if (!set) this._listeners.set(name, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  flush(): void {
    this._outbox.flush();
  }

  receive(data: unknown): void {
    const checked = validateRuntimeEnvelope(data);
    if (!checked.ok) {
      this.dropped++;
      this._options.onDrop?.(checked.reason);
      return;
    }
    const { session, batch } = checked.value;
    let failed = false;
    let first: unknown;
    for (const message of batch) {
      try {
        if (message.event === Event.response) this._settle(message.payload);
        for (const listener of [...(this._listeners.get(message.event) ?? [])]) {
          (listener as (payload: unknown, session: string) => void)(message.payload, session);
        }
      } catch (error) {
        if (!failed) first = error;
        failed = true;
      }
    }
    if (failed) throw first;
  }

  /** Rejects every pending command with `disconnected` and stops listening. */
  shutdown(): void {
    this._stop();
    this._outbox.close();
    for (const [id, pending] of this._pending) {
      clearTimeout(pending.timer);
      pending.reject(new CommandError('disconnected', `the connection closed before ${id} was answered`));
    }
    this._pending.clear();
  }

  private _settle(response: Response): void {
    const pending = this._pending.get(response.id);
    if (!pending) return;
    this._pending.delete(response.id);
    clearTimeout(pending.timer);
    if (response.ok) pending.resolve(response.result);
    else pending.reject(CommandError.from(response.error));
  }
}
