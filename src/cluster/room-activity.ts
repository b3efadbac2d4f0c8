import type { StreamingAdapter } from '../interfaces/streaming-adapter.interface.js';
import type { ConnectionRegistry } from '../registry/connection-registry.service.js';

/**
 * Tells the adapter when this instance gets its first local member of a room and when it loses
 * its last one, counted from the registry's room index (a room's member set), so an adapter with
 * per-room channels listens only to the rooms this instance serves.
 */
export function trackRoomActivity(registry: ConnectionRegistry, adapter: StreamingAdapter): void {
  const active = adapter.roomActive?.bind(adapter);
  const inactive = adapter.roomInactive?.bind(adapter);
  if (!active && !inactive) return;
  registry.listen({
    // rooms joined before the connection was registered are indexed at once, without a change
    opened: (conn) => {
      for (const room of conn.rooms) if (registry.roomMembers(room).size === 1) active?.(room);
    },
    roomChanged: (_conn, room, type) => {
      const members = registry.roomMembers(room).size;
      if (type === 'join' && members === 1) active?.(room);
      else if (type === 'leave' && members === 0) inactive?.(room);
    },
  });
}
