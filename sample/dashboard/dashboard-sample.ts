import type { StreamingProtocol, StreamingStats } from 'nestjs-forge-streaming';

/** One point of the dashboard: the server's own statistics at an instant, with rates. */
export interface DashboardSample {
  /** Epoch ms. */
  readonly timestamp: number;
  readonly activeConnections: number;
  readonly byProtocol: Record<StreamingProtocol, number>;
  /** Messages received per second since the previous sample. */
  readonly messagesInPerSec: number;
  /** Messages written per second since the previous sample. */
  readonly messagesOutPerSec: number;
  /** Bytes written per second since the previous sample. */
  readonly bytesOutPerSec: number;
  readonly connectionsOpened: number;
  readonly broadcasts: number;
  readonly droppedMessages: number;
  readonly rejected: number;
  readonly uptimeMs: number;
}

/** The first event of `/dashboard`: the sampling interval and the recent samples. */
export interface DashboardInit {
  readonly instanceId: string;
  readonly intervalMs: number;
  readonly samples: readonly DashboardSample[];
}

function perSecond(now: number, before: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  return Math.round(((now - before) * 1000) / elapsedMs);
}

/** Builds a sample from two consecutive statistics snapshots (`previous` absent: rates are 0). */
export function toDashboardSample(
  stats: StreamingStats,
  timestamp: number,
  previous?: { stats: StreamingStats; timestamp: number },
): DashboardSample {
  const elapsed = previous ? timestamp - previous.timestamp : 0;
  const before = previous?.stats ?? stats;
  return {
    timestamp,
    activeConnections: stats.activeConnections,
    byProtocol: { ...stats.byProtocol },
    messagesInPerSec: perSecond(stats.messagesIn, before.messagesIn, elapsed),
    messagesOutPerSec: perSecond(stats.messagesOut, before.messagesOut, elapsed),
    bytesOutPerSec: perSecond(stats.bytesOut, before.bytesOut, elapsed),
    connectionsOpened: stats.connectionsOpened,
    broadcasts: stats.broadcasts,
    droppedMessages: stats.droppedMessages,
    rejected: stats.rejected.total,
    uptimeMs: stats.uptimeMs,
  };
}
