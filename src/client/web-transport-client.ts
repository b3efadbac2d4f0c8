import { encodeFrame, FrameDecoder, MAX_FRAME_PAYLOAD } from '../wire/web-transport-frame.codec.js';
import {
  isNode,
  resolveWebTransport,
  type WebTransportImplementation,
} from './web-transport-factory.js';
import type {
  CertificateHashInput,
  WebTransportConstructor,
  WebTransportLike,
  WebTransportStreamPair,
} from './web-transport-like.js';

/** Options of {@link connectWebTransport}. */
export interface ConnectWebTransportOptions {
  /** Certificate hashes to pin (the server's `GET /webtransport/cert-hash` answer fits). */
  serverCertificateHashes?: CertificateHashInput[];
  /**
   * Use a reliable transport: in browsers the WebSocket mapping (the library's ponyfill) even when
   * native WebTransport exists; in Node HTTP/2. Default: `false` in browsers, `true` in Node.
   */
  forceReliable?: boolean;
  /** Largest message accepted from the server, in bytes. Default 16 MiB. */
  maxMessageSize?: number;
  /**
   * The `WebTransport` constructor to use instead of looking one up (the library's Node client,
   * `WebTransport` from `@fails-components/webtransport`, in Node; a native one in browsers).
   */
  WebTransport?: WebTransportConstructor;
}

const decoder = new TextDecoder();

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const clean = hex.replace(/[^0-9a-f]/gi, '');
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** The hash as bytes over a plain `ArrayBuffer` (what `WebTransportHash` takes). */
function hashBytes(value: CertificateHashInput['value']): Uint8Array<ArrayBuffer> {
  if (typeof value === 'string') return hexToBytes(value);
  return new Uint8Array(value);
}

/** Raised by `receiveMessage` once the session has closed. */
export class WebTransportClosedError extends Error {
  constructor(reason: string) {
    super(`WebTransport session closed${reason ? `: ${reason}` : ''}`);
    this.name = 'WebTransportClosedError';
  }
}

/**
 * A connected client session. Messages travel framed (4-byte big-endian length + payload) on the
 * message stream, the first bidirectional stream, which is opened right after connecting.
 */
export class WebTransportClientSession {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly queue: Uint8Array[] = [];
  private readonly waiters: { resolve(m: Uint8Array): void; reject(e: Error): void }[] = [];
  private ended: Error | undefined;
  private closeRequested = false;

  /** @internal Use {@link connectWebTransport}. */
  constructor(
    /** The underlying `WebTransport` object (native, ponyfill or Node client). */
    readonly transport: WebTransportLike,
    messageStream: WebTransportStreamPair,
    /** Which implementation carries the session. */
    readonly implementation: WebTransportImplementation,
    maxMessageSize: number,
  ) {
    this.writer = messageStream.writable.getWriter();
    void this.readMessages(messageStream.readable, new FrameDecoder(maxMessageSize));
    transport.closed.then(
      (info) => this.end(new WebTransportClosedError(info?.reason ?? '')),
      (error: unknown) => this.end(new WebTransportClosedError(String(error))),
    );
  }

  /** Settles when the session closes (`closeCode`, `reason`). */
  get closed(): Promise<{ closeCode?: number; reason?: string } | undefined> {
    return this.transport.closed;
  }

  /** Sends one message (text as UTF-8) on the message stream. */
  async sendMessage(data: Uint8Array | string): Promise<void> {
    await this.writer.ready;
    await this.writer.write(encodeFrame(data));
  }

  /** The next message from the server; rejects once the session has closed. */
  receiveMessage(): Promise<Uint8Array> {
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** The next message decoded as UTF-8 text. */
  async receiveText(): Promise<string> {
    return decoder.decode(await this.receiveMessage());
  }

  /** Opens a bidirectional stream (WHATWG `readable`/`writable`). */
  createBidirectionalStream(): Promise<WebTransportStreamPair> {
    return this.transport.createBidirectionalStream();
  }

  /** Opens a unidirectional stream to the server. */
  createUnidirectionalStream(): Promise<WritableStream<Uint8Array>> {
    return this.transport.createUnidirectionalStream();
  }

  /** Bidirectional streams the server opens. */
  get incomingBidirectionalStreams(): ReadableStream<WebTransportStreamPair> {
    return this.transport.incomingBidirectionalStreams;
  }

  /** Unidirectional streams the server opens. */
  get incomingUnidirectionalStreams(): ReadableStream<ReadableStream<Uint8Array>> {
    return this.transport.incomingUnidirectionalStreams;
  }

  /** Closes the session (once; later calls do nothing). */
  close(code = 0, reason = ''): void {
    // Closing twice makes the library's Node client spin: close once, and never after the end.
    if (this.closeRequested || this.ended) return;
    this.closeRequested = true;
    try {
      this.transport.close({ closeCode: code, reason });
    } catch {
      // Already closed.
    }
  }

  private async readMessages(
    readable: ReadableStream<Uint8Array>,
    frames: FrameDecoder,
  ): Promise<void> {
    const reader = readable.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of frames.push(value)) {
          const waiter = this.waiters.shift();
          if (waiter) waiter.resolve(message);
          else this.queue.push(message);
        }
      }
    } catch {
      // Stream reset or session closed.
    }
    this.end(new WebTransportClosedError('message stream ended'));
  }

  private end(error: Error): void {
    if (this.ended) return;
    this.ended = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }
}

/**
 * Connects to a WebTransport endpoint: native `WebTransport` in browsers that have it, the
 * library's ponyfill (WebSocket mapping) where they do not or with `forceReliable`, the library's
 * client in Node. Opens the message stream before resolving.
 */
export async function connectWebTransport(
  url: string,
  options: ConnectWebTransportOptions = {},
): Promise<WebTransportClientSession> {
  const { ctor, implementation } = options.WebTransport
    ? {
        ctor: options.WebTransport,
        implementation: isNode() ? ('node' as const) : ('native' as const),
      }
    : await resolveWebTransport(options.forceReliable);
  const init: {
    serverCertificateHashes?: { algorithm: 'sha-256'; value: Uint8Array<ArrayBuffer> }[];
    forceReliable?: boolean;
  } = {};
  if (options.serverCertificateHashes) {
    init.serverCertificateHashes = options.serverCertificateHashes.map((hash) => ({
      algorithm: hash.algorithm,
      value: hashBytes(hash.value),
    }));
  }
  if (implementation === 'node') init.forceReliable = options.forceReliable ?? true;
  const transport = new ctor(url, init);
  transport.closed.catch(() => undefined);
  await transport.ready;
  const messageStream = await transport.createBidirectionalStream();
  return new WebTransportClientSession(
    transport,
    messageStream,
    implementation,
    options.maxMessageSize ?? MAX_FRAME_PAYLOAD,
  );
}
