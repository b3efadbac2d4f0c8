import type { WebSocketRouteOptions } from '../interfaces/route-options.interface.js';
import { createRouteDecorator } from './route-metadata.js';

/**
 * Marks a method as a WebSocket endpoint: `(conn: WebSocketConnection) => Promise<void> | void`.
 * The path joins the controller prefix and may hold `:params`.
 */
export function WebSocketRoute(path: string, options?: WebSocketRouteOptions): MethodDecorator {
  return createRouteDecorator('websocket', path, options);
}
