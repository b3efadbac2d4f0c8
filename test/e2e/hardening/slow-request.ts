import net from 'node:net';

/** A raw connection to 127.0.0.1 that records what it received and when it closed. */
export class SlowRequestClient {
  received = '';
  closedAt: number | undefined;
  private readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => (this.received += chunk.toString('latin1')));
    socket.on('close', () => (this.closedAt = Date.now()));
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<SlowRequestClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new SlowRequestClient(socket);
  }

  get closed(): boolean {
    return this.closedAt !== undefined;
  }

  write(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Writes one byte of `filler` every `everyMs` until the server closes the connection. */
  drip(everyMs: number, filler = 'x'): () => void {
    const timer = setInterval(() => this.write(filler), everyMs);
    this.socket.once('close', () => clearInterval(timer));
    return () => clearInterval(timer);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
