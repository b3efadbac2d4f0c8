import type { RecipientVariants } from '../broadcast/recipient-variants.js';
import type { BaseConnection } from '../connection/base.connection.js';
import { OutboundMessage } from '../connection/outbound-message.js';
import { StreamEvent } from '../connection/stream-event.js';
import { UnencodableMessageError } from '../errors/unencodable-message.error.js';
import type { WireMessage } from '../interfaces/streaming-adapter.interface.js';
import { jsonEnvelopeCodec } from '../wire/envelope-codec.js';
import {
  asEnvelope,
  JSON_SUBPROTOCOL,
  MSGPACK_SUBPROTOCOL,
  type EventEnvelope,
} from '../wire/envelope.js';
import { msgpackEnvelopeCodec } from '../wire/msgpack-envelope.codec.js';
import { GATEWAY_CODEC_KEY } from './gateway-channel.js';

/**
 * A gateway event on its way to many connections: gateway connections receive the envelope in
 * their codec (JSON text or MessagePack binary), SSE streams the SSE event named `event`, other
 * connections nothing. Each codec's frame is encoded on its first recipient, once for all of them
 * (never for a codec no recipient speaks).
 */
export class GatewayEventBroadcast implements RecipientVariants {
  readonly primary: OutboundMessage;
  private json: OutboundMessage | undefined;
  private msgpack: OutboundMessage | undefined;
  private msgpackRefusal: UnencodableMessageError | undefined;
  private gatewaySkipped = false;

  private constructor(
    private readonly envelope: EventEnvelope,
    sse: OutboundMessage,
    jsonText: string | undefined,
  ) {
    this.primary = sse;
    if (jsonText !== undefined) this.json = OutboundMessage.text(jsonText);
  }

  /**
   * The SSE form of event `event` (its `data` JSON-encoded once, reused for every SSE recipient).
   * Throws {@link UnencodableMessageError} when JSON refuses `data` (a cycle, a `BigInt`).
   */
  static sseMessage(event: string, data: unknown): OutboundMessage {
    try {
      return OutboundMessage.from(new StreamEvent(event, data));
    } catch (cause) {
      throw new UnencodableMessageError(`event "${event}"`, 'json', cause);
    }
  }

  /**
   * The broadcast of `envelope` from this instance, with its SSE form when already built. Throws
   * {@link UnencodableMessageError} when JSON refuses the event's `data`: before any delivery.
   */
  static of(
    envelope: EventEnvelope,
    sse: OutboundMessage = GatewayEventBroadcast.sseMessage(envelope.event, envelope.data),
  ): GatewayEventBroadcast {
    return new GatewayEventBroadcast(envelope, sse, undefined);
  }

  /**
   * The broadcast another instance published, or undefined when its envelope text is not an
   * event envelope. Its JSON frame is the text as received; MessagePack frames are encoded from
   * the parsed envelope (so data reaches them as JSON carried it).
   */
  static fromWire(
    wire: Extract<WireMessage, { type: 'envelope' }>,
  ): GatewayEventBroadcast | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(wire.text);
    } catch {
      return undefined;
    }
    const envelope = asEnvelope(parsed);
    if (envelope === undefined || !('event' in envelope) || typeof envelope.event !== 'string') {
      return undefined;
    }
    return new GatewayEventBroadcast(
      envelope as EventEnvelope,
      OutboundMessage.fromWire(wire.sse),
      wire.text,
    );
  }

  /** The room and history offset the event carries (undefined outside rooms with history). */
  get roomOffset(): { readonly room: string; readonly offset: string } | undefined {
    const { room, offset } = this.envelope;
    return typeof room === 'string' && typeof offset === 'string' ? { room, offset } : undefined;
  }

  /** Gateway connections already have this event (filled in from the room history): SSE only. */
  skipGatewayRecipients(): void {
    this.gatewaySkipped = true;
  }

  variantFor(conn: BaseConnection): OutboundMessage | undefined {
    if (conn.protocol === 'sse') return this.primary;
    if (this.gatewaySkipped) return undefined;
    switch (conn.get(GATEWAY_CODEC_KEY)) {
      case JSON_SUBPROTOCOL:
        return this.jsonFrame();
      case MSGPACK_SUBPROTOCOL:
        return this.msgpack ?? this.msgpackFrame();
      default:
        return undefined;
    }
  }

  toWire(): WireMessage {
    const sse = this.primary.toWire() as Exclude<WireMessage, { type: 'envelope' }>;
    return { type: 'envelope', text: this.jsonFrame().text, sse };
  }

  /**
   * Set when MessagePack refused the event (data JSON accepts but MessagePack does not, such as a
   * `Symbol`): its recipients were passed over, the others received it, and no connection closed.
   */
  get refusal(): UnencodableMessageError | undefined {
    return this.msgpackRefusal;
  }

  private msgpackFrame(): OutboundMessage | undefined {
    if (this.msgpackRefusal !== undefined) return undefined;
    try {
      this.msgpack = OutboundMessage.binary(
        msgpackEnvelopeCodec.encode(this.envelope) as Uint8Array,
      );
    } catch (cause) {
      this.msgpackRefusal = new UnencodableMessageError(
        `event "${this.envelope.event}"`,
        MSGPACK_SUBPROTOCOL,
        cause,
      );
    }
    return this.msgpack;
  }

  private jsonFrame(): OutboundMessage {
    return (this.json ??= OutboundMessage.text(jsonEnvelopeCodec.encode(this.envelope) as string));
  }
}
