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
  LIMITS,
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
import { randomHex } from './ids.js';
import { endOfTask, idleOrFrame, Outbox, type Schedule } from './outbox.js';
import { splitBySize } from './size.js';
import { validateCommand, validateContentEnvelope, validateRuntimeEnvelope } from './validate.js';

/**
 * A transport: sends one envelope, hands every received message to the listener unread. A wall
 * that knows which frame of the tab a message came from (the extension's client port) says so:
 * the panel then holds each runtime to the frame it first spoke from.
 */
export interface Wall {
  send(envelope: unknown): void;
  listen(listener: (data: unknown, frameId?: number) => void): () => void;
  /**
   * A transport that can drop and come back (the extension's port, while the service worker
   * restarts) reports it: what was sent before the drop is lost, so the panel side rejects it.
   */
  onStatus?(listener: (status: WallState) => void): () => void;
}

export type WallState = 'connecting' | 'connected' | 'reconnecting';

/** What a dropped message looked like, for counters and debugging; never thrown. */
export type DropListener = (reason: string) => void;

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
  /** An end-of-task flush is queued for an answer. */
  private _answering: (() => void) | undefined;

  constructor(private readonly _options: RuntimeBridgeOptions) {
    const { wall, session } = _options;
    this._outbox = new Outbox<EventMessage>(
      (batch) => {
        // Split by size: one message too big for any envelope must not take the others with it.
        for (const part of splitBySize(batch, (message, parts) => this._tooBig(message, parts))) {
          const envelope: RuntimeEnvelope = { source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session, seq: ++this._seq, batch: part };
          wall.send(envelope);
        }
      },
      // A lone change leaves at once; a burst still leaves as one delta per state (issue 18).
      _options.schedule ?? idleOrFrame(),
    );
    this._stop = wall.listen((data) => this.receive(data));
  }

  /** Queues an event. Coalescing is the agent's (devtools/agent/watch.ts): the bridge batches, never merges. */
  send<K extends EventName>(name: K, payload: RuntimeEvents[K]): void {
    this._outbox.push({ event: name, payload } as EventMessage);
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

  /**
   * A message no envelope can carry. The agent's display budget keeps values far below this; what
   * still gets here is dropped alone, counted, and a command's answer becomes an error in words.
   */
  private _tooBig(message: EventMessage, parts: number): void {
    const why = `${message.event === Event.response ? `the answer to ${message.payload.command}` : message.event} has over ${parts.toLocaleString('en-US')} parts, more than one message may carry (${LIMITS.nodes.toLocaleString('en-US')})`;
    this._drop(why);
    console.error(`stratum devtools: dropped a message: ${why}`);
    if (message.event !== Event.response) return;
    const { id, command } = message.payload;
    this.send(Event.response, { id, command, ok: false, error: { code: 'failed', message: `${why}: read it in parts` } } as Response);
  }

  private _respond(response: Response): void {
    this._inFlight.delete(response.id);
    this.send(Event.response, response);
    // Someone waits on an answer (a click in the panel): it leaves when this task ends, with
    // whatever was queued before it, in order, instead of on the next frame. Deltas alone keep
    // the frame's coalescing; an answer only ends the current window early (issue 18).
    if (this._answering) return;
    this._answering = endOfTask(() => {
      this._answering = undefined;
      this._outbox.flush();
    });
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

type Pending = {
  /** Who must answer (ANY_SESSION: any runtime, for hello) and to what. */
  session: string;
  command: CommandName;
  resolve: (result: unknown) => void;
  reject: (error: CommandError) => void;
  timer: ReturnType<typeof setTimeout>;
};
/** Runtimes whose frame the panel remembers; the oldest is forgotten first. */
const MAX_KNOWN_SESSIONS = 1000;
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
  /** The frame each runtime first spoke from: another frame using its session is forging it. */
  private readonly _frames = new Map<string, number>();
  private _seq = 0;
  private _session = ANY_SESSION;
  /** The wall is down: nothing sent now arrives, so nothing is sent. */
  private _down = false;

  constructor(private readonly _options: PanelBridgeOptions) {
    this._outbox = new Outbox<CommandMessage>((batch) => {
      for (const part of splitBySize(batch, (message, parts) => this._tooBig(message, parts))) {
        const envelope: ContentEnvelope = { source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: this._session, seq: ++this._seq, batch: part };
        _options.wall.send(envelope);
      }
      // A command is someone's action: it leaves when the task that sent it ends (what that task
      // sent goes as one envelope), not on the next frame (issue 18: a table's first rows).
    }, _options.schedule ?? endOfTask);
    const stopListening = _options.wall.listen((data, frameId) => this.receive(data, frameId));
    const stopStatus = _options.wall.onStatus?.((status) => this._status(status));
    this._stop = () => (stopListening(), stopStatus?.());
  }

  /** Sends a command to `session` (default: the target); resolves with its result, rejects with a CommandError. */
  request<K extends CommandName>(name: K, payload: CommandRequest<K>, session = this.target): Promise<CommandResult<K>> {
    // The client prefix tells this panel's hello answers apart; the rest cannot be guessed.
    const id = `${this._options.client}:${randomHex()}`;
    const checked = validateCommand({ command: name, id, payload });
    if (!checked.ok) return Promise.reject(new CommandError('invalid', `${name} was not sent: ${checked.reason}`));
    if (this._down) {
      return Promise.reject(new CommandError('disconnected', `${name} was not sent, so it was not applied: the connection to the page dropped (the extension's service worker restarted, or the devtools server went away) and is being made again. The page is re-read when it is back; try again then`));
    }
    return new Promise<CommandResult<K>>((resolve, reject) => {
      const timeout = this._options.timeout ?? COMMAND_TIMEOUT_MS;
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new CommandError('timeout', `${name} got no answer within ${timeout} ms: is the page still there?`));
      }, timeout);
      this._pending.set(id, { session, command: name, resolve: resolve as (result: unknown) => void, reject, timer });
      // Envelopes address one runtime; a command for another target flushes what is queued first.
      if (session !== this._session) {
        this._outbox.flush();
        this._session = session;
      }
      this._outbox.push({ command: name, id, payload } as CommandMessage);
    });
  }

  /**
   * Says hello to every runtime in the frame (or to one: `session`, asked again after it missed a
   * roll call); each answers with a `response` event (see `on`).
   */
  hello(trace = false, session = ANY_SESSION): Promise<CommandResult<typeof Command.hello>> {
    return this.request(Command.hello, { protocol: PROTOCOL_VERSION, client: this._options.client, trace }, session);
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

  /** The frame of the tab `session` spoke from, when the wall said (the extension's port does). */
  frameOf(session: string): number | undefined {
    return this._frames.get(session);
  }

  /** One envelope from the wall; `frameId` is the frame of the tab it came from, when the wall knows. */
  receive(data: unknown, frameId?: number): void {
    const checked = validateRuntimeEnvelope(data);
    if (!checked.ok) return this._drop(checked.reason);
    const { session, batch } = checked.value;
    if (frameId !== undefined) {
      const known = this._frames.get(session);
      if (known === undefined) {
        this._frames.set(session, frameId);
        if (this._frames.size > MAX_KNOWN_SESSIONS) this._frames.delete(this._frames.keys().next().value!);
      } else if (known !== frameId) {
        return this._drop(`runtime ${session} spoke from frame ${known}; an envelope in its name came from frame ${frameId}`);
      }
    }
    let failed = false;
    let first: unknown;
    for (const message of batch) {
      try {
        if (message.event === Event.response) this._settle(message.payload, session);
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

  /**
   * The wall dropped: every pending command is rejected at once (its answer, if any, is lost with
   * the port), and commands are refused until it is back. An edit may or may not have reached
   * the page before the drop; the caller re-reads to tell.
   */
  private _status(status: WallState): void {
    this._down = status === 'reconnecting';
    if (!this._down) return;
    // Frames are the transport's numbers: the standalone relay's restart numbers its sockets anew.
    this._frames.clear();
    this._outbox.clear();
    for (const [id, pending] of this._pending) {
      clearTimeout(pending.timer);
      pending.reject(
        new CommandError('disconnected', `the connection to the page dropped before ${pending.command} was answered (${id}): it may or may not have been applied. The page is re-read when the connection is back; check the value shown then`),
      );
    }
    this._pending.clear();
  }

  /**
   * A runtime is gone (its page went away, or it stopped answering): the commands waiting on it
   * fail now, in words, rather than after their timeout. `why` ends "… before it answered".
   */
  gone(session: string, why: string): void {
    // Back on a new socket (the standalone relay's runtime reconnected), it speaks from another frame.
    this._frames.delete(session);
    for (const [id, pending] of this._pending) {
      if (pending.session !== session) continue;
      this._pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(new CommandError('disconnected', `${pending.command} failed: ${why} before it answered, so it may or may not have been applied`));
    }
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

  private _drop(reason: string): void {
    this.dropped++;
    this._options.onDrop?.(reason);
  }

  /** A command no envelope can carry: refused in words, the rest of its batch still goes. */
  private _tooBig(message: CommandMessage, parts: number): void {
    const pending = this._pending.get(message.id);
    if (!pending) return;
    this._pending.delete(message.id);
    clearTimeout(pending.timer);
    pending.reject(new CommandError('invalid', `${message.command} was not sent: it has over ${parts.toLocaleString('en-US')} parts, more than one message may carry (${LIMITS.nodes.toLocaleString('en-US')})`));
  }

  /** Only the runtime the command went to may answer it, and only for that command. */
  private _settle(response: Response, session: string): void {
    const pending = this._pending.get(response.id);
    if (!pending) return;
    if (pending.command !== response.command) return this._drop(`a ${response.command} answer to ${pending.command} ${response.id}`);
    if (pending.session !== ANY_SESSION && pending.session !== session) {
      return this._drop(`runtime ${session} answered ${response.id}, sent to ${pending.session}`);
    }
    this._pending.delete(response.id);
    clearTimeout(pending.timer);
    if (response.ok) pending.resolve(response.result);
    else pending.reject(CommandError.from(response.error));
  }
}
