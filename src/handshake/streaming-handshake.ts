import type { BaseConnection } from '../connection/base.connection.js';
import { HandshakeTimeoutError } from '../errors/handshake-timeout.error.js';
import { InvalidStateError } from '../errors/invalid-state.error.js';
import type { StreamingProtocol } from '../interfaces/connection.interface.js';
import type { AnyRouteOptions } from '../interfaces/route-options.interface.js';
import type { StreamingStatsCollector } from '../stats/streaming-stats-collector.service.js';
import type { AdmissionControl } from './admission-control.service.js';
import type { HandshakeAttempt } from './handshake-attempt.interface.js';
import { isHostAllowed } from './host-check.js';
import { isOriginAllowed } from './origin-check.js';
import { HandshakeResponse } from './handshake-response.js';
import {
  closeFromError,
  isExpectedError,
  refusal,
  refusalFromError,
  refusalFromWritten,
  withHeaders,
  type HandshakeRefusal,
} from './refusal.js';
import type { PipelineHandshake, RouteDefinition } from './route-definition.js';

/** What a handshake needs besides its attempt (shared by every attempt). */
export interface HandshakeServices {
  readonly admission: AdmissionControl;
  readonly stats: StreamingStatsCollector;
  /** The module's `allowedHosts` (routes may override it); every host when undefined. */
  readonly allowedHosts?: readonly string[];
}

const PROTOCOL_NAMES: Record<StreamingProtocol, string> = {
  websocket: 'WebSocket',
  sse: 'SSE',
  webtransport: 'WebTransport',
};

/**
 * One connection attempt from the first check to its settlement, and the second argument of a
 * streaming execution context (what guards and interceptors know of the attempt).
 *
 * `run()` applies the allowed hosts (421), the origin policy (403) and admission against `maxConnections` (503), arms the
 * handshake timeout (408), then runs the route's pipeline (guards → interceptors → accept →
 * handler). The settlement is an HTTP refusal when nothing was accepted, or the mapped close code
 * when an accepted connection failed. Once the connection is accepted the attempt (raw request,
 * socket, accept step) is dropped, so a long-lived connection does not keep it reachable.
 *
 * It is also what `host.switchToHttp().getResponse()` returns (see {@link HandshakeResponse}):
 * headers a guard sets go out with a refusal, and the status and body an exception filter
 * writes (Nest's documented catch-all filter) are the refusal.
 */
export class StreamingHandshake<C extends BaseConnection = BaseConnection>
  extends HandshakeResponse
  implements PipelineHandshake
{
  /** The protocol of the attempt. */
  readonly protocol: StreamingProtocol;
  /** The matched route. */
  readonly route: RouteDefinition;
  /** Values to copy into the connection's context (`conn.get(key)`): route params, guard values. */
  readonly values = new Map<string, unknown>();
  /** The accepted connection (after the guards passed). */
  connection: C | undefined;
  /** The error that ended the connection, if any (seen by the transport after filters ran). */
  failure: unknown;

  private attempt: HandshakeAttempt<C> | undefined;
  private acceptListeners: ((conn: C) => void)[] | undefined;
  private readonly fail: HandshakeAttempt<C>['fail'];
  private accepted: Promise<C> | undefined;
  private release: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Whether the client has been answered (accepted, refused or timed out). */
  private answered = false;
  /** When `run()` began (`performance.now()`), only while latencies are observed. */
  private startedAt = 0;

  constructor(
    attempt: HandshakeAttempt<C>,
    private readonly services: HandshakeServices,
  ) {
    super();
    this.protocol = attempt.protocol;
    this.route = attempt.match.route;
    this.attempt = attempt;
    this.fail = attempt.fail;
    for (const [key, value] of Object.entries(attempt.match.params)) this.values.set(key, value);
  }

  /** Stores a value the connection will expose through `conn.get(key)`. */
  set(key: string, value: unknown): void {
    this.values.set(key, value);
  }

  /**
   * Calls `listener` with the connection once it is accepted (guards use it to bind what they
   * verified, e.g. a token's expiry, to the connection). Never called for a refused attempt.
   */
  onAccepted(listener: (conn: C) => void): void {
    if (this.connection) listener(this.connection);
    else (this.acceptListeners ??= []).push(listener);
  }

  /** Runs the attempt to its end (never throws). */
  run(): void {
    const attempt = this.attempt;
    if (!attempt) return;
    if (this.services.stats.latency) this.startedAt = performance.now();
    const options: AnyRouteOptions = this.route.options;
    const name = PROTOCOL_NAMES[this.protocol];
    const allowedHosts = options.allowedHosts ?? this.services.allowedHosts;
    if (allowedHosts && !isHostAllowed(allowedHosts, attempt.host)) {
      this.refuse(refusal(421, 'Host not allowed', 'origin'));
      return;
    }
    const originPolicy = options.checkOrigin ?? attempt.settings.checkOrigin;
    const { origin, host } = attempt;
    if (!isOriginAllowed(originPolicy, origin, host, attempt.request.path, allowedHosts)) {
      this.refuse(refusal(403, 'Origin not allowed', 'origin'));
      return;
    }
    this.release = this.services.admission.tryAdmit(
      this.protocol,
      this.route.path,
      attempt.settings.maxConnections,
      options.maxConnections,
    );
    if (!this.release) {
      this.refuse(refusal(503, `Too many ${name} connections`, 'limit'));
      return;
    }
    if (attempt.timeoutMs !== undefined) {
      this.timer = setTimeout(() => this.timeOut(name), attempt.timeoutMs);
      this.timer.unref();
    }
    this.route.invoke(attempt.request, this).then(
      () => this.settle(undefined),
      (error: unknown) => this.settle(error),
    );
  }

  /** Completes the protocol handshake (called by the pipeline once guards passed). */
  accept(): Promise<C> {
    if (this.accepted) return this.accepted;
    this.stopTimer();
    this.releaseSlot();
    if (this.answered) {
      return Promise.reject(new HandshakeTimeoutError(PROTOCOL_NAMES[this.protocol]));
    }
    const attempt = this.attempt;
    if (!attempt) return Promise.reject(new InvalidStateError('The handshake has ended'));
    this.answered = true;
    this.observe(true);
    // The attempt closes over the raw request and socket: drop it so that a long-lived
    // connection does not keep them reachable through its handshake.
    this.attempt = undefined;
    this.accepted = attempt.accept(this.values).then((conn) => {
      this.connection = conn;
      const listeners = this.acceptListeners;
      this.acceptListeners = undefined;
      if (listeners) for (const listener of listeners) listener(conn);
      return conn;
    });
    return this.accepted;
  }

  /** Answers a refusal (once) and counts it. */
  private refuse(answer: HandshakeRefusal): void {
    const responder = this.attempt?.responder;
    this.attempt = undefined;
    if (this.answered) return;
    this.answered = true;
    this.services.stats.rejected(answer.reason);
    this.observe(false);
    responder?.refuse(withHeaders(answer, this.writtenHeaders()));
  }

  private timeOut(name: string): void {
    this.timer = undefined;
    this.releaseSlot();
    this.refuse(refusal(408, `${name} handshake timed out`, 'timeout'));
  }

  /** What runs when the pipeline has finished. */
  private settle(error: unknown): void {
    this.stopTimer();
    this.releaseSlot();
    const conn = this.connection;
    if (!conn) {
      const written = this.writtenResponse();
      this.refuse(
        written
          ? refusalFromWritten(written)
          : error === undefined
            ? refusal(403, 'Forbidden')
            : refusalFromError(error),
      );
      return;
    }
    const failure = error ?? this.failure;
    if (failure === undefined) return;
    if (!isExpectedError(failure)) this.services.stats.errors += 1;
    if (conn.isClosed) return;
    const { code, reason } = closeFromError(failure);
    if (this.fail) this.fail(conn, code, reason);
    else conn.close(code, reason);
  }

  private observe(accepted: boolean): void {
    const sink = this.services.stats.latency;
    if (sink && this.startedAt > 0) {
      sink.handshake(this.protocol, accepted, (performance.now() - this.startedAt) / 1000);
    }
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private releaseSlot(): void {
    const release = this.release;
    this.release = undefined;
    release?.();
  }
}
