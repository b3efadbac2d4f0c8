import type { WebSocketRouteOptions } from '../interfaces/route-options.interface.js';

/** Metadata key written by `@StreamingGateway` on a class. */
export const STREAMING_GATEWAY_METADATA = 'forge-streaming:gateway';
/** Metadata key written by `@OnMessage` on a method. */
export const ON_MESSAGE_METADATA = 'forge-streaming:on-message';
/** Metadata key written by `@OnConnect` on a method. */
export const ON_CONNECT_METADATA = 'forge-streaming:on-connect';
/** Metadata key written by `@OnDisconnect` on a method. */
export const ON_DISCONNECT_METADATA = 'forge-streaming:on-disconnect';

/** What `@StreamingGateway` stores on a class. */
export interface GatewayMetadata {
  readonly path: string;
  readonly options: WebSocketRouteOptions;
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
