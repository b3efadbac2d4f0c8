import { matchesFilter } from '../../registry/connection-filters.js';
import type { ConnectionFilter } from '../../interfaces/connection-filter.interface.js';
import type { StreamingConnection } from '../../interfaces/connection.interface.js';
import type { SseAudience, SseHistoryEntry } from '../../interfaces/streaming-adapter.interface.js';

/**
 * Whether a broadcast with these filters (AND) could reach connections of the SSE route `path`:
 * a `protocol` filter for another protocol or an `onRoute` filter for another route excludes it.
 */
export function routeCouldMatch(filters: readonly ConnectionFilter[], path: string): boolean {
  return filters.every((filter) => filterCouldMatch(filter, path));
}

function filterCouldMatch(filter: ConnectionFilter, path: string): boolean {
  switch (filter.kind) {
    case 'protocol':
      return filter.protocol === 'sse';
    case 'route':
      return filter.route === path;
    case 'all':
      return filter.filters.every((inner) => filterCouldMatch(inner, path));
    case 'any':
      return filter.filters.some((inner) => filterCouldMatch(inner, path));
    default:
      return true;
  }
}

/** Filter evaluation that treats a predicate lost in serialization as "no match". */
function safeMatches(conn: StreamingConnection, filter: ConnectionFilter): boolean {
  try {
    if (filter.kind === 'local' && typeof filter.predicate !== 'function') return false;
    return matchesFilter(conn, filter);
  } catch {
    return false;
  }
}

/** The identity a stream's private events are recorded under. */
export interface SseStreamIdentity {
  /** The stream key (the connection id, or the key of the stream it resumed). */
  readonly streamKey: string;
  /** The user the stream belongs to (undefined for anonymous streams). */
  readonly userId: string | undefined;
}

/** The audience of a stream's private events. */
export function streamAudience(identity: SseStreamIdentity): SseAudience {
  return { kind: 'stream', streamKey: identity.streamKey, userId: identity.userId };
}

/**
 * Whether a history entry may be replayed to `conn`: route-wide events when their filters match
 * the new connection (after its guards ran), private events when they belong to the same stream
 * and the same user. Never another user's events.
 */
export function isReplayableTo(
  entry: SseHistoryEntry,
  conn: StreamingConnection,
  identity: SseStreamIdentity,
): boolean {
  const audience = entry.audience;
  if (audience.kind === 'stream') {
    return audience.streamKey === identity.streamKey && audience.userId === identity.userId;
  }
  for (const filter of audience.filters) if (!safeMatches(conn, filter)) return false;
  return true;
}

/**
 * The stream a resuming connection continues: the stream of the event it resumed from when that
 * event was private to a stream of the same user; otherwise its own.
 */
export function resumedIdentity(
  anchor: SseHistoryEntry | undefined,
  own: SseStreamIdentity,
): SseStreamIdentity {
  if (anchor?.audience.kind !== 'stream') return own;
  if (anchor.audience.userId !== own.userId) return own;
  return { streamKey: anchor.audience.streamKey, userId: own.userId };
}
