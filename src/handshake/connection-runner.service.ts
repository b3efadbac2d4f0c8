import { Inject, Injectable } from '@nestjs/common';
import { isObservable, type Observable } from 'rxjs';
import type { BaseConnection } from '../connection/base.connection.js';
import { ConnectionRegistry } from '../registry/connection-registry.service.js';
import { CloseCode } from '../errors/close-codes.js';
import { ConnectionClosedError } from '../errors/connection-closed.error.js';
import type { StreamingConnection } from '../interfaces/connection.interface.js';
import type { ResolvedStreamingConfig } from '../interfaces/streaming-config.interface.js';
import type { StreamingMiddleware } from '../interfaces/streaming-middleware.interface.js';
import { STREAMING_RESOLVED_CONFIG } from '../streaming.constants.js';
import type { RouteDefinition } from './route-definition.js';
import { InvalidStateError } from '../errors/invalid-state.error.js';

/** A route handler: what the decorated method or the programmatic callback is. */
export type StreamingHandler = (conn: StreamingConnection) => unknown;

/** Composes middleware around a final step, outermost first. */
export function composeMiddleware(
  middleware: readonly StreamingMiddleware[],
  conn: StreamingConnection,
  last: () => Promise<void>,
): Promise<void> {
  const dispatch = (index: number): Promise<void> => {
    if (index === middleware.length) return last();
    let called = false;
    return middleware[index](conn, () => {
      if (called)
        return Promise.reject(
          new InvalidStateError('next() called twice by a streaming middleware'),
        );
      called = true;
      return dispatch(index + 1);
    });
  };
  return dispatch(0);
}

/** Resolves when the Observable completes; unsubscribes when the connection closes. */
function drainObservable(source: Observable<unknown>, conn: BaseConnection): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      subscription.unsubscribe();
      resolve();
    };
    const subscription = source.subscribe({
      next: (value) => {
        conn.emitValue(value).catch((error: unknown) => {
          if (!(error instanceof ConnectionClosedError)) {
            subscription.unsubscribe();
            conn.signal.removeEventListener('abort', onAbort);
            reject(error);
          }
        });
      },
      error: (error: unknown) => {
        conn.signal.removeEventListener('abort', onAbort);
        reject(error);
      },
      complete: () => {
        conn.signal.removeEventListener('abort', onAbort);
        resolve();
      },
    });
    if (conn.signal.aborted) onAbort();
    else if (!subscription.closed) conn.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs an accepted connection: registers it, runs middleware and the handler, closes it when the
 * handler settles (unless kept open) and resolves when the connection has ended.
 * Errors are rethrown so interceptors and exception filters see them; the transport closes the
 * connection with the mapped close code afterwards.
 */
@Injectable()
export class ConnectionRunner {
  constructor(
    @Inject(ConnectionRegistry) private readonly registry: ConnectionRegistry,
    @Inject(STREAMING_RESOLVED_CONFIG) private readonly config: ResolvedStreamingConfig,
  ) {}

  /**
   * Written as a promise chain rather than an async function: nothing stays suspended for the
   * connection's lifetime but the final wait on `closed`, and only when `untilClosed` asks for it
   * (interceptors watch the whole connection); otherwise the returned promise settles with the
   * handler.
   */
  run(
    conn: BaseConnection,
    route: RouteDefinition,
    handler: StreamingHandler,
    untilClosed = true,
  ): Promise<void> {
    this.registry.add(conn);
    const middleware = route.options.middleware
      ? [...this.config.middleware, ...route.options.middleware]
      : this.config.middleware;
    let chain: Promise<void>;
    try {
      chain = composeMiddleware(middleware, conn, () => invokeHandler(conn, handler));
    } catch (error) {
      chain = Promise.reject(error);
    }
    return chain.then(
      () => afterHandler(conn, untilClosed),
      (error: unknown) => afterFailure(conn, error, untilClosed),
    );
  }
}

function settledWhenClosed(conn: BaseConnection, untilClosed: boolean): Promise<void> | undefined {
  return untilClosed ? conn.closed.then(() => undefined) : undefined;
}

/** Runs the handler; resolves when its promise settles or its Observable completes. */
function invokeHandler(conn: BaseConnection, handler: StreamingHandler): Promise<void> {
  if (conn.isClosed) return Promise.resolve();
  let result: unknown;
  try {
    result = handler(conn);
  } catch (error) {
    return Promise.reject(error);
  }
  if (isObservable(result)) return drainObservable(result, conn);
  return Promise.resolve(result).then(() => undefined);
}

/** The handler settled: close unless kept open, then wait for the end. */
function afterHandler(conn: BaseConnection, untilClosed: boolean): Promise<void> | undefined {
  if (!conn.isKeptOpen && !conn.isClosed) conn.close(CloseCode.Normal, '');
  return settledWhenClosed(conn, untilClosed);
}

/** A closed connection ending a read is the normal end; anything else goes to the filters. */
function afterFailure(
  conn: BaseConnection,
  error: unknown,
  untilClosed: boolean,
): Promise<void> | undefined {
  if (error instanceof ConnectionClosedError && conn.isClosed) {
    return settledWhenClosed(conn, untilClosed);
  }
  return Promise.reject(error);
}
