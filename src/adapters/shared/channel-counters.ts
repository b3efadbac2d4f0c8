import type {
  AdapterChannelCounters,
  ChannelKindCounts,
} from '../../interfaces/streaming-adapter.interface.js';

/** Which channel a broadcast travels on: every instance's, or one room's. */
export type ChannelKind = keyof ChannelKindCounts;

/** The mutable counters behind `StreamingAdapter.channelCounters()` (plain fields, hot path). */
export class ChannelCounters {
  private publishedGlobal = 0;
  private publishedRoom = 0;
  private decodedGlobal = 0;
  private decodedRoom = 0;

  /** A broadcast of this instance went out on a channel of `kind`. */
  published(kind: ChannelKind): void {
    if (kind === 'room') this.publishedRoom += 1;
    else this.publishedGlobal += 1;
  }

  /** A broadcast of another instance was decoded from a channel of `kind`. */
  decoded(kind: ChannelKind): void {
    if (kind === 'room') this.decodedRoom += 1;
    else this.decodedGlobal += 1;
  }

  /** A copy of the counts. */
  snapshot(subscribedRooms: number): AdapterChannelCounters {
    return {
      published: { global: this.publishedGlobal, room: this.publishedRoom },
      decoded: { global: this.decodedGlobal, room: this.decodedRoom },
      subscribedRooms,
    };
  }
}
