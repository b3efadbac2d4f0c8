import type { StreamingProtocol } from './connection.interface.js';

/** Why a connection attempt was refused. */
export type RejectionReason =
  'auth' | 'origin' | 'limit' | 'rate' | 'not-found' | 'timeout' | 'error';

/** Cluster-wide figures, when the adapter shares them. */
export interface ClusterStats {
  /** Instances that reported within their TTL. */
  instances: number;
  /** Active connections over all instances. */
  activeConnections: number;
  /** Active connections per protocol over all instances. */
  byProtocol: Record<StreamingProtocol, number>;
  /** When the figures were gathered (epoch ms). */
  updatedAt: number;
}

/** Counters and gauges of one instance (plus cluster figures when available). */
export interface StreamingStats {
  /** Id of this instance. */
  instanceId: string;
  /** Open connections now. */
  activeConnections: number;
  /** Open connections per protocol. */
  byProtocol: Record<StreamingProtocol, number>;
  /** Open connections per route, keyed `protocol path` (`websocket /ws/echo`). */
  byRoute: Record<string, number>;
  /** Connections accepted since start. */
  connectionsOpened: number;
  /** Connections closed since start. */
  connectionsClosed: number;
  /** Refused connection attempts, total and by reason. */
  rejected: { total: number } & Record<RejectionReason, number>;
  /** Messages received from clients. */
  messagesIn: number;
  /** Messages written to clients (each delivery counts). */
  messagesOut: number;
  /** Payload bytes received. */
  bytesIn: number;
  /** Bytes written to clients (framing included). */
  bytesOut: number;
  /** Broadcasts issued on this instance. */
  broadcasts: number;
  /** Messages dropped by the slow-consumer policy. */
  droppedMessages: number;
  /** Connections closed by the slow-consumer policy. */
  slowConsumerDisconnects: number;
  /** Handler and transport errors. */
  errors: number;
  /** Milliseconds since the module started. */
  uptimeMs: number;
  /** Cluster-wide figures, when an adapter shares them. */
  cluster?: ClusterStats;
}
