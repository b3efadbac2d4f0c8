import type { BroadcastPreparer } from '../../broadcast/broadcast-hooks.service.js';
import type { SseHistoryStore } from '../../interfaces/streaming-adapter.interface.js';
import type { RouteDefinition } from '../../handshake/route-definition.js';
import { routeCouldMatch } from './sse-audience.js';
import { broadcastBody } from './sse-broadcast-body.js';
import type { SseRouteOrder } from './sse-route-order.js';

/** What the SSE broadcast preparer works with. */
export interface SseBroadcastPreparerDeps {
  /** The SSE routes now (routes added at run time included). */
  routes(): readonly RouteDefinition[];
  /** The history store (the adapter's). */
  history(): SseHistoryStore;
  /** The event order of a route. */
  orderOf(route: string): SseRouteOrder;
  /** The history bound of a route. */
  historySizeOf(route: RouteDefinition): number;
}

/**
 * Records each broadcast once per SSE route its filters could reach (audience: the filters, so a
 * replay only goes to connections they match) and returns the ids per route pattern. The event
 * body is encoded once for all routes; an invalid event name rejects the broadcast. Each route's
 * order holds the broadcast until the manager reports that its local delivery has run.
 */
export function createSseBroadcastPreparer(deps: SseBroadcastPreparerDeps): BroadcastPreparer {
  return async (message, filters) => {
    const routes = deps.routes().filter((route) => routeCouldMatch(filters, route.path));
    if (routes.length === 0) return undefined;
    const body = broadcastBody(message);
    const audience = { kind: 'filters', filters } as const;
    const history = deps.history();
    const held: { order: SseRouteOrder; ticket: number }[] = [];
    const release = () => {
      for (const { order, ticket } of held) order.release(ticket);
    };
    try {
      const pairs = await Promise.all(
        routes.map((route) => {
          const order = deps.orderOf(route.path);
          const ticket = order.hold();
          held.push({ order, ticket });
          return history
            .append(route.path, body, audience, deps.historySizeOf(route))
            .then((id) => {
              order.bind(ticket, id);
              return [route.path, id] as const;
            });
        }),
      );
      return { sseIds: Object.fromEntries(pairs), delivered: release };
    } catch (error) {
      release();
      throw error;
    }
  };
}
