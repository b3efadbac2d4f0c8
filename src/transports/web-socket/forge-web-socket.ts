import { WebSocket } from 'ws';

/** What a server-side socket reports to its connection. */
export interface WebSocketEventSink {
  onSocketMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void;
  onClose(code: number, reason: Buffer): void;
  onError(): void;
  onPong(): void;
}

/**
 * The `ws` socket the WebSocket transport creates (through the server's `WebSocket` option). Its
 * events go straight to the connection it belongs to instead of through listener lists: no
 * closure or listener entry per connection, and one call less per inbound message.
 */
export class ForgeWebSocket extends WebSocket {
  /** The connection receiving this socket's events, once it exists. */
  sink: WebSocketEventSink | undefined;

  /**
   * Bytes of the current socket read that the frame parser has not reached yet: while a message
   * of a read is handled, more than 0 means further frames of the same read follow, so replies
   * can wait for them and leave together. Read from `ws`'s receiver; 0 if it does not expose it.
   */
  get unparsedBytes(): number {
    const receiver = (this as unknown as { _receiver?: { _bufferedBytes?: unknown } })._receiver;
    const bytes = receiver?._bufferedBytes;
    return typeof bytes === 'number' ? bytes : 0;
  }

  override emit(event: string | symbol, first?: unknown, second?: unknown): boolean {
    const sink = this.sink;
    if (sink === undefined) return super.emit(event, first, second);
    switch (event) {
      case 'message':
        sink.onSocketMessage(first as Buffer | ArrayBuffer | Buffer[], second as boolean);
        return true;
      case 'close':
        sink.onClose(first as number, second as Buffer);
        return true;
      case 'error':
        sink.onError();
        return true;
      case 'pong':
        sink.onPong();
        return true;
      default:
        return super.emit(event, first, second);
    }
  }
}
