import type { ConnectionFilter } from '../../interfaces/connection-filter.interface.js';

/**
 * The room a broadcast is scoped to: the first `inRoom` filter at the top of its filter list
 * (filters combine with AND, so only members of that room can match), looking inside top-level
 * `allOf` groups too. Undefined for an unscoped broadcast (no such filter, or rooms only inside
 * `anyOf` / `not`), which must reach every instance.
 */
export function broadcastRoom(filters: readonly ConnectionFilter[]): string | undefined {
  for (const filter of filters) {
    if (filter.kind === 'room') return filter.room;
    if (filter.kind === 'all') {
      const inner = broadcastRoom(filter.filters);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
