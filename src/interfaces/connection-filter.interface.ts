import type { StreamingConnection, StreamingProtocol } from './connection.interface.js';

/** A primitive context value usable in `whereMeta` filters. */
export type MetaValue = string | number | boolean;

/**
 * A declarative, serializable connection filter: it travels with a broadcast to every instance
 * and is evaluated there with set operations on the local indexes.
 * `local` is the exception: a predicate that only runs on the instance that built it.
 */
export type ConnectionFilter =
  | { readonly kind: 'room'; readonly room: string }
  | { readonly kind: 'except'; readonly connectionIds: readonly string[] }
  | { readonly kind: 'connection'; readonly connectionIds: readonly string[] }
  | { readonly kind: 'protocol'; readonly protocol: StreamingProtocol }
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'meta'; readonly key: string; readonly value: MetaValue }
  | { readonly kind: 'route'; readonly route: string }
  | { readonly kind: 'all'; readonly filters: readonly ConnectionFilter[] }
  | { readonly kind: 'any'; readonly filters: readonly ConnectionFilter[] }
  | { readonly kind: 'not'; readonly filter: ConnectionFilter }
  | { readonly kind: 'local'; readonly predicate: (conn: StreamingConnection) => boolean };
