import {
  STREAMING_GATEWAY_METADATA,
  type GatewayMetadata,
  type StreamingGatewayOptions,
} from './gateway-metadata.js';

/**
 * Marks a class as an event gateway served at `path` (joined like a controller path, `:params`
 * allowed): incoming envelopes are routed to its `@OnMessage` methods. Class-level guards run at
 * the handshake; method-level guards, pipes, interceptors and filters run per message. The class
 * must be a provider (or a controller) of a module. Writes metadata only.
 */
export function StreamingGateway(
  path: string,
  options: StreamingGatewayOptions = {},
): ClassDecorator {
  const metadata: GatewayMetadata = { path, options };
  return (target) => {
    Reflect.defineMetadata(STREAMING_GATEWAY_METADATA, metadata, target);
  };
}
