import { Inject, Injectable } from '@nestjs/common';
import type { BaseConnection } from '../connection/base.connection.js';
import { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import type { HandshakeRequest, StreamingProtocol } from '../interfaces/connection.interface.js';
import type { AnyRouteOptions } from '../interfaces/route-options.interface.js';
import type { OriginCheck } from '../interfaces/streaming-config.interface.js';
import type { RouteMatch } from './route-definition.js';
import { AdmissionControl } from './admission-control.service.js';
import {
  closeFromError,
  isExpectedError,
  refusal,
  refusalFromError,
  type HandshakeRefusal,
} from './refusal.js';
import { isOriginAllowed } from './origin-check.js';
import { StreamingHandshake } from './streaming-handshake.js';

/** How a transport answers a connection attempt it will not accept. */
export interface HandshakeResponder {
  /** Writes the refusal (status and JSON body) if the client can still receive it. */
  refuse(answer: HandshakeRefusal): void;
}

/** One connection attempt, as a transport hands it to the gate. */
export interface HandshakeAttempt<C extends BaseConnection> {
  readonly protocol: StreamingProtocol;
  readonly match: RouteMatch;
  readonly request: HandshakeRequest;
  /** The `Origin` and `Host` headers. */
  readonly origin: string | undefined;
  readonly host: string | undefined;
  /** The protocol's settings; route options override them. */
  readonly settings: { readonly checkOrigin: OriginCheck; readonly maxConnections: number };
  /** Longest the guards and the accept step may take (408 after); none when undefined. */
  readonly timeoutMs?: number;
  readonly responder: HandshakeResponder;
  /** Completes the protocol handshake once the guards passed, with the context values. */
  accept(values: Map<string, unknown>): Promise<C>;
  /** Ends an accepted connection after a failure; default `close(code, reason)`. */
  fail?(conn: C, code: number, reason: string): void;
}

const PROTOCOL_NAMES: Record<StreamingProtocol, string> = {
  websocket: 'WebSocket',
  sse: 'SSE',
  webtransport: 'WebTransport',
};

/**
 * The handshake steps every transport shares: origin policy (403), admission against
 * `maxConnections` (503), the handshake timeout (408), the route's pipeline (guards →
 * interceptors → accept → handler), and the settlement — an HTTP refusal when nothing was
 * accepted, the mapped close code when an accepted connection failed.
 */
@Injectable()
export class HandshakeGate {
  constructor(
    @Inject(AdmissionControl) private readonly admission: AdmissionControl,
    @Inject(StreamingStatsCollector) private readonly stats: StreamingStatsCollector,
  ) {}

  /** Counts and writes a refusal. */
  refuse(responder: HandshakeResponder, answer: HandshakeRefusal): void {
    this.stats.rejected(answer.reason);
    responder.refuse(answer);
  }

  /** Runs an attempt to its end (never throws). */
  run<C extends BaseConnection>(attempt: HandshakeAttempt<C>): void {
    const { protocol, match, request, responder, settings } = attempt;
    const { route, params } = match;
    const options: AnyRouteOptions = route.options;
    const name = PROTOCOL_NAMES[protocol];
    const originPolicy = options.checkOrigin ?? settings.checkOrigin;
    if (!isOriginAllowed(originPolicy, attempt.origin, attempt.host, request.path)) {
      this.refuse(responder, refusal(403, 'Origin not allowed', 'origin'));
      return;
    }
    const release = this.admission.tryAdmit(
      protocol,
      route.path,
      settings.maxConnections,
      options.maxConnections,
    );
    if (!release) {
      this.refuse(responder, refusal(503, `Too many ${name} connections`, 'limit'));
      return;
    }
    const state = { answered: false, timer: undefined as NodeJS.Timeout | undefined };
    if (attempt.timeoutMs !== undefined) {
      state.timer = setTimeout(() => {
        state.answered = true;
        release();
        this.refuse(responder, refusal(408, `${name} handshake timed out`, 'timeout'));
      }, attempt.timeoutMs);
      state.timer.unref();
    }
    const accept = attempt.accept;
    const handshake = new StreamingHandshake(protocol, route, params, (current) => {
      clearTimeout(state.timer);
      state.timer = undefined;
      release();
      if (state.answered) return Promise.reject(new Error(`The ${name} handshake timed out`));
      state.answered = true;
      return accept(current.values);
    });
    const settle = this.settler(handshake, responder, release, state, attempt.fail);
    watch(route.invoke(request, handshake), settle);
  }

  /**
   * What runs when the pipeline has finished. Built apart from `run` so that it keeps only what
   * it needs (not the raw request) for the connection's whole lifetime.
   */
  private settler<C extends BaseConnection>(
    handshake: StreamingHandshake,
    responder: HandshakeResponder,
    release: () => void,
    state: { answered: boolean; timer: NodeJS.Timeout | undefined },
    fail: ((conn: C, code: number, reason: string) => void) | undefined,
  ): (error: unknown) => void {
    return (error) => {
      clearTimeout(state.timer);
      release();
      const conn = handshake.connection as C | undefined;
      if (!conn) {
        if (!state.answered) {
          state.answered = true;
          this.refuse(
            responder,
            error === undefined ? refusal(403, 'Forbidden') : refusalFromError(error),
          );
        }
        return;
      }
      const failure = error ?? handshake.failure;
      if (failure === undefined) return;
      if (!isExpectedError(failure)) this.stats.errors += 1;
      if (conn.isClosed) return;
      const { code, reason } = closeFromError(failure);
      if (fail) fail(conn, code, reason);
      else conn.close(code, reason);
    };
  }
}

/**
 * Calls `settle` when the pipeline finishes. A function of its own so that the callbacks, which
 * live as long as the connection, share no closure scope with the raw request.
 */
function watch(pipeline: Promise<unknown>, settle: (error: unknown) => void): void {
  pipeline.then(
    () => settle(undefined),
    (error: unknown) => settle(error),
  );
}

/**
 * Closes connections as "going away" and waits until they are gone or `deadline` (epoch ms)
 * passes; then `terminate` ends the rest.
 */
export async function drainConnections<C extends BaseConnection>(
  connections: Iterable<C>,
  deadline: number,
  terminate: (conn: C) => void,
): Promise<void> {
  const open = [...connections];
  for (const conn of open) conn.close(1001, 'Server shutting down');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(open.map((conn) => conn.closed)),
    new Promise<void>(
      (resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))),
    ),
  ]);
  clearTimeout(timer);
  for (const conn of open) if (!conn.signal.aborted) terminate(conn);
}

/** Adds a connection to a transport's set of open connections until it closes. */
export function trackConnection<C extends BaseConnection>(connections: Set<C>, conn: C): C {
  conn.trackIn(connections as Set<BaseConnection>);
  return conn;
}
