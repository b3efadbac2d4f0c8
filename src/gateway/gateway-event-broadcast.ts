import type { RecipientVariants } from '../broadcast/recipient-variants.js';
import type { BaseConnection } from '../connection/base.connection.js';
import { OutboundMessage } from '../connection/outbound-message.js';
import { StreamEvent } from '../connection/stream-event.js';
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
  private gatewaySkipped = false;

  private constructor(
    private readonly envelope: EventEnvelope,
    sse: OutboundMessage,
    jsonText: string | undefined,
  ) {
    this.primary = sse;
    if (jsonText !== undefined) this.json = OutboundMessage.text(jsonText);
  }

  /** The broadcast of `envelope` from this instance. */
  static of(envelope: EventEnvelope): GatewayEventBroadcast {
    return new GatewayEventBroadcast(
      envelope,
      OutboundMessage.from(new StreamEvent(envelope.event, envelope.data)),
      undefined,
    );
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
        return (this.msgpack ??= OutboundMessage.binary(
          msgpackEnvelopeCodec.encode(this.envelope) as Uint8Array,
        ));
      default:
        return undefined;
    }
  }

  toWire(): WireMessage {
    const sse = this.primary.toWire() as Exclude<WireMessage, { type: 'envelope' }>;
    return { type: 'envelope', text: this.jsonFrame().text, sse };
  }

  private jsonFrame(): OutboundMessage {
    return (this.json ??= OutboundMessage.text(jsonEnvelopeCodec.encode(this.envelope) as string));
  }
}
