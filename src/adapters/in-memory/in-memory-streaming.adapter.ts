import type {
  AdapterHealth,
  BroadcastEnvelope,
  ConnectionCommand,
  ConnectionDescriptor,
  PresenceMember,
  RoomHistoryStore,
  SseHistoryStore,
  StreamingAdapter,
  StreamingAdapterHost,
} from '../../interfaces/streaming-adapter.interface.js';
import type { ClusterStats } from '../../interfaces/streaming-stats.interface.js';
import { InMemoryHistoryStore } from './in-memory-history.store.js';
import { InMemoryRoomHistoryStore } from './in-memory-room-history.store.js';

/**
 * The single-process backend: there are no other instances, so publishing and commands have
 * nobody to reach (the manager serves local connections itself); SSE and room history live in memory.
 */
export class InMemoryStreamingAdapter implements StreamingAdapter {
  readonly distributed = false;
  readonly history: SseHistoryStore = new InMemoryHistoryStore();
  readonly roomHistory: RoomHistoryStore = new InMemoryRoomHistoryStore();

  init(_host: StreamingAdapterHost): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  publish(_envelope: BroadcastEnvelope): Promise<void> {
    return Promise.resolve();
  }

  command(_command: ConnectionCommand): Promise<boolean> {
    return Promise.resolve(false);
  }

  connectionUpdated(_descriptor: ConnectionDescriptor): void {}

  connectionClosed(_descriptor: ConnectionDescriptor): void {}

  findConnection(_id: string): Promise<ConnectionDescriptor | undefined> {
    return Promise.resolve(undefined);
  }

  roomMembers(_room: string): Promise<PresenceMember[]> {
    return Promise.resolve([]);
  }

  clusterStats(): Promise<ClusterStats | undefined> {
    return Promise.resolve(undefined);
  }

  health(): AdapterHealth {
    return { status: 'up' };
  }
}
