import { Injectable } from '@nestjs/common';
import type { ConnectionFilter } from '../interfaces/connection-filter.interface.js';
import type { OutboundMessage } from '../connection/outbound-message.js';

/** What a preparer hands back for one broadcast. */
export interface PreparedBroadcast {
  /** SSE event ids assigned per SSE route pattern. */
  readonly sseIds?: Record<string, string>;
  /** Called once the manager has delivered the broadcast locally (or given up on it). */
  readonly delivered?: () => void;
}

/**
 * Work a transport must do once per broadcast before delivery (SSE: append the event to each
 * route's history and return the assigned ids, keyed by route pattern).
 */
export type BroadcastPreparer = (
  message: OutboundMessage,
  filters: readonly ConnectionFilter[],
) => Promise<PreparedBroadcast | undefined>;

/** The merged outcome of every preparer. */
export interface PreparedBroadcasts {
  readonly sseIds: Record<string, string> | undefined;
  /** Tells every preparer that local delivery has run. */
  delivered(): void;
}

const NOTHING_PREPARED: PreparedBroadcasts = { sseIds: undefined, delivered: () => undefined };

/** Registry of broadcast preparers; transports add theirs when constructed. */
@Injectable()
export class BroadcastHooks {
  private readonly preparers: BroadcastPreparer[] = [];

  add(preparer: BroadcastPreparer): void {
    this.preparers.push(preparer);
  }

  /** Runs every preparer; merges the SSE ids they assigned. */
  async prepare(
    message: OutboundMessage,
    filters: readonly ConnectionFilter[],
  ): Promise<PreparedBroadcasts> {
    if (this.preparers.length === 0) return NOTHING_PREPARED;
    let sseIds: Record<string, string> | undefined;
    const callbacks: (() => void)[] = [];
    try {
      for (const preparer of this.preparers) {
        const prepared = await preparer(message, filters);
        if (prepared?.sseIds) sseIds = { ...(sseIds ?? {}), ...prepared.sseIds };
        if (prepared?.delivered) callbacks.push(prepared.delivered);
      }
    } catch (error) {
      for (const callback of callbacks) callback();
      throw error;
    }
    return { sseIds, delivered: () => callbacks.forEach((callback) => callback()) };
  }
}
