/**
 * Change events between processes for the server providers (Postgres LISTEN/NOTIFY, Redis
 * pub/sub): one hub per engine connection in a process, one feed per open database connection.
 * Messages are the codec's text (keys may be Dates, binary or arrays) and are cut to fit the
 * engine's payload limit (NOTIFY takes under 8,000 bytes) by splitting events' key lists.
 */
import { deserialize, serialize } from '../../codec/index.js';
import type { ChangeFeed } from '../provider.js';

/** Under NOTIFY's 8,000-byte payload limit, with room for the envelope. */
const MAX_PAYLOAD = 7000;

type Message =
  | { s: string; d: string; e: object[] }
  /** A version change: another process upgraded (number) or deleted (null) the database. */
  | { s: string; d: string; v: number | null };

interface Member {
  db: string;
  id: string;
  events(events: object[]): void;
  version(newVersion: number | null): void;
}

let ids = 0;

/** Splits events until each message fits; an event with many keys goes out in parts. */
function pieces(sender: string, db: string, events: readonly object[]): string[] {
  const text = serialize({ s: sender, d: db, e: events });
  if (text.length <= MAX_PAYLOAD) return [text];
  if (events.length > 1) {
    const half = Math.ceil(events.length / 2);
    return [...pieces(sender, db, events.slice(0, half)), ...pieces(sender, db, events.slice(half))];
  }
  const event = events[0] as { keys?: unknown[] };
  if (!Array.isArray(event.keys) || event.keys.length < 2) {
    // One key larger than the limit: the others hear "the table changed", which makes them read again.
    const { keys: _many, ...rest } = event;
    return [serialize({ s: sender, d: db, e: [{ ...rest, type: 'clear' }] })];
  }
  const half = Math.ceil(event.keys.length / 2);
  return [...pieces(sender, db, [{ ...event, keys: event.keys.slice(0, half) }]), ...pieces(sender, db, [{ ...event, keys: event.keys.slice(half) }])];
}

export class FeedHub {
  private _members = new Set<Member>();
  private _send: (payload: string) => Promise<void>;
  private _failed: (error: unknown) => void;

  /** `send` publishes a payload to every process (this one included); `failed` hears what could not be sent. */
  constructor(send: (payload: string) => Promise<void>, failed: (error: unknown) => void) {
    this._send = send;
    this._failed = failed;
  }

  /** A payload from the engine (this process's own included: a member skips what it sent). */
  receive(payload: string): void {
    let message: Message;
    try {
      message = deserialize(payload) as Message;
    } catch (error) {
      this._failed(error);
      return;
    }
    for (const member of this._members) {
      if (member.db !== message.d || member.id === message.s) continue;
      if ('e' in message) member.events(message.e);
      else member.version(message.v);
    }
  }

  /** Tells every other process's connections to `db` that its version changed. */
  announce(db: string, newVersion: number | null): Promise<void> {
    return this._send(serialize({ s: 'upgrade', d: db, v: newVersion })).catch(this._failed);
  }

  /** A feed for one connection; `version` hears other processes' upgrades and deletes. */
  feed(db: string, version: (newVersion: number | null) => void): ChangeFeed & { close(): void } {
    const id = `${process.pid}.${++ids}`;
    const listeners = new Set<(events: object[]) => void>();
    const member: Member = {
      db,
      id,
      events: (events) => {
        for (const listener of listeners) listener(events);
      },
      version,
    };
    this._members.add(member);
    return {
      publish: (events) => {
        for (const payload of pieces(id, db, events)) this._send(payload).catch(this._failed);
      },
      listen: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close: () => this._members.delete(member),
    };
  }

  get size(): number {
    return this._members.size;
  }
}
