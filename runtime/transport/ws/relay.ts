/**
 * The standalone server's hub, apart from any socket library: runtimes (Node processes, pages
 * that called connectDevtools) on one side, panels on the other, as the extension's background
 * pairs content scripts with panels. Nothing is relayed before a peer sent the run's token;
 * every envelope is checked by the protocol's own validators before it is passed on; a
 * read-only relay answers every command that could change something with `not-editable`
 * itself, so it never reaches a runtime.
 */
import { validateContentEnvelope, validateRuntimeEnvelope } from '../../protocol/validate.js';
import { Command, Event, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME, ANY_SESSION, type CommandMessage, type ContentEnvelope, type RuntimeEnvelope } from '../../protocol/messages.js';
import { CLOSE, MAX_FRAME_BYTES, parsePeerFrame, type RelayedFrame, type Role, type RuntimeGoneFrame } from './wire.js';

/** One connected socket, as the relay sees it. */
export interface Peer {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface RelayOptions {
  token: string;
  readOnly?: boolean;
  /** Origins a panel socket may come from (the server's own); a socket without Origin is not a browser page. */
  panelOrigins: readonly string[];
  onDrop?: (reason: string) => void;
}

/** What the server hands each socket's frames and close to. */
export interface Connection {
  receive(text: string): void;
  closed(): void;
  /** True once the socket sent the right token; the server's auth deadline stands until then. */
  readonly authed: boolean;
}

/** Commands that only read: the only ones a read-only relay passes on. */
const READS = new Set<string>([
  Command.hello,
  Command.stop,
  Command.snapshot,
  Command.trace,
  Command.dbQuery,
  Command.cacheList,
  Command.blobList,
  Command.blobRead,
  Command.snapshotExport,
  Command.snapshotRead,
  Command.snapshotDiscard,
  Command.expand,
  Command.pageFacts,
  Command.resolveFrames,
]);

const MAX_SESSIONS_PER_SOCKET = 8;

interface RuntimePeer {
  peer: Peer;
  /** Numbers the socket for the panels (`from`), as the extension numbers a tab's frames. */
  id: number;
  /** Runtime sessions seen on this socket: where its commands go, and who hears `stop`. */
  sessions: Set<string>;
}

/** Compares without returning early, so the time taken does not tell how much of a guess was right. */
function sameToken(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i % Math.max(1, a.length)) ^ b.charCodeAt(i)) | 0;
  return diff === 0;
}

export class Relay {
  dropped = 0;
  private readonly _runtimes = new Set<RuntimePeer>();
  private readonly _panels = new Map<Peer, string>();
  private _seq = 0;
  private _sockets = 0;

  constructor(private readonly _options: RelayOptions) {}

  get runtimeCount(): number {
    return this._runtimes.size;
  }

  get panelCount(): number {
    return this._panels.size;
  }

  /** A new socket; `origin` is its Origin header (undefined when it sent none). */
  accept(peer: Peer, role: Role, origin: string | undefined): Connection {
    if (role === 'panel' && origin !== undefined && !this._options.panelOrigins.includes(origin)) {
      this._drop(`a panel socket from origin ${origin}`);
      peer.close(CLOSE.badOrigin, 'this origin may not open the Stratum panel');
      return { receive: () => undefined, closed: () => undefined, authed: false };
    }
    let authed = false;
    let runtime: RuntimePeer | undefined;
    return {
      get authed() {
        return authed;
      },
      receive: (text) => {
        if (text.length > MAX_FRAME_BYTES) return this._drop(`a frame of ${text.length} characters`);
        const parsed = parsePeerFrame(text);
        if (!authed) {
          if (!parsed.ok || parsed.frame.kind !== 'auth') {
            this._drop(`the first frame was not auth (${parsed.ok ? parsed.frame.kind : parsed.reason})`);
            return peer.close(CLOSE.badFrame, 'send auth with the token first');
          }
          if (!sameToken(parsed.frame.token, this._options.token)) {
            this._drop('a wrong token');
            return peer.close(CLOSE.badToken, 'wrong token: copy it from the `stratumjs devtools` output');
          }
          authed = true;
          peer.send(JSON.stringify({ kind: 'welcome', readOnly: this._options.readOnly === true }));
          if (role === 'panel') {
            this._panels.set(peer, parsed.frame.client ?? `panel-${++this._seq}`);
          } else {
            runtime = { peer, id: ++this._sockets, sessions: new Set() };
            this._runtimes.add(runtime);
            this._runtimesChanged();
          }
          return;
        }
        if (!parsed.ok) return this._drop(parsed.reason);
        if (parsed.frame.kind !== 'envelope') return this._drop('auth twice');
        if (runtime) this._fromRuntime(runtime, parsed.frame.data);
        else this._fromPanel(peer, parsed.frame.data);
      },
      closed: () => {
        if (runtime) {
          this._runtimes.delete(runtime);
          // Its process ended (or its page closed): the panels drop its runtimes now, as the
          // extension's panel drops a page whose port closed, not after two silent roll calls.
          const gone = JSON.stringify({ kind: 'runtime-gone', from: runtime.id } satisfies RuntimeGoneFrame);
          for (const panel of this._panels.keys()) panel.send(gone);
          this._runtimesChanged();
        }
        const client = this._panels.get(peer);
        if (client === undefined) return;
        this._panels.delete(peer);
        // The panel could not say stop itself (a reload, a closed tab): the runtimes hear it from here.
        for (const other of this._runtimes) for (const session of other.sessions) this._stop(other.peer, session, client);
      },
    };
  }

  private _fromRuntime(runtime: RuntimePeer, data: unknown): void {
    const checked = validateRuntimeEnvelope(data);
    if (!checked.ok) return this._drop(`runtime: ${checked.reason}`);
    if (!runtime.sessions.has(checked.value.session)) {
      // One agent per connectDevtools call: a socket naming many sessions is not a runtime of ours.
      if (runtime.sessions.size >= MAX_SESSIONS_PER_SOCKET) return this._drop(`runtime: more than ${MAX_SESSIONS_PER_SOCKET} sessions on one socket`);
      runtime.sessions.add(checked.value.session);
    }
    const text = JSON.stringify({ kind: 'envelope', data: checked.value, from: runtime.id } satisfies RelayedFrame);
    for (const panel of this._panels.keys()) panel.send(text);
  }

  private _fromPanel(panel: Peer, data: unknown): void {
    const checked = validateContentEnvelope(data);
    if (!checked.ok) return this._drop(`panel: ${checked.reason}`);
    const envelope = checked.value;
    let batch = envelope.batch;
    if (this._options.readOnly) {
      const refused = batch.filter((message) => !READS.has(message.command));
      if (refused.length) this._refuse(panel, envelope.session, refused);
      batch = batch.filter((message) => READS.has(message.command));
      if (!batch.length) return;
    }
    const text = JSON.stringify({ kind: 'envelope', data: { ...envelope, batch } satisfies ContentEnvelope });
    const owners = [...this._runtimes].filter((runtime) => runtime.sessions.has(envelope.session));
    for (const runtime of envelope.session === ANY_SESSION || !owners.length ? this._runtimes : owners) runtime.peer.send(text);
  }

  /** Answers refused commands in the runtime's stead, so the panel shows why at once. */
  private _refuse(panel: Peer, session: string, refused: CommandMessage[]): void {
    const envelope: RuntimeEnvelope = {
      source: SOURCE_RUNTIME,
      v: PROTOCOL_VERSION,
      session,
      seq: 0,
      batch: refused.map((message) => ({
        event: Event.response,
        payload: {
          id: message.id,
          command: message.command,
          ok: false,
          error: { code: 'not-editable', message: `${message.command} refused: this panel was started with --read-only` },
        },
      })) as RuntimeEnvelope['batch'],
    };
    panel.send(JSON.stringify({ kind: 'envelope', data: envelope }));
    this._drop(`read-only: refused ${refused.map((message) => message.command).join(', ')}`);
  }

  private _stop(peer: Peer, session: string, client: string): void {
    const envelope: ContentEnvelope = {
      source: SOURCE_CONTENT,
      v: PROTOCOL_VERSION,
      session,
      seq: ++this._seq,
      batch: [{ command: Command.stop, id: `relay:${this._seq}`, payload: { client } }],
    };
    peer.send(JSON.stringify({ kind: 'envelope', data: envelope }));
  }

  private _runtimesChanged(): void {
    const text = JSON.stringify({ kind: 'runtimes-changed', count: this._runtimes.size });
    for (const panel of this._panels.keys()) panel.send(text);
  }

  private _drop(reason: string): void {
    this.dropped++;
    this._options.onDrop?.(reason);
  }
}
