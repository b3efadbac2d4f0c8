import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import type { GatewayParamMetadata } from '../decorators/gateway-metadata.js';
import type { EventEnvelope } from '../wire/envelope.js';
import type { GatewayConnectionHandle } from './gateway-connection.js';

/** One handler parameter, ready: where its value comes from, its pipes and their metadata. */
export interface CompiledParam {
  readonly index: number;
  readonly kind: GatewayParamMetadata['kind'];
  readonly key: string | undefined;
  readonly pipes: readonly PipeTransform[];
  readonly metadata: ArgumentMetadata;
}

/** A value, or a promise of it when a pipe is asynchronous. */
type MaybePromise<T> = T | Promise<T>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Runs `pipes` in order; stays synchronous until a pipe answers with a promise. */
function transform(
  value: unknown,
  pipes: readonly PipeTransform[],
  metadata: ArgumentMetadata,
  from = 0,
): MaybePromise<unknown> {
  let current = value;
  for (let i = from; i < pipes.length; i += 1) {
    const next: unknown = pipes[i].transform(current, metadata);
    if (isThenable(next)) {
      return Promise.resolve(next).then((resolved) => transform(resolved, pipes, metadata, i + 1));
    }
    current = next;
  }
  return current;
}

function rawValue(
  param: CompiledParam,
  conn: GatewayConnectionHandle,
  envelope: EventEnvelope,
): unknown {
  switch (param.kind) {
    case 'connection':
      return conn;
    case 'param':
      return param.key === undefined ? conn.request.params : conn.request.params[param.key];
    case 'body': {
      const data = envelope.data;
      if (param.key === undefined) return data;
      return typeof data === 'object' && data !== null
        ? (data as Record<string, unknown>)[param.key]
        : undefined;
    }
  }
}

/**
 * The arguments of one call: each parameter's value through its pipes. Synchronous when every
 * pipe is; a promise of the arguments as soon as one is not (a `ValidationPipe`, for example).
 * Without decorated parameters the handler gets `(data, conn)`.
 */
export function resolveArgs(
  params: readonly CompiledParam[],
  conn: GatewayConnectionHandle,
  envelope: EventEnvelope,
): MaybePromise<unknown[]> {
  if (params.length === 0) return [envelope.data, conn];
  const args: unknown[] = [];
  let pending = false;
  for (const param of params) {
    const raw = rawValue(param, conn, envelope);
    const value = param.pipes.length === 0 ? raw : transform(raw, param.pipes, param.metadata);
    if (isThenable(value)) pending = true;
    args[param.index] = value;
  }
  return pending ? Promise.all(args) : args;
}

export { isThenable };
