import { Inject, Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type {
  PresenceEvent,
  PresenceMember,
  StreamingAdapter,
} from '../interfaces/streaming-adapter.interface.js';
import { ConnectionRegistry } from '../registry/connection-registry.service.js';
import { STREAMING_ADAPTER, STREAMING_INSTANCE_ID } from '../streaming.constants.js';

/**
 * Room presence: the joins and leaves of local connections (from the registry) and of remote
 * ones (reported by the adapter), as one stream; members of a room on every instance.
 */
@Injectable()
export class StreamingPresence {
  private readonly subject = new Subject<PresenceEvent>();

  constructor(
    @Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry,
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
    @Inject(STREAMING_INSTANCE_ID) private readonly instanceId: string,
  ) {
    registry.listen({
      roomChanged: (conn, room, type) =>
        this.subject.next({
          type,
          room,
          member: { connectionId: conn.id, userId: conn.userId, instanceId },
        }),
    });
  }

  /** Joins and leaves, local and (with a cluster adapter) remote. */
  get events$(): Observable<PresenceEvent> {
    return this.subject.asObservable();
  }

  /** Reports a presence change seen on another instance. */
  emit(event: PresenceEvent): void {
    this.subject.next(event);
  }

  /** Members of a room on every instance. */
  async members(room: string): Promise<PresenceMember[]> {
    if (this.adapter.distributed) return this.adapter.roomMembers(room);
    return [...this.registry.roomMembers(room)].map((conn) => ({
      connectionId: conn.id,
      userId: conn.userId,
      instanceId: this.instanceId,
    }));
  }
}
