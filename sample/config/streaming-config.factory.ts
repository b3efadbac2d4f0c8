import type { OriginCheck, StreamingAdapter, StreamingConfig } from 'nestjs-forge-streaming';
import { Registry } from 'prom-client';
import type { SampleConfig } from './sample-config.js';

function hostname(value: string): string | undefined {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * The origin policy of the WebTransport server when `ALLOWED_ORIGINS` is unset: the page is
 * served from the app's port and the sessions go to `WT_PORT`, so "the app's own origin" means
 * the same host name (any port). Clients without `Origin` (non-browser) are allowed.
 */
export const sameHostOrigin: OriginCheck = ({ origin, host }) =>
  origin === '' || hostname(origin) === hostname(host);

/** Maps the sample's settings onto the module configuration. */
export function streamingConfigFor(
  config: SampleConfig,
  adapter?: StreamingAdapter,
): StreamingConfig {
  const listed = config.allowedOrigins.length > 0 ? config.allowedOrigins : undefined;
  return {
    adapter,
    jwt: { secret: config.jwtSecret },
    ...(config.allowedHosts ? { allowedHosts: config.allowedHosts } : {}),
    // chat rooms keep their last 500 events for 10 minutes: reconnecting pages recover them
    rooms: { history: { '*': { size: 500, ttlMs: 10 * 60_000 } } },
    // GET /metrics; a registry per app, so several instances may share one process
    metrics: { enabled: true, registry: new Registry() },
    websocket: {
      checkOrigin: listed ?? true,
      maxMessageSize: config.maxMessageSize,
      ...(config.wsMaxConnections === undefined ? {} : { maxConnections: config.wsMaxConnections }),
    },
    sse: {
      ...(listed ? { checkOrigin: listed } : {}),
      ...(config.sseMaxConnections === undefined
        ? {}
        : { maxConnections: config.sseMaxConnections }),
    },
    webTransport: {
      enabled: config.webTransportEnabled,
      port: config.webTransportPort,
      ...(config.host ? { host: config.host } : {}),
      checkOrigin: listed ?? sameHostOrigin,
    },
  };
}
