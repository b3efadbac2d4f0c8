import { Inject, Injectable, Optional } from '@nestjs/common';
import { Broadcaster, type BroadcastResult } from '../broadcast/broadcaster.service.js';
import type { OutboundMessage } from '../connection/outbound-message.js';
import type { ConnectionFilter } from '../interfaces/connection-filter.interface.js';
import type { RoomEventStamper } from '../interfaces/gateway-protocol.interface.js';
import { inRoom } from '../registry/connection-filters.js';
import { STREAMING_ROOM_EVENT_STAMPER } from '../streaming.constants.js';
import { RESERVED_EVENTS, type EventEnvelope } from '../wire/envelope.js';
import { InvalidStateError } from '../errors/invalid-state.error.js';
import { GatewayEventBroadcast } from './gateway-event-broadcast.js';

/** What an event broadcast reached, with the offset the room's history gave it (if any). */
export interface EmitResult extends BroadcastResult {
  /** The event's offset in the room's history (`<epoch>:<seq>`); only for room events. */
  readonly offset?: string;
  /**
   * Only in rooms that keep history: false when the history could not keep the event (its
   * backend was unreachable). It was still delivered live where it could be, but a member that
   * missed it cannot recover it, so a request that sent it should not be acknowledged as
   * accepted (throw `ServiceUnavailableException`: the reply is an `UNAVAILABLE` error).
   */
  readonly stored?: boolean;
}

/**
 * Broadcasts of gateway events: one broadcast per emit (one registry selection, one publish to
 * other instances) in which the gateway connections receive the envelope in their codec (JSON
 * text, MessagePack binary; each encoded once, and only when some recipient speaks it) and SSE
 * connections matching the same filters the SSE event named `event`. Room events are stamped first by the
 * {@link RoomEventStamper}, when one is provided, so they carry `room` and `offset`.
 */
@Injectable()
export class GatewayEmitter {
  constructor(
    @Inject(Broadcaster) private readonly broadcaster: Broadcaster,
    @Optional()
    @Inject(STREAMING_ROOM_EVENT_STAMPER)
    private readonly stamper: RoomEventStamper | undefined,
  ) {
    broadcaster.useVariantsDecoder((wire) => {
      const broadcast = GatewayEventBroadcast.fromWire(wire);
      const stamped = broadcast?.roomOffset;
      if (stamped && this.stamper?.delivered?.(stamped.room, stamped.offset) === false) {
        broadcast?.skipGatewayRecipients();
      }
      return broadcast;
    });
  }

  /**
   * Sends event `event` with `data` to every connection matching all `filters`. Rejects with
   * `UnencodableMessageError` when JSON cannot encode `data` (nothing is sent), or when
   * MessagePack cannot (after the other recipients received it); no connection is closed.
   */
  emit(
    event: string,
    data: unknown,
    filters: readonly ConnectionFilter[],
  ): Promise<BroadcastResult> {
    return this.deliver({ event, data }, filters);
  }

  /**
   * Sends event `event` to the members of `room` (stamped with its offset when it keeps history).
   * Rejects like {@link emit}; data JSON refuses is neither sent nor kept in the room's history.
   */
  async emitToRoom(
    room: string,
    event: string,
    data: unknown,
    filters: readonly ConnectionFilter[],
  ): Promise<EmitResult> {
    assertEventName(event);
    const sse = GatewayEventBroadcast.sseMessage(event, data);
    const stamp = this.stamper ? await this.stamper.stamp(room, event, data) : undefined;
    if (stamp === undefined) return this.deliver({ event, data }, [inRoom(room), ...filters], sse);
    const { offset, stored } = typeof stamp === 'string' ? { offset: stamp, stored: true } : stamp;
    let result: BroadcastResult;
    try {
      result = await this.deliver({ event, data, room, offset }, [inRoom(room), ...filters], sse);
    } finally {
      this.stamper?.delivered?.(room, offset);
    }
    return { ...result, offset, stored };
  }

  private async deliver(
    envelope: EventEnvelope,
    filters: readonly ConnectionFilter[],
    sse?: OutboundMessage,
  ): Promise<BroadcastResult> {
    assertEventName(envelope.event);
    const broadcast = GatewayEventBroadcast.of(envelope, sse);
    const result = await this.broadcaster.broadcastVariants(broadcast, filters);
    if (broadcast.refusal !== undefined) throw broadcast.refusal;
    return result;
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
