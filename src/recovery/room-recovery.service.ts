import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EnvelopeChannel } from '../interfaces/gateway-protocol.interface.js';
import type { RoomRecovery, StreamingAdapter } from '../interfaces/streaming-adapter.interface.js';
import { STREAMING_ADAPTER } from '../streaming.constants.js';
import { RESERVED_EVENTS } from '../wire/envelope.js';
import type { RecoveredData, RecoveryFailureReason } from '../wire/recovery-outcome.js';
import type { RecoverTarget } from './recover-request.js';
import { RoomHistoryPolicy } from './room-history-policy.service.js';
import { RoomJoinWatcher } from './room-join-watcher.service.js';

/** Lets deliveries already under way (stamped, not yet handed to the channel) reach the hold. */
function afterPendingDeliveries(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Replays the events a connection missed in one room, race-free:
 * 1. hold the room's live events on the channel (buffered, not sent);
 * 2. wait until the connection is a member of the room (the authorization of joining: a
 *    connection never recovers a room it was not let into; `forbidden` otherwise);
 * 3. read the events after the offset and send them in order;
 * 4. send `$recovered`, then release the hold: held events already replayed are skipped, the
 *    others follow, so every event arrives once, in order, replay first.
 *
 * Reading happens after the join, so every event published after the read is delivered live to
 * the connection (and held), and every one before it is in the read.
 */
@Injectable()
export class RoomRecoveryService {
  private readonly logger = new Logger('ForgeStreamingRecovery');

  constructor(
    @Inject(RoomHistoryPolicy) private readonly policy: RoomHistoryPolicy,
    @Inject(RoomJoinWatcher) private readonly joins: RoomJoinWatcher,
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
  ) {}

  /**
   * Holds every target room at once (call this before the connection may join them), then
   * recovers each; resolves with the outcomes in the order of `targets`.
   */
  recoverAll(
    channel: EnvelopeChannel,
    targets: readonly RecoverTarget[],
  ): Promise<RecoveredData[]> {
    const held = targets.map((target) => {
      const keeps = this.policy.limitsFor(target.room) !== undefined;
      if (keeps) channel.hold(target.room);
      return keeps;
    });
    return Promise.all(
      targets.map((target, i) =>
        held[i]
          ? this.recoverHeld(channel, target)
          : this.finish(channel, target.room, 'unknown-room'),
      ),
    );
  }

  private async recoverHeld(
    channel: EnvelopeChannel,
    target: RecoverTarget,
  ): Promise<RecoveredData> {
    const { room, offset } = target;
    let floor: string | undefined;
    let outcome: RecoveredData;
    try {
      const member = await this.joins.whenMember(channel.connection, room, this.policy.joinTimeout);
      if (!member) {
        outcome = this.outcome(room, 'forbidden');
      } else {
        const recovery = await this.read(room, offset);
        if (recovery.recovered) {
          floor = offset;
          for (const entry of recovery.entries) {
            if (channel.connection.isClosed) break;
            channel.send({ event: entry.event, data: entry.data, room, offset: entry.offset });
            floor = entry.offset;
          }
          await afterPendingDeliveries();
          outcome = { room, recovered: true };
        } else {
          // The room keeps history but the store has no log of it: the log was lost.
          const reason = recovery.reason === 'unknown-room' ? 'epoch-changed' : recovery.reason;
          outcome = this.outcome(room, reason);
        }
      }
      this.announce(channel, outcome);
    } finally {
      channel.release(room, floor);
    }
    return outcome;
  }

  private async read(
    room: string,
    offset: string,
  ): Promise<RoomRecovery | { recovered: false; reason: 'unavailable' }> {
    try {
      return await this.adapter.roomHistory.since(room, offset);
    } catch (error) {
      this.logger.warn(`Room history of ${JSON.stringify(room)} unreadable: ${String(error)}`);
      return { recovered: false, reason: 'unavailable' };
    }
  }

  private finish(
    channel: EnvelopeChannel,
    room: string,
    reason: RecoveryFailureReason,
  ): Promise<RecoveredData> {
    const outcome = this.outcome(room, reason);
    this.announce(channel, outcome);
    return Promise.resolve(outcome);
  }

  private outcome(room: string, reason: RecoveryFailureReason): RecoveredData {
    return { room, recovered: false, reason };
  }

  private announce(channel: EnvelopeChannel, outcome: RecoveredData): void {
    if (!channel.connection.isClosed)
      channel.send({ event: RESERVED_EVENTS.recovered, data: outcome });
  }
}
