import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { NatsNames } from './nats-names.js';

interface RoomSubject {
  readonly subscription: Subscription;
  /** Pending unsubscription after the last local member left. */
  linger: NodeJS.Timeout | undefined;
}

/**
 * Per-room subscriptions: a room's subject is subscribed when the room gets its first local
 * member and unsubscribed `lingerMs` after its last one left (a member joining again within that
 * time cancels it: no subscribe/unsubscribe storms). The NATS client restores subscriptions
 * itself after a reconnection.
 */
export class NatsRoomSubjects {
  private readonly rooms = new Map<string, RoomSubject>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: NatsNames,
    private readonly lingerMs: number,
    private readonly onMessage: (raw: string) => void,
  ) {}

  /** Rooms whose subject is subscribed (or lingering before its unsubscription). */
  get size(): number {
    return this.rooms.size;
  }

  /** The room has its first local member: listen to its subject. */
  activate(room: string): void {
    const existing = this.rooms.get(room);
    if (existing) {
      if (existing.linger) clearTimeout(existing.linger);
      existing.linger = undefined;
      return;
    }
    if (this.nc.isClosed()) return;
    const subscription = this.nc.subscribe(this.names.room(room), {
      callback: (error, msg) => {
        if (!error) this.onMessage(msg.string());
      },
    });
    this.rooms.set(room, { subscription, linger: undefined });
  }

  /** The room lost its last local member: stop listening after the linger time. */
  deactivate(room: string): void {
    const entry = this.rooms.get(room);
    if (!entry || entry.linger) return;
    entry.linger = setTimeout(() => {
      this.rooms.delete(room);
      entry.subscription.unsubscribe();
    }, this.lingerMs);
    entry.linger.unref();
  }

  /**
   * Settles once the server has processed the subscriptions made so far (a flush), so that a
   * member the registry lists receives its room's broadcasts.
   */
  async flushed(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.flush();
  }

  /** Cancels pending unsubscriptions and unsubscribes every room. */
  close(): void {
    for (const entry of this.rooms.values()) {
      if (entry.linger) clearTimeout(entry.linger);
      entry.subscription.unsubscribe();
    }
    this.rooms.clear();
  }
}
