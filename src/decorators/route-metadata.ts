import type { StreamingProtocol } from '../interfaces/connection.interface.js';
import type { AnyRouteOptions } from '../interfaces/route-options.interface.js';
import { STREAMING_ROUTE_METADATA } from '../streaming.constants.js';

/** What a streaming route decorator stores on a method (one key, `protocol` discriminates). */
export interface RouteMetadata {
  readonly protocol: StreamingProtocol;
  readonly path: string;
  readonly options: AnyRouteOptions;
}

/** Builds a method decorator that records {@link RouteMetadata}. Writes metadata only. */
export function createRouteDecorator(
  protocol: StreamingProtocol,
  path: string,
  options: AnyRouteOptions = {},
): MethodDecorator {
  const metadata: RouteMetadata = { protocol, path, options };
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(STREAMING_ROUTE_METADATA, metadata, descriptor.value as object);
    return descriptor;
  };
}
