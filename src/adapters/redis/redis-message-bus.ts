import { Logger } from '@nestjs/common';
import type { RedisClient } from './redis-client.js';
import type {
  BroadcastEnvelope,
  ConnectionCommand,
  PresenceEvent,
} from '../../interfaces/streaming-adapter.interface.js';
import { busMessageOrigin, decodeBusMessage } from './redis-bus.codec.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisRoomChannels } from './redis-room-channels.js';
import type { ChannelCounters } from '../shared/channel-counters.js';

/** What the bus hands to the adapter. */
export interface BusHandlers {
  /** A broadcast from another instance. */
  broadcast(envelope: BroadcastEnvelope): void;
  /** A presence change on another instance. */
  presence(event: PresenceEvent): void;
  /** A command for a connection of this instance. */
  command(command: ConnectionCommand): void;
  /** Another instance could not publish for a while. */
  gap(): void;
}

/**
 * The receiving side of pub/sub: subscribes the dedicated connection to the broadcast and
 * presence channels and to this instance's command channel (its room channels are managed by
 * {@link RedisRoomChannels}), skips its own messages without parsing them, counts the
 * broadcasts it decodes per channel kind, and dispatches the rest.
 */
export class RedisMessageBus {
  private readonly logger = new Logger('ForgeStreamingRedis');
  private readonly onMessage = (channel: string, raw: string): void => this.dispatch(channel, raw);

  constructor(
    private readonly subscriber: RedisClient,
    private readonly keys: RedisKeys,
    private readonly instanceId: string,
    private readonly handlers: BusHandlers,
    private readonly rooms: RedisRoomChannels,
    private readonly counters: ChannelCounters,
  ) {
    subscriber.on('message', this.onMessage);
    subscriber.on('smessage', this.onMessage);
  }

  /** The channels this instance listens to. */
  get channels(): string[] {
    return [
      this.keys.broadcastChannel,
      this.keys.presenceChannel,
      this.keys.instanceChannel(this.instanceId),
    ];
  }

  /**
   * (Re)subscribes, room channels included; call whenever the subscriber connection becomes
   * ready. With sharded pub/sub the command channel is sharded too (its sender counts receivers
   * on the channel's shard, exact on Redis Cluster where a classic `PUBLISH` counts one node's).
   */
  async subscribe(): Promise<void> {
    const [broadcast, presence, commands] = this.channels;
    if (this.rooms.pubSubMode === 'sharded') {
      await this.subscriber.subscribe(broadcast, presence);
      await this.subscriber.ssubscribe(commands);
    } else {
      await this.subscriber.subscribe(broadcast, presence, commands);
    }
    await this.rooms.resubscribe();
  }

  /** Stops dispatching. */
  detach(): void {
    this.subscriber.off('message', this.onMessage);
    this.subscriber.off('smessage', this.onMessage);
  }

  private dispatch(channel: string, raw: string): void {
    const ownChannel = channel === this.keys.instanceChannel(this.instanceId);
    if (!ownChannel && busMessageOrigin(raw) === this.instanceId) return;
    const message = decodeBusMessage(raw);
    if (!message) {
      this.logger.warn(`Ignored a malformed message on ${channel}`);
      return;
    }
    try {
      switch (message.kind) {
        case 'broadcast':
          this.counters.decoded(this.rooms.isRoomChannel(channel) ? 'room' : 'global');
          this.handlers.broadcast(message.envelope);
          break;
        case 'presence':
          this.handlers.presence(message.event);
          break;
        case 'command':
          if (ownChannel) this.handlers.command(message.command);
          break;
        case 'gap':
          this.handlers.gap();
          break;
      }
    } catch (error) {
      this.logger.error(`Handling a ${message.kind} message failed: ${(error as Error).message}`);
    }
  }
}
