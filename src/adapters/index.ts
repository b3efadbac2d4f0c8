/**
 * `nestjs-forge-streaming/adapter`: the adapter SPI, for authors of cluster backends. An adapter
 * implements {@link StreamingAdapter}; the module hands it a {@link StreamingAdapterHost} at
 * start-up. The in-memory adapter and history store are the reference implementations.
 */
export type {
  AdapterHealth,
  BroadcastEnvelope,
  ConnectionCommand,
  ConnectionDescriptor,
  PresenceEvent,
  PresenceMember,
  SseAudience,
  SseGapNotice,
  SseHistoryEntry,
  SseHistoryStore,
  SseReplay,
  StreamingAdapter,
  StreamingAdapterHost,
  WireMessage,
} from '../interfaces/streaming-adapter.interface.js';
export type { ConnectionFilter, MetaValue } from '../interfaces/connection-filter.interface.js';
export type { ClusterStats, StreamingStats } from '../interfaces/streaming-stats.interface.js';
export { matchesAll, matchesFilter, isLocalOnly } from '../registry/connection-filters.js';
export { InMemoryStreamingAdapter } from './in-memory/in-memory-streaming.adapter.js';
export { InMemoryHistoryStore } from './in-memory/in-memory-history.store.js';
