import type { EnvelopeCodec } from '../wire/envelope-codec.js';
import type { Envelope, EventEnvelope } from '../wire/envelope.js';
import type { StreamingConnection } from './connection.interface.js';

/**
 * One event-gateway connection as the protocol layer sees it: the connection, the codec it
 * negotiated, and envelope-level sending. Built by the gateway for every connection it accepts.
 */
export interface EnvelopeChannel {
  /** The underlying connection. */
  readonly connection: StreamingConnection;
  /** The codec this connection speaks (JSON text or MessagePack binary). */
  readonly codec: EnvelopeCodec;
  /**
   * Encodes and sends one envelope to this connection; throws `UnencodableMessageError` (nothing
   * sent, the connection stays open) when the codec refuses it.
   */
  send(envelope: Envelope): void;
  /**
   * Holds live events of `room` for this connection (they are buffered, not sent) until
   * {@link release}; used while missed events are replayed so that the replay comes first.
   */
  hold(room: string): void;
  /**
   * Sends the events of `room` held since {@link hold}, in order, skipping those whose offset is
   * not after `afterOffset` (already replayed), and stops holding.
   */
  release(room: string, afterOffset: string | undefined): void;
}

/**
 * Handles the protocol's own `$`-events (`$recover`, `$auth`) of gateway connections. Provided by
 * the module under {@link STREAMING_RESERVED_EVENTS_HANDLER}; the gateway routes every incoming
 * event whose name starts with `$` to it and answers `UNKNOWN_EVENT` when none is provided.
 */
export interface ReservedEventsHandler {
  /** Called once per gateway connection, before its `@OnConnect` handlers (`?recover=`). */
  onOpen?(channel: EnvelopeChannel): void | Promise<void>;
  /** Handles one `$`-event; the resolved value is the reply when the event carried an `id`. */
  handle(channel: EnvelopeChannel, envelope: EventEnvelope): unknown;
}

/** The offset a {@link RoomEventStamper} gave an event, and whether the room's history kept it. */
export interface RoomStamp {
  /** The event's offset, `<epoch>:<seq>`. */
  readonly offset: string;
  /** False when the history could not keep the event (its backend was unreachable). */
  readonly stored: boolean;
}

/**
 * Gives room events their history offset. Provided by the module under
 * {@link STREAMING_ROOM_EVENT_STAMPER}; `manager.to(room).emit(event, data)` asks it before
 * delivery, so the envelope carries `room` and `offset` in rooms that keep history.
 */
export interface RoomEventStamper {
  /**
   * Appends the event to `room`'s history when that room keeps one and resolves with its offset
   * (`<epoch>:<seq>`), or undefined when the room keeps no history. Calls for one room resolve in
   * call order. A {@link RoomStamp} with `stored: false` says the history could not keep the
   * event (its backend was unreachable); a plain offset means it was kept.
   */
  stamp(
    room: string,
    event: string,
    data: unknown,
  ): Promise<string | RoomStamp | undefined> | undefined;
  /**
   * Notes that the event at `offset` of `room` reaches this instance's members of the room (an
   * event of this instance or of another one), so a lost stretch of live delivery can be filled
   * from the history. Resolves false for an event of another instance that its gateway members
   * already received from such a fill: it is not sent to them again. Optional.
   */
  delivered?(room: string, offset: string): boolean;
}
