import { Inject, Injectable } from '@nestjs/common';
import { Broadcaster } from '../broadcast/broadcaster.service.js';
import type { BaseConnection } from '../connection/base.connection.js';
import { OutboundMessage } from '../connection/outbound-message.js';
import type {
  BroadcastEnvelope,
  ConnectionCommand,
  ConnectionDescriptor,
  PresenceEvent,
  StreamingAdapter,
  StreamingAdapterHost,
} from '../interfaces/streaming-adapter.interface.js';
import type { StreamingStats } from '../interfaces/streaming-stats.interface.js';
import { ConnectionRegistry } from '../registry/connection-registry.service.js';
import { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import { STREAMING_ADAPTER, STREAMING_INSTANCE_ID } from '../streaming.constants.js';
import { describeConnection } from './connection-descriptor.js';
import { StreamingPresence } from './presence.service.js';
import { trackRoomActivity } from './room-activity.js';

/** Told when this instance stops and starts again hearing other instances' broadcasts. */
export interface DeliveryGapListener {
  /** Broadcasts of other instances no longer arrive. */
  lost(): void;
  /** They arrive again; those published in between were missed here. */
  resumed(): void;
}

/**
 * The adapter's side of the module: what an adapter calls on this instance (deliver a remote
 * broadcast, apply a command to a local connection, report presence, read local state), and
 * what keeps the adapter's view of this instance current (each local connection's descriptor,
 * written as it opens, changes and closes). It starts the adapter before the transports accept
 * anything and stops it after they have drained.
 */
@Injectable()
export class ClusterHost implements StreamingAdapterHost {
  private readonly gapListeners = new Set<DeliveryGapListener>();

  constructor(
    @Inject(STREAMING_INSTANCE_ID) readonly instanceId: string,
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
    @Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry,
    @Inject(Broadcaster) private readonly broadcaster: Broadcaster,
    @Inject(StreamingPresence) private readonly presence: StreamingPresence,
    @Inject(StreamingStatsCollector) private readonly stats: StreamingStatsCollector,
  ) {
    if (!adapter.distributed) return;
    trackRoomActivity(registry, adapter);
    registry.listen({
      opened: (conn) => this.sync(conn),
      changed: (conn) => this.sync(conn),
      closed: (conn) => adapter.connectionClosed(this.describe(conn)),
      roomChanged: (conn, _room, type) => {
        if (type === 'join' || !conn.isClosed) this.sync(conn);
      },
    });
  }

  /** Starts the adapter (joins the cluster). */
  start(): Promise<void> {
    return this.adapter.init(this);
  }

  /** Stops the adapter (leaves the cluster). */
  stop(): Promise<void> {
    return this.adapter.close();
  }

  deliverLocal(envelope: BroadcastEnvelope): number {
    return this.broadcaster.deliverRemote(envelope);
  }

  /** Applies a command to a local connection; false when it is not local. */
  applyLocal(command: ConnectionCommand): boolean {
    const conn = this.registry.get(command.connectionId);
    if (!conn) return false;
    switch (command.type) {
      case 'join':
        conn.join(command.room);
        break;
      case 'leave':
        conn.leave(command.room);
        break;
      case 'disconnect':
        conn.close(command.code, command.reason);
        break;
      case 'send':
        conn.deliver(OutboundMessage.fromWire(command.message));
        break;
    }
    return true;
  }

  localStats(): StreamingStats {
    return this.stats.snapshot(
      this.instanceId,
      this.registry.countByProtocol(),
      this.registry.countByRoute(),
    );
  }

  localConnections(): ConnectionDescriptor[] {
    return [...this.registry.all()].map((conn) => this.describe(conn));
  }

  emitPresence(event: PresenceEvent): void {
    this.presence.emit(event);
  }

  /** Listens for lost and resumed delivery of other instances' broadcasts; returns a remover. */
  onDeliveryGap(listener: DeliveryGapListener): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  deliveryLost(): void {
    for (const listener of [...this.gapListeners]) listener.lost();
  }

  deliveryResumed(): void {
    for (const listener of [...this.gapListeners]) listener.resumed();
  }

  /** The descriptor of a local connection. */
  describe(conn: BaseConnection): ConnectionDescriptor {
    return describeConnection(conn, this.instanceId);
  }

  private sync(conn: BaseConnection): void {
    if (!conn.isClosed) this.adapter.connectionUpdated(this.describe(conn));
  }
}
