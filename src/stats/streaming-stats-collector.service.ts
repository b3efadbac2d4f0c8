import type { StreamingProtocol } from '../interfaces/connection.interface.js';
import type { RejectionReason, StreamingStats } from '../interfaces/streaming-stats.interface.js';

/** Where latencies go while metrics are on; unset, the hot paths do not read the clock. */
export interface LatencySink {
  /** A handshake settled (accepted or refused) after `seconds`, from the first check. */
  handshake(protocol: StreamingProtocol, accepted: boolean, seconds: number): void;
  /** A gateway message handler settled (replied, failed or completed) after `seconds`. */
  message(event: string, seconds: number): void;
}

/** Mutable counters behind `StreamingManager.getStats()`; hot paths bump fields directly. */
export class StreamingStatsCollector {
  readonly startedAt = Date.now();
  connectionsOpened = 0;
  connectionsClosed = 0;
  messagesIn = 0;
  messagesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  broadcasts = 0;
  droppedMessages = 0;
  slowConsumerDisconnects = 0;
  errors = 0;
  /** The latency histograms' sink (set by the metrics while they are enabled). */
  latency: LatencySink | undefined = undefined;
  private readonly rejections: Record<RejectionReason, number> = {
    auth: 0,
    origin: 0,
    limit: 0,
    rate: 0,
    'not-found': 0,
    timeout: 0,
    error: 0,
  };

  /** Counts a refused connection attempt. */
  rejected(reason: RejectionReason): void {
    this.rejections[reason] += 1;
  }

  /** A snapshot; gauges come from the registry. */
  snapshot(
    instanceId: string,
    byProtocol: Record<StreamingProtocol, number>,
    byRoute: Record<string, number>,
  ): StreamingStats {
    const rejectedTotal = Object.values(this.rejections).reduce((sum, n) => sum + n, 0);
    return {
      instanceId,
      activeConnections: byProtocol.websocket + byProtocol.sse + byProtocol.webtransport,
      byProtocol,
      byRoute,
      connectionsOpened: this.connectionsOpened,
      connectionsClosed: this.connectionsClosed,
      rejected: { total: rejectedTotal, ...this.rejections },
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      broadcasts: this.broadcasts,
      droppedMessages: this.droppedMessages,
      slowConsumerDisconnects: this.slowConsumerDisconnects,
      errors: this.errors,
      uptimeMs: Date.now() - this.startedAt,
    };
  }
}
