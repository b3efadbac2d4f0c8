import type { BaseConnection } from '../connection/base.connection.js';
import type { ConnectionDescriptor } from '../interfaces/streaming-adapter.interface.js';

/** What the cluster registry knows of a local connection. */
export function describeConnection(conn: BaseConnection, instanceId: string): ConnectionDescriptor {
  return {
    id: conn.id,
    instanceId,
    protocol: conn.protocol,
    route: conn.route,
    userId: conn.userId,
    rooms: [...conn.rooms],
    meta: conn.primitiveValues(),
    remoteAddr: conn.remoteAddr,
    openedAt: conn.openedAt,
  };
}
