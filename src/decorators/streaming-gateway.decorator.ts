import type { WebSocketRouteOptions } from '../interfaces/route-options.interface.js';
import { STREAMING_GATEWAY_METADATA, type GatewayMetadata } from '../gateway/gateway-metadata.js';

/** Marks a class as an event gateway served at `path`. Writes metadata only. */
export function StreamingGateway(
  path: string,
  options: WebSocketRouteOptions = {},
): ClassDecorator {
  const metadata: GatewayMetadata = { path, options };
  return (target) => {
    Reflect.defineMetadata(STREAMING_GATEWAY_METADATA, metadata, target);
  };
}
