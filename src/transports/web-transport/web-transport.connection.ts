import { FrameDecoder } from '../../wire/web-transport-frame.codec.js';
import { BaseConnection, type ConnectionInit } from '../../connection/base.connection.js';
import type { OutboundMessage } from '../../connection/outbound-message.js';
import type { OutboundChunk } from '../../connection/outbound-queue.js';
import { CloseCode } from '../../errors/close-codes.js';
import { ConnectionClosedError } from '../../errors/connection-closed.error.js';
import type {
  CloseInfo,
  WebTransportBidiStream,
  WebTransportDatagrams,
  WebTransportKind,
  WebTransportReadable,
  WebTransportSession,
  WebTransportWritable,
} from '../../interfaces/connection.interface.js';
import { InboundMessageQueue } from '../../connection/inbound-message-queue.js';
import type { LibraryBidiStream, LibrarySession } from './web-transport-library.interface.js';
import { BoundedDatagrams } from './web-transport-datagrams.js';
import { pauseOfBidiStream, pauseOfUniStream } from './web-transport-read-pause.js';
import {
  WebTransportBidiStreamImpl,
  WebTransportStreamReader,
  WebTransportStreamWriter,
} from './web-transport-streams.js';

/** Limits of one session. */
export interface WebTransportSessionLimits {
  /** The transport carrying the session. */
  readonly kind: WebTransportKind;
  /** Most concurrent client-opened streams (the message stream not counted). */
  readonly maxStreams: number;
  /** Idle time after which the session is closed, in milliseconds (0 = never). */
  readonly idleTimeout: number;
  /** Largest inbound message in bytes. */
  readonly maxMessageSize: number;
}

/** Time allowed for the peer to acknowledge a close before the session counts as closed. */
const CLOSE_GRACE_MS = 3_000;

function toBytes(chunk: OutboundChunk): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/**
 * A WebTransport session on `@fails-components/webtransport`.
 *
 * The *message stream* is the first bidirectional stream the client opens: `sendMessage` and
 * `receiveMessage` carry length-prefixed frames on it (see `nestjs-forge-streaming/client`).
 * Every later client-opened bidirectional stream appears in `incomingBidirectionalStreams`.
 * Outbound messages are bounded by the route's `bufferSize` with the slow-consumer policy; bytes
 * handed to the stream but not yet written count against it. Client-opened streams beyond
 * `maxStreams` (open at the same time) are reset and counted in `refusedStreams`.
 */
export class WebTransportSessionImpl extends BaseConnection implements WebTransportSession {
  declare readonly protocol: 'webtransport';
  readonly transport: WebTransportKind;
  readonly datagrams: WebTransportDatagrams | undefined;
  /** Inbound datagrams dropped because `bufferSize` bytes of them were waiting unread. */
  get droppedDatagrams(): number {
    return this.boundedDatagrams?.dropped ?? 0;
  }
  /** Client-opened streams refused because `maxStreams` streams were open. */
  refusedStreams = 0;

  private readonly boundedDatagrams: BoundedDatagrams | undefined;
  private readonly inbound = new InboundMessageQueue<Uint8Array>();
  private readonly incomingBidi = new InboundMessageQueue<WebTransportBidiStream>();
  private readonly incomingUni = new InboundMessageQueue<WebTransportReadable>();
  private messageWriter: WritableStreamDefaultWriter<Uint8Array> | undefined;
  private readonly pendingWrites: Uint8Array[] = [];
  private pendingBytes = 0;
  private inFlightBytes = 0;
  private openStreams = 0;
  private lastActivity = Date.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private serverClosing = false;
  /** The server's close code and reason (the library may report that close as a stream error). */
  private serverClose: { code: number; reason: string } | undefined;
  private readResume: (() => void) | undefined;
  /** The synchronous message listener (`onMessage`), if any. */
  private listener: ((data: Uint8Array) => void) | undefined;
  private readonly touch = () => {
    this.lastActivity = Date.now();
  };

  constructor(
    private readonly session: LibrarySession,
    init: ConnectionInit,
    private readonly limits: WebTransportSessionLimits,
  ) {
    super(init);
    this.transport = limits.kind;
    this.boundedDatagrams = session.datagrams
      ? new BoundedDatagrams(session.datagrams, this.bufferLimit, this.touch)
      : undefined;
    this.datagrams = this.boundedDatagrams;
    session.closed.then(
      (info) =>
        this.finish({
          code: this.serverClose?.code ?? info?.closeCode ?? CloseCode.Normal,
          reason: this.serverClose?.reason ?? info?.reason ?? '',
          byServer: this.serverClosing,
        }),
      (error: unknown) =>
        this.finish({
          code: this.serverClose?.code ?? 1006,
          reason:
            this.serverClose?.reason ?? (error instanceof Error ? error.message : 'session failed'),
          byServer: this.serverClosing,
        }),
    );
    void this.acceptBidirectionalStreams();
    void this.acceptUnidirectionalStreams();
    if (limits.idleTimeout > 0) {
      const period = Math.max(10, Math.min(limits.idleTimeout / 2, 5_000));
      this.idleTimer = setInterval(() => this.checkIdle(), period);
      this.idleTimer.unref();
    }
  }

  /** Streams currently open by the client (message stream not counted). */
  get clientStreams(): number {
    return this.openStreams;
  }

  sendMessage(data: Uint8Array | string): Promise<void> {
    return this.send(data);
  }

  receiveMessage(): Promise<Uint8Array> {
    const next = this.inbound.next();
    if (this.inbound.bytes <= this.bufferLimit / 2) this.resumeReading();
    return next;
  }

  /** Lets the message-stream reader go on after it paused for a full inbound queue. */
  private resumeReading(): void {
    const resume = this.readResume;
    this.readResume = undefined;
    resume?.();
  }

  onMessage(listener: (data: Uint8Array) => void): () => void {
    this.keepOpen();
    this.listener = listener;
    for (const message of this.inbound.drain()) {
      if (this.listener !== listener || this.isClosed) break;
      this.dispatchInbound(listener, message);
    }
    this.resumeReading();
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  async createBidirectionalStream(): Promise<WebTransportBidiStream> {
    this.assertOpen();
    const stream = await this.session.createBidirectionalStream();
    return new WebTransportBidiStreamImpl(stream, { onActivity: this.touch });
  }

  async createUnidirectionalStream(): Promise<WebTransportWritable> {
    this.assertOpen();
    const stream = await this.session.createUnidirectionalStream();
    return new WebTransportStreamWriter(stream, { onActivity: this.touch });
  }

  get incomingBidirectionalStreams(): AsyncIterable<WebTransportBidiStream> {
    return this.iterate(this.incomingBidi);
  }

  get incomingUnidirectionalStreams(): AsyncIterable<WebTransportReadable> {
    return this.iterate(this.incomingUni);
  }

  protected encode(message: OutboundMessage): OutboundChunk {
    return message.webTransportFrame();
  }

  protected transportBufferedBytes(): number {
    return this.inFlightBytes + this.pendingBytes;
  }

  protected transportWrite(chunk: OutboundChunk): void {
    const bytes = toBytes(chunk);
    this.touch();
    if (!this.messageWriter) {
      this.pendingWrites.push(bytes);
      this.pendingBytes += bytes.byteLength;
      return;
    }
    this.writeNow(bytes);
  }

  protected transportClose(code: number, reason: string): void {
    this.serverClosing = true;
    this.serverClose = { code, reason };
    try {
      this.session.close({ closeCode: code, reason });
    } catch {
      this.finish({ code, reason, byServer: true });
      return;
    }
    this.closeTimer = setTimeout(
      () => this.finish({ code, reason, byServer: true }),
      CLOSE_GRACE_MS,
    );
    this.closeTimer.unref();
  }

  private writeNow(bytes: Uint8Array): void {
    const writer = this.messageWriter;
    if (!writer) return;
    this.inFlightBytes += bytes.byteLength;
    writer.write(bytes).then(
      () => {
        this.inFlightBytes -= bytes.byteLength;
        this.onTransportDrain();
      },
      () => {
        this.inFlightBytes -= bytes.byteLength;
      },
    );
  }

  private async acceptBidirectionalStreams(): Promise<void> {
    const reader = this.session.incomingBidirectionalStreams.getReader();
    let first = true;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        this.touch();
        if (first) {
          first = false;
          this.useMessageStream(value);
          continue;
        }
        this.admitStream(value, true);
      }
    } catch {
      // The session ended; `closed` reports how.
    }
  }

  private async acceptUnidirectionalStreams(): Promise<void> {
    const reader = this.session.incomingUnidirectionalStreams.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        this.touch();
        this.admitStream(value, false);
      }
    } catch {
      // The session ended.
    }
  }

  private admitStream(stream: LibraryBidiStream | ReadableStream<Uint8Array>, bidi: boolean): void {
    if (this.isClosed || this.openStreams >= this.limits.maxStreams) {
      this.refusedStreams += 1;
      if (bidi) {
        const refused = stream as LibraryBidiStream;
        void refused.readable.cancel('too many streams').catch(() => undefined);
        void refused.writable.abort('too many streams').catch(() => undefined);
      } else {
        void (stream as ReadableStream<Uint8Array>)
          .cancel('too many streams')
          .catch(() => undefined);
      }
      return;
    }
    this.openStreams += 1;
    const hooks = { onActivity: this.touch, onDone: () => (this.openStreams -= 1) };
    if (bidi) {
      const pauseReading = pauseOfBidiStream(stream as LibraryBidiStream);
      this.incomingBidi.push(
        new WebTransportBidiStreamImpl(stream as LibraryBidiStream, { ...hooks, pauseReading }),
        1,
      );
    } else {
      const readable = stream as ReadableStream<Uint8Array>;
      const pauseReading = pauseOfUniStream(this.session, readable);
      this.incomingUni.push(new WebTransportStreamReader(readable, { ...hooks, pauseReading }), 1);
    }
  }

  private useMessageStream(stream: LibraryBidiStream): void {
    this.messageWriter = stream.writable.getWriter();
    const pending = this.pendingWrites.splice(0);
    this.pendingBytes = 0;
    for (const bytes of pending) this.writeNow(bytes);
    void this.readMessages(stream.readable, pauseOfBidiStream(stream));
  }

  /**
   * Reads the message stream, pausing while more than `bufferSize` bytes of messages wait for the
   * handler; the library is stopped after every read so that a pause holds the peer back with
   * the stream's flow-control window instead of queueing in the library.
   */
  private async readMessages(
    readable: ReadableStream<Uint8Array>,
    pauseReading: () => void,
  ): Promise<void> {
    const reader = readable.getReader();
    const decoder = new FrameDecoder(this.limits.maxMessageSize);
    pauseReading();
    try {
      for (;;) {
        if (this.inbound.bytes > this.bufferLimit) {
          await new Promise<void>((resolve) => (this.readResume = resolve));
        }
        const { value, done } = await reader.read();
        pauseReading();
        if (done || this.isClosed) return;
        this.touch();
        let messages: Uint8Array[];
        try {
          messages = decoder.push(value);
        } catch (error) {
          this.close(CloseCode.MessageTooBig, (error as Error).message);
          return;
        }
        for (const message of messages) {
          this.stats.messagesIn += 1;
          this.stats.bytesIn += message.byteLength;
          const listener = this.listener;
          if (listener !== undefined) this.dispatchInbound(listener, message);
          else this.inbound.push(message, message.byteLength);
          if (this.isClosed) return;
        }
      }
    } catch {
      // The stream was reset or the session ended.
    }
  }

  private async *iterate<T>(queue: InboundMessageQueue<T>): AsyncGenerator<T> {
    for (;;) {
      try {
        yield await queue.next();
      } catch (error) {
        if (error instanceof ConnectionClosedError) return;
        throw error;
      }
    }
  }

  private checkIdle(): void {
    if (this.isClosed) return;
    if (Date.now() - this.lastActivity >= this.limits.idleTimeout) {
      this.close(CloseCode.GoingAway, 'idle timeout');
    }
  }

  private assertOpen(): void {
    if (this.isClosed) throw new ConnectionClosedError(this.closeInfoOrDefault());
  }

  private finish(info: CloseInfo): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.idleTimer = undefined;
    this.closeTimer = undefined;
    this.inbound.close(info);
    this.boundedDatagrams?.close(info);
    this.incomingBidi.close(info);
    this.incomingUni.close(info);
    this.readResume?.();
    this.readResume = undefined;
    this.markClosed(info);
  }
}
