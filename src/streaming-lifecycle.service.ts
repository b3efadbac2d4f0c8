import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { ClusterHost } from './cluster/cluster-host.service.js';
import type { ResolvedStreamingConfig } from './interfaces/streaming-config.interface.js';
import { STREAMING_RESOLVED_CONFIG, STREAMING_TRANSPORTS } from './streaming.constants.js';
import { applyRequestTimeouts } from './transports/http/request-timeouts.js';
import type { StreamingTransport } from './transports/streaming-transport.interface.js';

/**
 * The module's start and stop, in order. Start: the adapter joins the cluster, then the
 * transports accept. Stop (before the HTTP server closes): every transport drains within
 * `shutdownTimeout` (new attempts get 503 meanwhile), then every transport stops, then the
 * instance leaves the cluster (registry entries, presence), so other instances stop counting it
 * at once.
 */
@Injectable()
export class StreamingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ForgeStreaming');
  private started = false;
  private joined = false;

  constructor(
    @Inject(STREAMING_TRANSPORTS) private readonly transports: StreamingTransport[],
    @Inject(ClusterHost) private readonly cluster: ClusterHost,
    @Inject(STREAMING_RESOLVED_CONFIG) private readonly config: ResolvedStreamingConfig,
    @Inject(HttpAdapterHost) private readonly httpAdapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.cluster.start();
    this.joined = true;
    const httpAdapter = this.httpAdapterHost?.httpAdapter;
    const httpServer = httpAdapter?.getHttpServer() as Server | undefined;
    const context = { httpServer, httpAdapterType: httpAdapter?.getType() };
    for (const transport of this.transports) await transport.start(context);
    if (httpServer) {
      const { headersTimeout, requestTimeout } = this.config;
      if (!applyRequestTimeouts(httpServer, { headersTimeout, requestTimeout })) {
        this.logger.warn(
          'The HTTP server was listening before the module started: headersTimeout and ' +
            'requestTimeout are checked every 30 s only',
        );
      }
    }
    this.started = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.started) {
      this.started = false;
      const deadline = Date.now() + this.config.shutdownTimeout;
      await this.settleAll('drain', (transport) => transport.drain(deadline));
      await this.settleAll('stop', (transport) => transport.stop());
    }
    if (!this.joined) return;
    this.joined = false;
    try {
      await this.cluster.stop();
    } catch (error) {
      this.logger.error(`Leaving the cluster failed: ${(error as Error).message}`);
    }
  }

  private async settleAll(
    step: string,
    run: (transport: StreamingTransport) => Promise<void>,
  ): Promise<void> {
    const results = await Promise.allSettled(this.transports.map(run));
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.error(`Transport ${step} failed: ${String(result.reason)}`);
      }
    }
  }
}
