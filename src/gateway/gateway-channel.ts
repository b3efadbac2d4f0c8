import type { BaseConnection } from '../connection/base.connection.js';
import { OutboundMessage } from '../connection/outbound-message.js';
import type { CloseInfo } from '../errors/close-codes.js';
import { ConnectionClosedError } from '../errors/connection-closed.error.js';
import { UnencodableMessageError } from '../errors/unencodable-message.error.js';
import type { EnvelopeChannel } from '../interfaces/gateway-protocol.interface.js';
import type { EnvelopeCodec } from '../wire/envelope-codec.js';
import {
  RESERVED_EVENTS,
  isEventEnvelope,
  type Envelope,
  type ErrorReplyEnvelope,
  type MessageError,
  type MessageId,
  type ReplyEnvelope,
} from '../wire/envelope.js';
import { INTERNAL_ERROR } from './message-error.js';
import { PendingAcks } from './pending-acks.js';
import { RoomHold } from './room-hold.js';

/** Context key under which a gateway connection records its codec (for per-codec broadcasts). */
export const GATEWAY_CODEC_KEY = '$codec';

/**
 * One gateway connection at the envelope level: the connection, the codec it negotiated,
 * envelope sending, the server's pending requests (`emitWithAck`) and the rooms held while
 * missed events are replayed. What the reserved-events handler works with.
 */
export class GatewayChannel implements EnvelopeChannel {
  /** Requests of the client whose reply is still pending. */
  pendingReplies = 0;
  private readonly acks = new PendingAcks();
  private roomHold: RoomHold | undefined;
  /** True while the channel delivers its own envelopes (they pass the room hold). */
  private sendingOwn = false;

  constructor(
    readonly connection: BaseConnection,
    readonly codec: EnvelopeCodec,
  ) {
    connection.set(GATEWAY_CODEC_KEY, codec.subprotocol);
  }

  /**
   * Encodes one envelope with this connection's codec and delivers it; false when dropped. What
   * the channel sends itself (replies, replays) is never held: only broadcasts are. Throws
   * {@link UnencodableMessageError} when the codec refuses the envelope: nothing is sent and the
   * connection stays open.
   */
  send(envelope: Envelope): boolean {
    let frame: string | Uint8Array;
    try {
      frame = this.codec.encode(envelope);
    } catch (cause) {
      throw new UnencodableMessageError(describe(envelope), this.codec.subprotocol, cause);
    }
    return this.deliver(frame);
  }

  /**
   * Sends the reply to request `id`. A value the codec cannot encode never closes the connection:
   * the client gets the `INTERNAL` error reply with the same id instead, and the error is
   * returned for the caller to log (undefined when the reply went out as it was).
   */
  reply(id: MessageId, data: unknown): UnencodableMessageError | undefined {
    return this.answer(id, data === undefined ? { id } : { id, data });
  }

  /**
   * Sends an error: the error reply to request `id`, or a `$error` event without one. An error
   * whose `details` the codec cannot encode is sent as `INTERNAL` (the encoding error returned).
   */
  sendError(id: MessageId | undefined, error: MessageError): UnencodableMessageError | undefined {
    return this.answer(
      id,
      id === undefined ? { event: RESERVED_EVENTS.error, error } : { id, error },
    );
  }

  /** Sends a reply or an error reply; what the codec refuses becomes the `INTERNAL` error. */
  private answer(
    id: MessageId | undefined,
    envelope: Envelope,
  ): UnencodableMessageError | undefined {
    try {
      this.send(envelope);
      return undefined;
    } catch (error) {
      if (!(error instanceof UnencodableMessageError)) throw error;
      this.send(
        id === undefined
          ? { event: RESERVED_EVENTS.error, error: INTERNAL_ERROR }
          : { id, error: INTERNAL_ERROR },
      );
      return error;
    }
  }

  private deliver(frame: string | Uint8Array): boolean {
    const message =
      typeof frame === 'string' ? OutboundMessage.text(frame) : OutboundMessage.binary(frame);
    if (this.roomHold === undefined) return this.connection.deliver(message);
    this.sendingOwn = true;
    try {
      return this.connection.deliver(message);
    } finally {
      this.sendingOwn = false;
    }
  }

  /** Sends an event as a request and resolves with the client's answer. */
  request(event: string, data: unknown, timeoutMs: number): Promise<unknown> {
    if (this.connection.isClosed) {
      return Promise.reject(new ConnectionClosedError(this.closeInfo()));
    }
    return this.acks.create(event, timeoutMs, (id) => {
      this.send({ event, data, id });
    });
  }

  /** Hands the client's answer to a server request to it; false when nothing waits for it. */
  settle(answer: ReplyEnvelope | ErrorReplyEnvelope): boolean {
    return this.acks.settle(answer);
  }

  hold(room: string): void {
    if (!this.roomHold) {
      const roomHold = new RoomHold();
      this.roomHold = roomHold;
      this.connection.setDeliveryGate((message) => {
        if (this.sendingOwn || !roomHold.active) return false;
        const envelope = this.codec.decode(message.binary ? message.bytes : message.text);
        return envelope !== undefined && isEventEnvelope(envelope) && roomHold.keep(envelope);
      });
    }
    this.roomHold.hold(room);
  }

  release(room: string, afterOffset: string | undefined): void {
    const roomHold = this.roomHold;
    if (!roomHold) return;
    for (const envelope of roomHold.release(room, afterOffset)) this.send(envelope);
    if (!roomHold.active) {
      this.roomHold = undefined;
      this.connection.setDeliveryGate(undefined);
    }
  }

  /** Frees everything the channel holds: the connection closed. */
  dispose(info: CloseInfo): void {
    this.acks.closeAll(info);
    this.roomHold = undefined;
    this.connection.setDeliveryGate(undefined);
  }

  private closeInfo(): CloseInfo {
    return { code: 1001, reason: 'closing', byServer: true };
  }
}

/** Names an envelope in an encoding error: `event "chat.message"`, `reply 7`, `error reply 7`. */
function describe(envelope: Envelope): string {
  if ('event' in envelope) return `event "${envelope.event}"`;
  return `${'error' in envelope ? 'error reply' : 'reply'} ${JSON.stringify(envelope.id)}`;
}
