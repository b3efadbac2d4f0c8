import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { StreamingManager } from './manager/streaming-manager.service.js';
import type { ResolvedStreamingConfig } from './interfaces/streaming-config.interface.js';
import type { StreamingAdapter } from './interfaces/streaming-adapter.interface.js';
import type { StreamingTransport } from './transports/streaming-transport.interface.js';
import {
  STREAMING_ADAPTER,
  STREAMING_RESOLVED_CONFIG,
  STREAMING_TRANSPORTS,
} from './streaming.constants.js';
import { HeadersTimeout } from './transports/http/headers-timeout.js';

/**
 * Starts the adapter and the transports when the application boots, and drains them on
 * shutdown (before the HTTP server closes) within `shutdownTimeout`.
 */
@Injectable()
export class TransportLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('ForgeStreaming');
  private headersTimeout: HeadersTimeout | undefined;
  private started = false;

  constructor(
    @Inject(STREAMING_TRANSPORTS) private readonly transports: StreamingTransport[],
    @Inject(STREAMING_ADAPTER) private readonly adapter: StreamingAdapter,
    @Inject(STREAMING_RESOLVED_CONFIG) private readonly config: ResolvedStreamingConfig,
    @Inject(StreamingManager) private readonly manager: StreamingManager,
    @Inject(HttpAdapterHost) private readonly httpAdapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const manager = this.manager;
    await this.adapter.init({
      instanceId: manager.instanceId,
      deliverLocal: (envelope) => manager.deliverRemote(envelope),
      applyLocal: (command) => manager.applyLocal(command),
      localStats: () => manager.getStats(),
      localConnections: () => manager.localDescriptors(),
      emitPresence: (event) => manager.emitPresence(event),
    });
    const httpAdapter = this.httpAdapterHost?.httpAdapter;
    const httpServer = httpAdapter?.getHttpServer() as Server | undefined;
    const context = { httpServer, httpAdapterType: httpAdapter?.getType() };
    for (const transport of this.transports) await transport.start(context);
    // After the transports: a transport may take over the server's listeners (SSE does), and
    // the timeout's listeners must stay first.
    if (httpServer) {
      this.headersTimeout = new HeadersTimeout(httpServer, this.config.headersTimeout);
      this.headersTimeout.start();
    }
    this.started = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    const deadline = Date.now() + this.config.shutdownTimeout;
    const results = await Promise.allSettled(this.transports.map((t) => t.shutdown(deadline)));
    for (const result of results) {
      if (result.status === 'rejected')
        this.logger.error(`Transport shutdown failed: ${String(result.reason)}`);
    }
    this.headersTimeout?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.adapter.close();
  }
}
