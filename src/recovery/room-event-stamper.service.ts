import { Inject, Injectable } from '@nestjs/common';
import type { RoomEventStamper, RoomStamp } from '../interfaces/gateway-protocol.interface.js';
import type { StreamingAdapter } from '../interfaces/streaming-adapter.interface.js';
import { STREAMING_ADAPTER } from '../streaming.constants.js';
import { RoomGapFiller } from './room-gap-filler.service.js';
import { RoomHistoryPolicy } from './room-history-policy.service.js';

/**
 * Gives the events of rooms that keep history their offset: appends each one to the adapter's
 * room history (in memory, or Redis Streams with the Redis adapter) and resolves with its
 * `<epoch>:<seq>` (and whether the history kept it). Appends to one room run one after the other, so offsets resolve in call
 * order; rooms without history get `undefined` at once. What reached local members is noted for
 * the {@link RoomGapFiller}.
 */
@Injectable()
export class RoomEventStamperService implements RoomEventStamper {
  /** The last pending append of each room (removed when it settles and none follows). */
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(RoomHistoryPolicy) private readonly policy: RoomHistoryPolicy,
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
    @Inject(RoomGapFiller) private readonly gaps: RoomGapFiller,
  ) {}

  stamp(room: string, event: string, data: unknown): Promise<RoomStamp> | undefined {
    const limits = this.policy.limitsFor(room);
    if (!limits) return undefined;
    const previous = this.tails.get(room);
    const append = (): Promise<RoomStamp> =>
      this.adapter.roomHistory
        .append(room, event, data, limits)
        .then((entry) => ({ offset: entry.offset, stored: entry.stored !== false }));
    const result = previous ? previous.then(append, append) : append();
    const tail = result.catch(() => undefined);
    this.tails.set(room, tail);
    void tail.then(() => {
      if (this.tails.get(room) === tail) this.tails.delete(room);
    });
    return result;
  }

  delivered(room: string, offset: string): boolean {
    return this.gaps.delivered(room, offset);
  }
}
