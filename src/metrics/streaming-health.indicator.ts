import { Inject, Injectable } from '@nestjs/common';
import type { StreamingProtocol } from '../interfaces/connection.interface.js';
import type { ResolvedStreamingConfig } from '../interfaces/streaming-config.interface.js';
import { StreamingManager } from '../manager/streaming-manager.service.js';
import { STREAMING_RESOLVED_CONFIG, STREAMING_TRANSPORTS } from '../streaming.constants.js';
import type { StreamingTransport } from '../transports/streaming-transport.interface.js';

/** A status `@nestjs/terminus` understands (`degraded` counts as healthy, `down` as 503). */
export type StreamingHealthStatus = 'up' | 'degraded' | 'down';

/** One indicator's answer, keyed by the name given: the shape `HealthCheckService.check` reads. */
export type StreamingHealthResult = Record<
  string,
  { status: StreamingHealthStatus } & Record<string, unknown>
>;

/** Share of `maxConnections` from which a protocol is reported `degraded`. */
const NEAR_LIMIT = 0.9;

const MAX_CONNECTIONS: Record<StreamingProtocol, (config: ResolvedStreamingConfig) => number> = {
  websocket: (config) => config.websocket.maxConnections,
  sse: (config) => config.sse.maxConnections,
  webtransport: (config) => config.webTransport.maxConnections,
};

/**
 * Health indicators of the streaming layer for `@nestjs/terminus`
 * (`health.check([() => streaming.isListening('streaming'), ...])`); they return terminus'
 * result shape and need nothing from it at run time.
 */
@Injectable()
export class StreamingHealthIndicator {
  constructor(
    @Inject(StreamingManager) private readonly manager: StreamingManager,
    @Inject(STREAMING_TRANSPORTS) private readonly transports: readonly StreamingTransport[],
    @Inject(STREAMING_RESOLVED_CONFIG) private readonly config: ResolvedStreamingConfig,
  ) {}

  /** `up` when every enabled protocol accepts connections; `down` before start and while draining. */
  isListening(key = 'streaming'): Promise<StreamingHealthResult> {
    const protocols: Record<string, 'accepting' | 'not accepting'> = {};
    let down = false;
    for (const transport of this.transports) {
      if (!this.isEnabled(transport.protocol)) continue;
      protocols[transport.protocol] = transport.isAccepting ? 'accepting' : 'not accepting';
      if (!transport.isAccepting) down = true;
    }
    return Promise.resolve({ [key]: { status: down ? 'down' : 'up', protocols } });
  }

  /**
   * Open connections against each protocol's `maxConnections`: `degraded` from 90 % (and at the
   * limit, where new attempts get 503), `up` below.
   */
  connectionsWithinLimits(key = 'streaming-connections'): Promise<StreamingHealthResult> {
    const byProtocol = this.manager.getStats().byProtocol;
    const protocols: Record<string, { open: number; max: number }> = {};
    let near = false;
    for (const transport of this.transports) {
      const protocol = transport.protocol;
      if (!this.isEnabled(protocol)) continue;
      const max = MAX_CONNECTIONS[protocol](this.config);
      protocols[protocol] = { open: byProtocol[protocol], max };
      if (byProtocol[protocol] >= max * NEAR_LIMIT) near = true;
    }
    return Promise.resolve({ [key]: { status: near ? 'degraded' : 'up', protocols } });
  }

  /** The adapter backend: `up`, `degraded` (e.g. Redis reconnecting, local delivery going on) or `down`. */
  adapter(key = 'streaming-adapter'): Promise<StreamingHealthResult> {
    const health = this.manager.health();
    return Promise.resolve({
      [key]: { status: health.status, ...(health.detail ? { detail: health.detail } : {}) },
    });
  }

  private isEnabled(protocol: StreamingProtocol): boolean {
    if (protocol === 'websocket') return this.config.websocket.enabled;
    if (protocol === 'sse') return this.config.sse.enabled;
    return this.config.webTransport.enabled;
  }
}
