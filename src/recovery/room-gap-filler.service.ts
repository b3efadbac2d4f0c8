import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClusterHost } from '../cluster/cluster-host.service.js';
import type { BaseConnection } from '../connection/base.connection.js';
import type { EnvelopeChannel } from '../interfaces/gateway-protocol.interface.js';
import type { RoomRecovery, StreamingAdapter } from '../interfaces/streaming-adapter.interface.js';
import { ConnectionRegistry } from '../registry/connection-registry.service.js';
import { STREAMING_ADAPTER } from '../streaming.constants.js';
import { RESERVED_EVENTS } from '../wire/envelope.js';
import type { RecoveredData } from '../wire/recovery-outcome.js';
import { isAfterOffset, parseOffset } from '../wire/room-offset.js';
import { RoomHistoryPolicy } from './room-history-policy.service.js';

/** Reads of the history tried before its members hear `unavailable`, and the pause between. */
const READ_ATTEMPTS = 10;
const READ_RETRY_MS = 200;
/** How long the offsets a fill sent are remembered against late live copies. */
const FILLED_MEMORY_MS = 10_000;

/** What this instance handed to its members of one room that keeps history. */
interface RoomMark {
  /** The newest offset delivered while live delivery was whole. */
  watermark: string;
  /** The members' channels holding the room's live events since delivery was lost. */
  held: Set<EnvelopeChannel>;
  /** Offsets the last fill sent that may still arrive live (late pub/sub): not to send twice. */
  filled: Set<string>;
}

/** Whether the channel's connection is open and still in `room`. */
function isMember(channel: EnvelopeChannel, room: string): boolean {
  return !channel.connection.isClosed && channel.connection.rooms.has(room);
}

/** Lets deliveries already under way (stamped, not yet handed to the channel) reach the hold. */
function afterPendingDeliveries(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Fills in, for the gateway connections of this instance, the room events that other instances
 * broadcast while this instance did not hear them (its adapter's pub/sub connection was lost):
 * - it remembers, per room that keeps history and has local members, the newest offset handed to
 *   them (events of this instance and of others);
 * - when delivery is lost it holds the room on every member's channel; once delivery resumes it
 *   reads the history after that offset, sends the events in order, then releases the hold (held
 *   live events already sent are skipped), the same race-free way as a client's recovery;
 * - when the history no longer has them, each member gets `$recovered` with `recovered: false`
 *   and the reason: never a silent gap.
 */
@Injectable()
export class RoomGapFiller {
  private readonly logger = new Logger('ForgeStreamingRecovery');
  private readonly marks = new Map<string, RoomMark>();
  private readonly channels = new WeakMap<BaseConnection, EnvelopeChannel>();
  private lost = false;

  constructor(
    @Inject(RoomHistoryPolicy) private readonly policy: RoomHistoryPolicy,
    @Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry,
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
    @Inject(ClusterHost) cluster: ClusterHost,
  ) {
    if (!adapter.distributed) return;
    cluster.onDeliveryGap({ lost: () => this.pause(), resumed: () => this.resume() });
    registry.listen({
      roomChanged: (_conn, room, type) => {
        if (type !== 'leave' || registry.roomMembers(room).size > 0) return;
        const mark = this.marks.get(room);
        this.marks.delete(room);
        for (const channel of mark?.held ?? []) channel.release(room, undefined);
      },
    });
  }

  /** Notes a gateway connection's channel (events are filled in through it). */
  attach(channel: EnvelopeChannel): void {
    this.channels.set(channel.connection as BaseConnection, channel);
  }

  /**
   * Notes that local members of `room` receive the event at `offset`; false when a fill already
   * sent it to the gateway members (it arrived live late), so they must not get it again.
   */
  delivered(room: string, offset: string): boolean {
    if (!this.adapter.distributed || this.policy.limitsFor(room) === undefined) return true;
    const mark = this.marks.get(room);
    if (mark?.filled.delete(offset)) return false;
    if (this.registry.roomMembers(room).size === 0) return true;
    // While delivery is lost the watermark stays: the fill reads from it.
    if (this.lost) return true;
    if (!mark) this.marks.set(room, { watermark: offset, held: new Set(), filled: new Set() });
    else if (isAfterOffset(offset, mark.watermark)) mark.watermark = offset;
    return true;
  }

  /**
   * Delivery of other instances' events stopped: every member's channel holds the room from now
   * on, so that what this instance delivers meanwhile (its own events, remote ones heard again
   * before the fill starts) waits for the missed events and comes after them, once.
   */
  private pause(): void {
    if (this.lost) return;
    this.lost = true;
    for (const [room, mark] of this.marks) {
      for (const channel of this.memberChannels(room)) {
        channel.hold(room);
        mark.held.add(channel);
      }
    }
  }

  private resume(): void {
    if (!this.lost) return;
    this.lost = false;
    for (const [room, mark] of [...this.marks]) {
      this.fill(room, mark).catch((error: unknown) => {
        this.logger.warn(`Filling ${JSON.stringify(room)} failed: ${String(error)}`);
      });
    }
  }

  private async fill(room: string, mark: RoomMark): Promise<void> {
    const channels = new Set(mark.held);
    mark.held = new Set();
    for (const channel of this.memberChannels(room)) {
      if (!channels.has(channel)) channel.hold(room);
      channels.add(channel);
    }
    if (channels.size === 0) return;
    mark.filled.clear();
    const forget = setTimeout(() => mark.filled.clear(), FILLED_MEMORY_MS);
    forget.unref();
    let floor: string | undefined = mark.watermark;
    try {
      await afterPendingDeliveries();
      const recovery = await this.read(room, mark.watermark);
      if (recovery.recovered) {
        for (const entry of recovery.entries) {
          floor = entry.offset;
          mark.filled.add(entry.offset);
          const envelope = { event: entry.event, data: entry.data, room, offset: entry.offset };
          for (const channel of channels) {
            if (isMember(channel, room)) channel.send(envelope);
          }
        }
        if (isAfterOffset(floor, mark.watermark)) mark.watermark = floor;
      } else {
        const reason = recovery.reason === 'unknown-room' ? 'epoch-changed' : recovery.reason;
        const outcome: RecoveredData = { room, recovered: false, reason };
        for (const channel of channels) {
          if (isMember(channel, room))
            channel.send({ event: RESERVED_EVENTS.recovered, data: outcome });
        }
        floor = await this.fillNewEpoch(room, mark, channels);
        // Without a new log to follow, start again from what is delivered next.
        if (floor === undefined && this.marks.get(room) === mark) this.marks.delete(room);
      }
    } finally {
      for (const channel of channels) channel.release(room, floor);
    }
  }

  /**
   * After a lost log (Redis restarted empty, the log flushed): the events of the room's new log
   * are all after the gap, so they are sent too, in order. Resolves with the last one sent.
   */
  private async fillNewEpoch(
    room: string,
    mark: RoomMark,
    channels: ReadonlySet<EnvelopeChannel>,
  ): Promise<string | undefined> {
    let latest: string | undefined;
    try {
      latest = await this.adapter.roomHistory.latest(room);
    } catch {
      return undefined;
    }
    const epoch = latest === undefined ? undefined : parseOffset(latest)?.epoch;
    if (epoch === undefined || epoch === parseOffset(mark.watermark)?.epoch) return undefined;
    const recovery = await this.read(room, `${epoch}:0`);
    if (!recovery.recovered) return undefined;
    let floor: string | undefined;
    for (const entry of recovery.entries) {
      floor = entry.offset;
      mark.filled.add(entry.offset);
      const envelope = { event: entry.event, data: entry.data, room, offset: entry.offset };
      for (const channel of channels) if (isMember(channel, room)) channel.send(envelope);
    }
    if (floor !== undefined) mark.watermark = floor;
    return floor;
  }

  private memberChannels(room: string): EnvelopeChannel[] {
    const channels: EnvelopeChannel[] = [];
    for (const conn of this.registry.roomMembers(room)) {
      const channel = this.channels.get(conn);
      if (channel && !conn.isClosed) channels.push(channel);
    }
    return channels;
  }

  /** Reads the history after `offset`, retrying a while (the backend may still be reconnecting). */
  private async read(
    room: string,
    offset: string,
  ): Promise<RoomRecovery | { recovered: false; reason: 'unavailable' }> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.adapter.roomHistory.since(room, offset);
      } catch (error) {
        if (attempt >= READ_ATTEMPTS) {
          this.logger.warn(`Room history of ${JSON.stringify(room)} unreadable: ${String(error)}`);
          return { recovered: false, reason: 'unavailable' };
        }
        await new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS));
      }
    }
  }
}
