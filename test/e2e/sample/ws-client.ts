import WebSocket, { type RawData } from 'ws';

/** One message a test client received. */
export interface ReceivedMessage {
  readonly binary: boolean;
  readonly data: Buffer;
  readonly text: string;
}

/**
 * A `ws` client that queues what it receives, so a test can await messages in order, and
 * records the close code.
 */
export class TestWebSocket {
  private readonly queue: ReceivedMessage[] = [];
  private readonly waiters: ((message: ReceivedMessage) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData, binary: boolean) => {
      const buffer = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      const message = { binary, data: buffer, text: buffer.toString('utf8') };
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens a connection; rejects with the HTTP status when the upgrade is refused. */
  static open(
    url: string,
    options: WebSocket.ClientOptions = {},
    protocols?: string[],
  ): Promise<TestWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, options);
      const client = new TestWebSocket(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => {
        reject(new UpgradeRefusedError(res.statusCode ?? 0));
        res.resume();
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /** The next message, in arrival order. */
  next(timeoutMs = 10_000): Promise<ReceivedMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(new Error(`No message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (message: ReceivedMessage) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiters.push(waiter);
    });
  }

  /** The next message parsed as JSON. */
  async nextJson(timeoutMs?: number): Promise<unknown> {
    return JSON.parse((await this.next(timeoutMs)).text) as unknown;
  }

  /** Messages received and not yet read. */
  get pending(): number {
    return this.queue.length;
  }

  send(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** Closes and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    const timer = setTimeout(() => this.socket.terminate(), 3_000);
    await this.closed;
    clearTimeout(timer);
  }
}

/** The server refused the upgrade with an HTTP status. */
export class UpgradeRefusedError extends Error {
  constructor(readonly status: number) {
    super(`Upgrade refused with HTTP ${status}`);
  }
}
