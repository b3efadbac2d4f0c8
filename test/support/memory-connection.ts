import { BaseConnection, type ConnectionInit } from '../../src/connection/base.connection.js';
import type { OutboundMessage } from '../../src/connection/outbound-message.js';
import type { OutboundChunk } from '../../src/connection/outbound-queue.js';
import { StreamingStatsCollector } from '../../src/stats/streaming-stats-collector.service.js';
import type { StreamingProtocol } from '../../src/interfaces/connection.interface.js';

/**
 * A connection whose "transport" is an in-memory list of written chunks with a configurable
 * backlog: for unit tests of the protocol-neutral connection logic.
 */
export class MemoryConnection extends BaseConnection {
  readonly written: string[] = [];
  /** Bytes the fake transport reports as still buffered. */
  backlog = 0;

  constructor(
    options: Partial<ConnectionInit> & { user?: unknown; query?: Record<string, string> } = {},
  ) {
    const protocol: StreamingProtocol = options.protocol ?? 'websocket';
    super({
      protocol,
      route: options.route ?? '/test',
      request: {
        method: 'GET',
        url: '/test',
        path: '/test',
        headers: {},
        query: options.query ?? {},
        params: {},
        ip: '127.0.0.1',
        user: options.user,
      },
      values: options.values ?? new Map(),
      stats: options.stats ?? new StreamingStatsCollector(),
      bufferLimit: options.bufferLimit ?? 1024,
      slowConsumer: options.slowConsumer ?? 'drop-oldest',
      batching: options.batching,
    });
  }

  get statsCollector(): StreamingStatsCollector {
    return this.stats;
  }

  /** Simulates the transport draining everything. */
  drain(): void {
    this.backlog = 0;
    this.onTransportDrain();
  }

  protected encode(message: OutboundMessage): OutboundChunk {
    return message.binary ? message.bytes : message.text;
  }

  protected transportBufferedBytes(): number {
    return this.backlog;
  }

  protected transportWrite(chunk: OutboundChunk): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.written.push(text);
    this.backlog += Buffer.byteLength(text);
  }

  protected transportClose(code: number, reason: string): void {
    this.markClosed({ code, reason, byServer: true });
  }
}
