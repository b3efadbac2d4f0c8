import type { ClientClock } from './client-clock.js';
import { connectWebTransport, type WebTransportClientSession } from './web-transport-client.js';
import type { WebSocketLike } from './web-socket-like.js';
import type { CertificateHashInput, WebTransportConstructor } from './web-transport-like.js';

/** What {@link WebTransportSocket} needs to open a session. */
export interface WebTransportSocketInit {
  /** The `WebTransport` constructor (the browser's, or one injected in Node). */
  readonly WebTransport: WebTransportConstructor;
  /** Certificate hashes to pin. */
  readonly serverCertificateHashes?: CertificateHashInput[];
  /** Deliver messages as bytes (a binary codec) instead of UTF-8 text. */
  readonly binary: boolean;
  /** Gives up on a session not ready after this long, in milliseconds. */
  readonly connectTimeoutMs: number;
  /** The timers of the client. */
  readonly clock: ClientClock;
}

/** The error event of a session that never opened. */
export interface WebTransportFailure {
  /** Always true: tells the client to fall back to WebSocket. */
  readonly webTransportFailed: true;
  /** Why the session did not open. */
  readonly error: unknown;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const text = new TextDecoder();

/**
 * A WebTransport session seen through the `WebSocket` interface the client drives: messages
 * travel on the session's message stream with the library's framing (4-byte length + payload),
 * the same framing the server's gateways read. A session that never opens ends with an error
 * event carrying `webTransportFailed`, so the client can fall back to WebSocket.
 */
export class WebTransportSocket implements WebSocketLike {
  binaryType = 'arraybuffer';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private state = CONNECTING;
  private session: WebTransportClientSession | undefined;

  constructor(
    readonly url: string,
    private readonly init: WebTransportSocketInit,
  ) {
    void this.open();
  }

  /** `WebSocket.readyState` values: 0 connecting, 1 open, 2 closing, 3 closed. */
  get readyState(): number {
    return this.state;
  }

  /** Sends one message; ignored unless open (the session's end follows a failed write). */
  send(data: string | Uint8Array): void {
    if (this.state !== OPEN || !this.session) return;
    this.session.sendMessage(data).catch(() => this.session?.close());
  }

  /** Closes the session; `onclose` follows. */
  close(code = 1000, reason = ''): void {
    if (this.state >= CLOSING) return;
    const session = this.session;
    this.state = CLOSING;
    if (session) session.close(code, reason);
    // A session still connecting ends when it settles (see open()).
  }

  private async open(): Promise<void> {
    const { clock, connectTimeoutMs } = this.init;
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.set(
        () => reject(new Error(`WebTransport not ready within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
    });
    const connecting = connectWebTransport(this.url, {
      WebTransport: this.init.WebTransport,
      serverCertificateHashes: this.init.serverCertificateHashes,
    });
    let session: WebTransportClientSession;
    try {
      session = await Promise.race([connecting, timeout]);
    } catch (error) {
      clock.clear(timer);
      // A session that opens after the timeout is closed at once.
      connecting.then(
        (late) => late.close(),
        () => undefined,
      );
      this.fail(error);
      return;
    }
    clock.clear(timer);
    this.session = session;
    if (this.state === CLOSING) {
      session.close();
      this.finish(1000, 'client closed');
      return;
    }
    this.state = OPEN;
    this.onopen?.({});
    void this.read(session);
  }

  private async read(session: WebTransportClientSession): Promise<void> {
    for (;;) {
      let message: Uint8Array;
      try {
        message = await session.receiveMessage();
      } catch {
        break;
      }
      if (this.state !== OPEN) continue;
      this.onmessage?.({ data: this.init.binary ? message : text.decode(message) });
    }
    // Settled when the session itself ended; a message stream that ended alone reads as 1006.
    const info = await Promise.race([session.closed.catch(() => undefined), undefined]);
    this.finish(info?.closeCode ?? 1006, info?.reason ?? '');
  }

  private fail(error: unknown): void {
    if (this.state === CLOSED) return;
    const failure: WebTransportFailure = { webTransportFailed: true, error };
    this.onerror?.(failure);
    this.finish(1006, 'WebTransport unavailable');
  }

  private finish(code: number, reason: string): void {
    if (this.state === CLOSED) return;
    this.state = CLOSED;
    this.session?.close();
    this.onclose?.({ code, reason });
  }
}

/** Whether an error event is the failure of a session that never opened. */
export function isWebTransportFailure(event: unknown): event is WebTransportFailure {
  return (event as Partial<WebTransportFailure> | undefined)?.webTransportFailed === true;
}
