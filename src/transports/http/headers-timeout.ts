import type { Server, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

const INTERNAL_LISTENER = Symbol('forge-streaming:internal-listener');

/** Marks a server listener as the library's own bookkeeping (not an upgrade handler). */
export function markInternalListener<T extends (...args: never[]) => void>(listener: T): T {
  Object.defineProperty(listener, INTERNAL_LISTENER, { value: true });
  return listener;
}

/** Whether a listener was marked with {@link markInternalListener}. */
export function isInternalListener(listener: unknown): boolean {
  return typeof listener === 'function' && INTERNAL_LISTENER in listener;
}

/**
 * Cuts off clients that do not finish sending request headers in time (slowloris). Node only
 * checks `headersTimeout` every 30 s; this arms a timer per new TCP connection, cleared when the
 * first request's headers are complete (`request` or `upgrade`).
 */
export class HeadersTimeout {
  private readonly timers = new WeakMap<Socket, NodeJS.Timeout>();
  // No 'close' listener: a socket that closes first leaves an unref'd timer that finds it
  // destroyed, instead of a listener kept for the connection's whole life.
  private readonly onConnection = (socket: Socket) => {
    const timer = setTimeout(() => {
      this.timers.delete(socket);
      if (!socket.destroyed) socket.destroy();
    }, this.timeoutMs);
    timer.unref();
    this.timers.set(socket, timer);
  };
  private readonly onHeaders = markInternalListener((req: IncomingMessage) =>
    this.clear(req.socket),
  );

  constructor(
    private readonly server: Server,
    private readonly timeoutMs: number,
  ) {}

  start(): void {
    this.server.prependListener('connection', this.onConnection);
    this.server.prependListener('request', this.onHeaders);
    this.server.prependListener('upgrade', this.onHeaders);
  }

  stop(): void {
    this.server.off('connection', this.onConnection);
    this.server.off('request', this.onHeaders);
    this.server.off('upgrade', this.onHeaders);
  }

  private clear(socket: Socket): void {
    const timer = this.timers.get(socket);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(socket);
    }
  }
}
