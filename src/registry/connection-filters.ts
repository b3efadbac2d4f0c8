import type { ConnectionFilter, MetaValue } from '../interfaces/connection-filter.interface.js';
import type { StreamingConnection, StreamingProtocol } from '../interfaces/connection.interface.js';

/** Connections in `room`. */
export function inRoom(room: string): ConnectionFilter {
  return { kind: 'room', room };
}

/** Every connection but these (typically the sender). */
export function exceptConnection(...connectionIds: string[]): ConnectionFilter {
  return { kind: 'except', connectionIds };
}

/** Only these connections. */
export function onlyConnection(...connectionIds: string[]): ConnectionFilter {
  return { kind: 'connection', connectionIds };
}

/** Connections speaking `protocol`. */
export function protocol(value: StreamingProtocol): ConnectionFilter {
  return { kind: 'protocol', protocol: value };
}

/** Connections of the user `userId`. */
export function forUser(userId: string): ConnectionFilter {
  return { kind: 'user', userId: String(userId) };
}

/** Connections whose context value `key` equals `value` (set with `conn.set`). */
export function whereMeta(key: string, value: MetaValue): ConnectionFilter {
  return { kind: 'meta', key, value };
}

/** Connections accepted by the route pattern `route` (`/ws/chat/:room`). */
export function onRoute(route: string): ConnectionFilter {
  return { kind: 'route', route };
}

/** Connections matching every filter. */
export function allOf(...filters: ConnectionFilter[]): ConnectionFilter {
  return { kind: 'all', filters };
}

/** Connections matching at least one filter. */
export function anyOf(...filters: ConnectionFilter[]): ConnectionFilter {
  return { kind: 'any', filters };
}

/** Connections not matching `filter`. */
export function not(filter: ConnectionFilter): ConnectionFilter {
  return { kind: 'not', filter };
}

/**
 * A predicate filter. It is NOT serializable: with a cluster adapter it only runs on the instance
 * that broadcasts, so the broadcast reaches local connections only.
 */
export function localPredicate(
  predicate: (conn: StreamingConnection) => boolean,
): ConnectionFilter {
  return { kind: 'local', predicate };
}

/** True when `filter` (or any filter inside it) is a local predicate. */
export function isLocalOnly(filter: ConnectionFilter): boolean {
  switch (filter.kind) {
    case 'local':
      return true;
    case 'all':
    case 'any':
      return filter.filters.some(isLocalOnly);
    case 'not':
      return isLocalOnly(filter.filter);
    default:
      return false;
  }
}

/** Whether one connection satisfies `filter` (constant time per leaf). */
export function matchesFilter(conn: StreamingConnection, filter: ConnectionFilter): boolean {
  switch (filter.kind) {
    case 'room':
      return conn.rooms.has(filter.room);
    case 'except':
      return !filter.connectionIds.includes(conn.id);
    case 'connection':
      return filter.connectionIds.includes(conn.id);
    case 'protocol':
      return conn.protocol === filter.protocol;
    case 'user':
      return conn.userId === filter.userId;
    case 'meta':
      return conn.get(filter.key) === filter.value;
    case 'route':
      return conn.route === filter.route;
    case 'all':
      return filter.filters.every((inner) => matchesFilter(conn, inner));
    case 'any':
      return filter.filters.some((inner) => matchesFilter(conn, inner));
    case 'not':
      return !matchesFilter(conn, filter.filter);
    case 'local':
      return filter.predicate(conn);
  }
}

/** Whether a connection satisfies every filter of a list (an empty list matches all). */
export function matchesAll(
  conn: StreamingConnection,
  filters: readonly ConnectionFilter[],
): boolean {
  for (const filter of filters) {
    if (!matchesFilter(conn, filter)) return false;
  }
  return true;
}
