import type { PipeTransform } from '@nestjs/common';
import {
  GATEWAY_PARAMS_METADATA,
  type GatewayParamKind,
  type GatewayParamMetadata,
} from './gateway-metadata.js';

type PipeClass = new (...args: never[]) => PipeTransform;
type PipeRef = PipeTransform | PipeClass;

function gatewayParam(kind: GatewayParamKind, key: string | undefined, pipes: PipeRef[]) {
  return (target: object, methodName: string | symbol | undefined, index: number): void => {
    if (methodName === undefined) return;
    const method = (target as Record<string | symbol, unknown>)[methodName] as object;
    const params = (Reflect.getMetadata(GATEWAY_PARAMS_METADATA, method) ??
      []) as GatewayParamMetadata[];
    Reflect.defineMetadata(
      GATEWAY_PARAMS_METADATA,
      [...params, { index, kind, key, pipes }],
      method,
    );
  };
}

/**
 * The `data` of the incoming event (or one property of it, `@MessageBody('text')`), through the
 * given pipes, the method's and class's `@UsePipes` and the global pipes. Validation pipes see it
 * as a `body` argument, so `ValidationPipe` validates it against the parameter's DTO class.
 */
export function MessageBody(keyOrPipe?: string | PipeRef, ...pipes: PipeRef[]): ParameterDecorator {
  if (typeof keyOrPipe === 'string' || keyOrPipe === undefined) {
    return gatewayParam('body', keyOrPipe, pipes);
  }
  return gatewayParam('body', undefined, [keyOrPipe, ...pipes]);
}

/** The connection the event came on (a `GatewayConnection`, with `emit` and `emitWithAck`). */
export function Conn(): ParameterDecorator {
  return gatewayParam('connection', undefined, []);
}

/** A route parameter of the gateway path (`@Param('room')` for `/ws/rooms/:room`), through pipes. */
export function Param(name: string, ...pipes: PipeRef[]): ParameterDecorator {
  return gatewayParam('param', name, pipes);
}
