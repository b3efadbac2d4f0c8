import type { WebSocketRouteOptions } from '../interfaces/route-options.interface.js';

/** Metadata key written by `@StreamingGateway` on a class. */
export const STREAMING_GATEWAY_METADATA = 'forge-streaming:gateway';
/** Metadata key written by `@OnMessage` on a method. */
export const ON_MESSAGE_METADATA = 'forge-streaming:on-message';
/** Metadata key written by `@OnConnect` on a method. */
export const ON_CONNECT_METADATA = 'forge-streaming:on-connect';
/** Metadata key written by `@OnDisconnect` on a method. */
export const ON_DISCONNECT_METADATA = 'forge-streaming:on-disconnect';

/** Metadata key written by `@MessageBody`, `@Conn` and `@Param` on a method. */
export const GATEWAY_PARAMS_METADATA = 'forge-streaming:gateway-params';

/** The protocols a gateway can be served on. */
export type GatewayProtocol = 'websocket' | 'webtransport';

/** Options of `@StreamingGateway`: the WebSocket route options plus the message layer's own. */
export interface StreamingGatewayOptions extends WebSocketRouteOptions {
  /**
   * Where the gateway is served: `['websocket']` (default), or with `'webtransport'` also on the
   * WebTransport message stream of the same path (the same handlers).
   */
  protocols?: GatewayProtocol[];
  /**
   * Bad frames (not decodable, not an envelope, unknown event) a connection may send within
   * `badMessageWindowMs` before it is closed with 1008. Default 20.
   */
  maxBadMessages?: number;
  /** The window of `maxBadMessages`, in milliseconds. Default 10000. */
  badMessageWindowMs?: number;
  /**
   * Events of one connection whose handler is still running; more get a `RATE_LIMITED` error
   * (reply or `$error`) without running their handler. Default 64.
   */
  maxPendingReplies?: number;
  /**
   * The events the gateway sends, for its AsyncAPI document: event name → payload DTO class (its
   * `class-validator` decorators give the schema) or `undefined` for an unspecified payload.
   */
  emits?: Record<string, (abstract new (...args: never[]) => unknown) | undefined>;
}

/** What `@StreamingGateway` stores on a class. */
export interface GatewayMetadata {
  readonly path: string;
  readonly options: StreamingGatewayOptions;
}

/** What a handler parameter receives. */
export type GatewayParamKind = 'body' | 'connection' | 'param';

/** One decorated parameter of a gateway handler. */
export interface GatewayParamMetadata {
  readonly index: number;
  readonly kind: GatewayParamKind;
  /** Property of the body (`@MessageBody('text')`) or route parameter name (`@Param('room')`). */
  readonly key?: string;
  /** The parameter's own pipes (instances or classes). */
  readonly pipes: readonly unknown[];
}

/** One method of a gateway and the role it plays. */
export interface GatewayHandlerEntry {
  readonly methodName: string;
  readonly kind: 'message' | 'connect' | 'disconnect';
  /** Event name, only for `kind: 'message'`. */
  readonly event?: string;
}

/** Reads the gateway metadata of a class, or `undefined` when it is not a gateway. */
export function readGatewayMetadata(target: object): GatewayMetadata | undefined {
  return Reflect.getMetadata(STREAMING_GATEWAY_METADATA, target) as GatewayMetadata | undefined;
}

/** The decorated parameters of a handler method, by index. */
export function readGatewayParams(method: object): readonly GatewayParamMetadata[] {
  return (Reflect.getMetadata(GATEWAY_PARAMS_METADATA, method) as GatewayParamMetadata[]) ?? [];
}

/** Lists the decorated handler methods of a gateway prototype, in declaration order. */
export function readGatewayHandlers(prototype: object): GatewayHandlerEntry[] {
  const entries: GatewayHandlerEntry[] = [];
  for (const methodName of Object.getOwnPropertyNames(prototype)) {
    if (methodName === 'constructor') continue;
    const method = Object.getOwnPropertyDescriptor(prototype, methodName)?.value as unknown;
    if (typeof method !== 'function') continue;
    const event = Reflect.getMetadata(ON_MESSAGE_METADATA, method) as string | undefined;
    if (event !== undefined) entries.push({ methodName, kind: 'message', event });
    if (Reflect.getMetadata(ON_CONNECT_METADATA, method) === true) {
      entries.push({ methodName, kind: 'connect' });
    }
    if (Reflect.getMetadata(ON_DISCONNECT_METADATA, method) === true) {
      entries.push({ methodName, kind: 'disconnect' });
    }
  }
  return entries;
}
