/**
 * Typed event maps, shared by gateways and `./client` so that `tsc` checks both ends: a map
 * from event name to payload type, where an event that is a request with a reply is declared
 * with {@link WithReply}.
 *
 * ```ts
 * interface ChatClientEvents {
 *   'chat.send': WithReply<{ text: string }, { offset: string }>;
 *   'chat.typing': Record<string, never>;
 * }
 * interface ChatServerEvents {
 *   'chat.message': { room: string; userId: string; text: string };
 * }
 * ```
 * Types only: nothing here exists at run time.
 */

declare const REQUEST: unique symbol;

/** An event whose payload is `D` and whose reply is `R`. */
export interface WithReply<D, R> {
  readonly [REQUEST]: { readonly data: D; readonly reply: R };
}

/** Event name → payload (or {@link WithReply}). */
export type EventMap = { [event: string]: unknown };

/** The payload type of event `E` in map `M`. */
export type EventData<M, E extends keyof M> = M[E] extends WithReply<infer D, unknown> ? D : M[E];

/** The reply type of event `E` in map `M` (`unknown` for events declared without one). */
export type EventReply<M, E extends keyof M> =
  M[E] extends WithReply<unknown, infer R> ? R : unknown;

/** The events of `M` that are requests with a reply. */
export type RequestEvents<M> = {
  [E in keyof M]: M[E] extends WithReply<unknown, unknown> ? E : never;
}[keyof M];
