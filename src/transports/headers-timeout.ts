import type { Server, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Cuts off clients that do not finish sending request headers in time (slowloris). Node only
 * checks `headersTimeout` every 30 s; this arms a timer per new TCP connection, cleared when the
 * first request's headers are complete (`request` or `upgrade`).
 */
export class HeadersTimeout {
  private readonly timers = new WeakMap<Socket, NodeJS.Timeout>();
  private readonly onConnection = (socket: Socket) => {
    const timer = setTimeout(() => {
      this.timers.delete(socket);
      socket.destroy();
    }, this.timeoutMs);
    timer.unref();
    this.timers.set(socket, timer);
    socket.once('close', () => this.clear(socket));
  };
  private readonly onHeaders = (req: IncomingMessage) => this.clear(req.socket);

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
