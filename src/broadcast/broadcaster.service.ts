import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OutboundMessage } from '../connection/outbound-message.js';
import { trackWriteTurn } from '../connection/tick-corker.js';
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
import type { RecipientVariants, RecipientVariantsDecoder } from './recipient-variants.js';

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

  /** Decodes `envelope` wire messages (gateway events) from other instances; set once. */
  private variantsDecoder: RecipientVariantsDecoder | undefined;

  /** Installs the decoder of `envelope` wire messages (the gateway emitter's). */
  useVariantsDecoder(decoder: RecipientVariantsDecoder): void {
    this.variantsDecoder = decoder;
  }

  /**
   * Sends `message` to every connection matching all `filters`, on every instance. A
   * `localPredicate` filter keeps it local.
   */
  async broadcast(
    message: unknown,
    filters: readonly ConnectionFilter[],
  ): Promise<BroadcastResult> {
    return this.run(OutboundMessage.from(message), undefined, filters);
  }

  /**
   * Sends one broadcast whose form depends on the recipient (see {@link RecipientVariants}) to
   * every connection matching all `filters` that has a form, on every instance: one selection,
   * one publish.
   */
  broadcastVariants(
    variants: RecipientVariants,
    filters: readonly ConnectionFilter[],
  ): Promise<BroadcastResult> {
    return this.run(variants.primary, variants, filters);
  }

  private async run(
    outbound: OutboundMessage,
    variants: RecipientVariants | undefined,
    filters: readonly ConnectionFilter[],
  ): Promise<BroadcastResult> {
    this.stats.broadcasts += 1;
    const prepared = await this.hooks.prepare(outbound, filters);
    const sseIds = prepared.sseIds;
    const id = randomUUID();
    let outcome: DeliveryOutcome;
    try {
      outcome = this.deliverLocal(outbound, variants, filters, sseIds);
    } finally {
      prepared.delivered();
    }
    const localOnly = !this.adapter.distributed || filters.some(isLocalOnly);
    if (!localOnly) {
      const envelope: BroadcastEnvelope = {
        id,
        origin: this.instanceId,
        message: variants ? variants.toWire() : outbound.toWire(),
        filters,
        sseIds,
      };
      await this.adapter.publish(envelope);
    }
    return { id, delivered: outcome.delivered, dropped: outcome.dropped, published: !localOnly };
  }

  /** Delivers a broadcast that another instance published; returns how many received it. */
  deliverRemote(envelope: BroadcastEnvelope): number {
    const wire = envelope.message;
    if (wire.type === 'envelope') {
      const variants = this.variantsDecoder?.(wire);
      if (variants === undefined) return 0;
      return this.deliverLocal(variants.primary, variants, envelope.filters, envelope.sseIds)
        .delivered;
    }
    const message = OutboundMessage.fromWire(wire);
    return this.deliverLocal(message, undefined, envelope.filters, envelope.sseIds).delivered;
  }

  /**
   * Hands an encoded message to every matching local connection (with variants: the form each
   * one receives; a connection without one is passed over, counted neither way).
   */
  private deliverLocal(
    message: OutboundMessage,
    variants: RecipientVariants | undefined,
    filters: readonly ConnectionFilter[],
    sseIds: Readonly<Record<string, string>> | undefined,
  ): DeliveryOutcome {
    let delivered = 0;
    let dropped = 0;
    const context = sseIds ? { sseIds } : undefined;
    const recipients = this.registry.select(filters);
    // One tick for every delivery of this turn: broadcasts from several callbacks of one turn
    // (several HTTP requests) leave each socket in one write and one writev.
    trackWriteTurn();
    if (variants === undefined) {
      for (const conn of recipients) {
        if (conn.deliver(message, context)) delivered += 1;
        else dropped += 1;
      }
      return { delivered, dropped };
    }
    for (const conn of recipients) {
      const form = variants.variantFor(conn);
      if (form === undefined) continue;
      if (conn.deliver(form, context)) delivered += 1;
      else dropped += 1;
    }
    return { delivered, dropped };
  }
}
