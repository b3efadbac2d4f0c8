import { Inject, Injectable, Optional } from '@nestjs/common';
import { Broadcaster, type BroadcastResult } from '../broadcast/broadcaster.service.js';
import { OutboundMessage } from '../connection/outbound-message.js';
import { StreamEvent } from '../connection/stream-event.js';
import type { ConnectionFilter } from '../interfaces/connection-filter.interface.js';
import type { RoomEventStamper } from '../interfaces/gateway-protocol.interface.js';
import { anyOf, inRoom, protocol, whereMeta } from '../registry/connection-filters.js';
import { STREAMING_ROOM_EVENT_STAMPER } from '../streaming.constants.js';
import { jsonEnvelopeCodec, type EnvelopeCodec } from '../wire/envelope-codec.js';
import { RESERVED_EVENTS, type EventEnvelope } from '../wire/envelope.js';
import { msgpackEnvelopeCodec } from '../wire/msgpack-envelope.codec.js';
import { InvalidStateError } from '../errors/invalid-state.error.js';
import { GATEWAY_CODEC_KEY } from './gateway-channel.js';

const CODECS: readonly EnvelopeCodec[] = [jsonEnvelopeCodec, msgpackEnvelopeCodec];
const MESSAGE_PROTOCOLS = anyOf(protocol('websocket'), protocol('webtransport'));

function frameOf(codec: EnvelopeCodec, envelope: EventEnvelope): OutboundMessage {
  const frame = codec.encode(envelope);
  return typeof frame === 'string' ? OutboundMessage.text(frame) : OutboundMessage.binary(frame);
}

function merge(results: readonly BroadcastResult[]): BroadcastResult {
  let delivered = 0;
  let dropped = 0;
  let published = false;
  for (const result of results) {
    delivered += result.delivered;
    dropped += result.dropped;
    published ||= result.published;
  }
  return { id: results[0].id, delivered, dropped, published };
}

/** What an event broadcast reached, with the offset the room's history gave it (if any). */
export interface EmitResult extends BroadcastResult {
  /** The event's offset in the room's history (`<epoch>:<seq>`); only for room events. */
  readonly offset?: string;
}

/**
 * Broadcasts of gateway events: the envelope is encoded once per codec (JSON text, MessagePack
 * binary) and each encoding goes, through the ordinary broadcast path (and the adapter, to other
 * instances), to the gateway connections that speak it; SSE connections matching the same
 * filters receive the SSE event named `event`. Room events are stamped first by the
 * {@link RoomEventStamper}, when one is provided, so they carry `room` and `offset`.
 */
@Injectable()
export class GatewayEmitter {
  constructor(
    @Inject(Broadcaster) private readonly broadcaster: Broadcaster,
    @Optional()
    @Inject(STREAMING_ROOM_EVENT_STAMPER)
    private readonly stamper: RoomEventStamper | undefined,
  ) {}

  /** Sends event `event` with `data` to every connection matching all `filters`. */
  emit(
    event: string,
    data: unknown,
    filters: readonly ConnectionFilter[],
  ): Promise<BroadcastResult> {
    return this.deliver({ event, data }, filters);
  }

  /** Sends event `event` to the members of `room` (stamped with its offset when it keeps history). */
  async emitToRoom(
    room: string,
    event: string,
    data: unknown,
    filters: readonly ConnectionFilter[],
  ): Promise<EmitResult> {
    assertEventName(event);
    const offset = this.stamper ? await this.stamper.stamp(room, event, data) : undefined;
    if (offset === undefined) return this.deliver({ event, data }, [inRoom(room), ...filters]);
    const result = await this.deliver({ event, data, room, offset }, [inRoom(room), ...filters]);
    return { ...result, offset };
  }

  private async deliver(
    envelope: EventEnvelope,
    filters: readonly ConnectionFilter[],
  ): Promise<BroadcastResult> {
    assertEventName(envelope.event);
    const results = await Promise.all([
      ...CODECS.map((codec) =>
        this.broadcaster.broadcast(frameOf(codec, envelope), [
          ...filters,
          MESSAGE_PROTOCOLS,
          whereMeta(GATEWAY_CODEC_KEY, codec.subprotocol),
        ]),
      ),
      this.broadcaster.broadcast(new StreamEvent(envelope.event, envelope.data), [
        ...filters,
        protocol('sse'),
      ]),
    ]);
    return merge(results);
  }
}

function assertEventName(event: string): void {
  if (typeof event !== 'string' || event.length === 0) {
    throw new InvalidStateError('An event name must be a non-empty string');
  }
  if (event.startsWith('$') && event !== RESERVED_EVENTS.recovered) {
    throw new InvalidStateError(`Event names starting with "$" are reserved (${event})`);
  }
}
