import { Injectable } from '@nestjs/common';
import type { ConnectionFilter } from '../interfaces/connection-filter.interface.js';
import type { OutboundMessage } from './outbound-message.js';

/**
 * Work a transport must do once per broadcast before delivery (SSE: append the event to each
 * route's history and return the assigned ids, keyed by route pattern).
 */
export type BroadcastPreparer = (
  message: OutboundMessage,
  filters: readonly ConnectionFilter[],
) => Promise<Record<string, string> | undefined>;

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
  ): Promise<Record<string, string> | undefined> {
    if (this.preparers.length === 0) return undefined;
    let merged: Record<string, string> | undefined;
    for (const preparer of this.preparers) {
      const ids = await preparer(message, filters);
      if (ids) merged = { ...(merged ?? {}), ...ids };
    }
    return merged;
  }
}
