import { Agent, request } from 'node:http';
import { payloadOf } from '../bench-config.js';

/**
 * Asks a server for broadcasts the way an application does: `POST /broadcast
 * {message, protocol}` over keep-alive HTTP connections (one per request in flight), instead of
 * an IPC command. Used as the {@link BroadcastDriver}'s server, so that the driver's in-flight
 * bound is the number of HTTP requests in flight.
 */
export class HttpBroadcastTrigger {
  private readonly agent: Agent;
  /** Requests that failed or were refused (a broken run shows them, they are never retried). */
  failures = 0;

  constructor(
    private readonly port: number,
    private readonly protocol: 'websocket' | 'sse',
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  /** Posts payload number `seq` of `size` bytes. */
  broadcast(seq: number, size: number): void {
    const body = JSON.stringify({ message: payloadOf(seq, size), protocol: this.protocol });
    const req = request(
      {
        host: '127.0.0.1',
        port: this.port,
        method: 'POST',
        path: '/broadcast',
        agent: this.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        if (res.statusCode !== 204) this.failures += 1;
        res.resume();
      },
    );
    req.on('error', () => (this.failures += 1));
    req.end(body);
  }

  /** Closes the keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
