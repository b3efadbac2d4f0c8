import { Logger } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type {
  BroadcastEnvelope,
  ConnectionCommand,
  PresenceEvent,
} from '../../interfaces/streaming-adapter.interface.js';
import type { ChannelCounters, ChannelKind } from '../shared/channel-counters.js';
import { busPayloadOrigin, decodeBusBody } from './nats-bus.codec.js';
import type { NatsNames } from './nats-names.js';
import { NatsRoomSubjects } from './nats-room-subjects.js';

/** What the bus hands to the adapter. */
export interface NatsBusHandlers {
  /** A broadcast from another instance. */
  broadcast(envelope: BroadcastEnvelope): void;
  /** A presence change on another instance. */
  presence(event: PresenceEvent): void;
  /** A command for a connection of this instance; returns whether it was applied. */
  command(command: ConnectionCommand): boolean;
  /** Another instance could not publish for a while. */
  gap(): void;
}

const COMMAND_TYPES = new Set(['disconnect', 'join', 'leave', 'send']);

function isEnvelope(body: Record<string, unknown>): boolean {
  return Array.isArray(body.filters) && typeof body.message === 'object' && body.message !== null;
}

/**
 * The receiving side of core NATS: the global broadcast, presence and gap subjects, this
 * instance's command subject (request/reply: the answer says whether the connection was here)
 * and the per-room subjects ({@link NatsRoomSubjects}). Skips its own messages without parsing
 * them, counts the broadcasts it decodes per subject kind, and ignores malformed messages.
 */
export class NatsMessageBus {
  private readonly logger = new Logger('ForgeStreamingNats');
  private readonly subscriptions: Subscription[] = [];
  /** The per-room subjects. */
  readonly rooms: NatsRoomSubjects;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: NatsNames,
    private readonly instanceId: string,
    private readonly handlers: NatsBusHandlers,
    private readonly counters: ChannelCounters,
    lingerMs: number,
  ) {
    this.rooms = new NatsRoomSubjects(nc, names, lingerMs, (raw) => this.onBroadcast(raw, 'room'));
  }

  /** Subscribes to the global subjects and this instance's command subject. */
  subscribe(): void {
    const on = (subject: string, handle: (msg: Msg) => void): void => {
      this.subscriptions.push(
        this.nc.subscribe(subject, {
          callback: (error, msg) => {
            if (!error) handle(msg);
          },
        }),
      );
    };
    on(this.names.broadcast, (msg) => this.onBroadcast(msg.string(), 'global'));
    on(this.names.presence, (msg) => this.onPresence(msg.string()));
    on(this.names.gap, (msg) => this.onGap(msg.string()));
    on(this.names.instance(this.instanceId), (msg) => this.onCommand(msg));
  }

  /** Unsubscribes from everything. */
  close(): void {
    this.rooms.close();
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
  }

  private own(raw: string): boolean {
    return busPayloadOrigin(raw) === this.instanceId;
  }

  private onBroadcast(raw: string, kind: ChannelKind): void {
    if (this.own(raw)) return;
    const body = decodeBusBody(raw);
    if (!body || !isEnvelope(body)) {
      this.logger.warn('Ignored a malformed broadcast');
      return;
    }
    this.counters.decoded(kind);
    this.guard('broadcast', () => this.handlers.broadcast(body as unknown as BroadcastEnvelope));
  }

  private onPresence(raw: string): void {
    if (this.own(raw)) return;
    const body = decodeBusBody(raw);
    if (!body || (body.type !== 'join' && body.type !== 'leave') || typeof body.room !== 'string') {
      this.logger.warn('Ignored a malformed presence message');
      return;
    }
    this.guard('presence', () => this.handlers.presence(body as unknown as PresenceEvent));
  }

  private onGap(raw: string): void {
    if (this.own(raw)) return;
    this.guard('gap', () => this.handlers.gap());
  }

  private onCommand(msg: Msg): void {
    const body = decodeBusBody(msg.string());
    let applied = false;
    if (body && COMMAND_TYPES.has(String(body.type)) && typeof body.connectionId === 'string') {
      this.guard('command', () => {
        applied = this.handlers.command(body as unknown as ConnectionCommand);
      });
    } else {
      this.logger.warn('Ignored a malformed command');
    }
    if (msg.reply) msg.respond(applied ? '1' : '0');
  }

  private guard(kind: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.logger.error(`Handling a ${kind} message failed: ${(error as Error).message}`);
    }
  }
}
