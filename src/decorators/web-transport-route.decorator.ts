import type { WebTransportRouteOptions } from '../interfaces/route-options.interface.js';
import { createRouteDecorator } from './route-metadata.js';

/**
 * Marks a method as a WebTransport endpoint: `(session: WebTransportSession) => Promise<void> | void`,
 * served by the WebTransport server on `webTransport.port`.
 */
export function WebTransportRoute(
  path: string,
  options?: WebTransportRouteOptions,
): MethodDecorator {
  return createRouteDecorator('webtransport', path, options);
}
