import type { SseRouteOptions } from '../interfaces/route-options.interface.js';
import { createRouteDecorator } from './route-metadata.js';

/**
 * Marks a method as a Server-Sent Events endpoint:
 * `(ctx: SseContext) => Observable<SseEvent> | Promise<void> | void`.
 */
export function SseRoute(path: string, options?: SseRouteOptions): MethodDecorator {
  return createRouteDecorator('sse', path, options);
}
