import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OutboundMessage } from '../connection/outbound-message.js';
import type { ConnectionFilter } from '../interfaces/connection-filter.interface.js';
import type {
  BroadcastEnvelope,
  StreamingAdapter,
} from '../interfaces/streaming-adapter.interface.js';
import { isLocalOnly } from '../registry/connection-filters.js';
import { ConnectionRegistry } from '../registry/connection-registry.service.js';
import { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import { STREAMING_ADAPTER, STREAMING_INSTANCE_ID } from '../streaming.constants.js';
import { BroadcastHooks } from './broadcast-hooks.service.js';

/** What a broadcast reached. */
export interface BroadcastResult {
  /** Broadcast id (the same on every instance). */
  readonly id: string;
  /** Local connections that accepted the message. */
  readonly delivered: number;
  /** Local connections that matched but dropped it (slow consumers, closing). */
  readonly dropped: number;
  /** Whether it was also published to other instances. */
  readonly published: boolean;
}

/** How many local connections a delivery reached. */
export interface DeliveryOutcome {
  readonly delivered: number;
  readonly dropped: number;
}

/**
 * The broadcast path: the payload is encoded once (`OutboundMessage`), the transports' preparers
 * run once (SSE history), the matching local connections are found from the registry's indexes
 * and each gets the same encoded bytes; then, with a cluster adapter, the broadcast is published
 * to the other instances, which deliver it with {@link deliverRemote}.
 */
@Injectable()
export class Broadcaster {
  constructor(
    @Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry,
    @Inject(BroadcastHooks) private readonly hooks: BroadcastHooks,
    @Inject(StreamingStatsCollector) private readonly stats: StreamingStatsCollector,
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
    @Inject(STREAMING_INSTANCE_ID) private readonly instanceId: string,
  ) {}

  /**
   * Sends `message` to every connection matching all `filters`, on every instance. A
   * `localPredicate` filter keeps it local.
   */
  async broadcast(
    message: unknown,
    filters: readonly ConnectionFilter[],
  ): Promise<BroadcastResult> {
    const outbound = OutboundMessage.from(message);
    this.stats.broadcasts += 1;
    const prepared = await this.hooks.prepare(outbound, filters);
    const sseIds = prepared.sseIds;
    const id = randomUUID();
    let outcome: DeliveryOutcome;
    try {
      outcome = this.deliverLocal(outbound, filters, sseIds);
    } finally {
      prepared.delivered();
    }
    const localOnly = !this.adapter.distributed || filters.some(isLocalOnly);
    if (!localOnly) {
      const envelope: BroadcastEnvelope = {
        id,
        origin: this.instanceId,
        message: outbound.toWire(),
        filters,
        sseIds,
      };
      await this.adapter.publish(envelope);
    }
    return { id, delivered: outcome.delivered, dropped: outcome.dropped, published: !localOnly };
  }

  /** Delivers a broadcast that another instance published; returns how many received it. */
  deliverRemote(envelope: BroadcastEnvelope): number {
    const message = OutboundMessage.fromWire(envelope.message);
    return this.deliverLocal(message, envelope.filters, envelope.sseIds).delivered;
  }

  /** Hands an encoded message to every matching local connection. */
  private deliverLocal(
    message: OutboundMessage,
    filters: readonly ConnectionFilter[],
    sseIds: Readonly<Record<string, string>> | undefined,
  ): DeliveryOutcome {
    let delivered = 0;
    let dropped = 0;
    const context = sseIds ? { sseIds } : undefined;
    for (const conn of this.registry.select(filters)) {
      if (conn.deliver(message, context)) delivered += 1;
      else dropped += 1;
    }
    return { delivered, dropped };
  }
}
