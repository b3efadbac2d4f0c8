import type { EventData, EventMap, EventReply } from '../wire/event-map.js';
import type { StreamingConnection } from './connection.interface.js';

/** Options of `GatewayConnection.emitWithAck`. */
export interface EmitWithAckOptions {
  /** How long to wait for the client's answer, in milliseconds. Default 10000. */
  timeoutMs?: number;
}

/**
 * A connection of an event gateway (what `@Conn()` gives): the connection plus event sending in
 * the envelope of the codec the client negotiated. `ServerEvents` types what the server sends.
 */
export interface GatewayConnection<ServerEvents = EventMap> extends StreamingConnection {
  /** The subprotocol naming the codec in use (`forge.v1.json` or `forge.v1.msgpack`). */
  readonly codecName: string;
  /**
   * Sends the event `{event, data}` to this client. Returns false when it was dropped (closed
   * connection, slow-consumer policy). Throws `UnencodableMessageError` when the connection's
   * codec cannot encode `data` (a cyclic object; a `BigInt` in JSON): nothing is sent and the
   * connection stays open.
   */
  emit<E extends keyof ServerEvents & string>(event: E, data: EventData<ServerEvents, E>): boolean;
  /**
   * Sends the event as a request (`{event, data, id}`) and resolves with the client's answer
   * (`{id, data}`); rejects with `AckTimeoutError` after `timeoutMs`, with
   * `ConnectionClosedError` when the connection closes first, or with an `AckRejectedError` when
   * the client answers with an error. Rejects at once with `UnencodableMessageError` when the
   * codec cannot encode `data` (nothing is sent; the connection stays open). The pending entry
   * is freed in every case.
   */
  emitWithAck<E extends keyof ServerEvents & string>(
    event: E,
    data: EventData<ServerEvents, E>,
    options?: EmitWithAckOptions,
  ): Promise<EventReply<ServerEvents, E>>;
}
