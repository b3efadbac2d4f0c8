import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { OutboundChunk } from '../../connection/outbound-queue.js';
import {
  currentWriteTick,
  uncorkAtEndOfTick,
  type TickCorkable,
} from '../../connection/tick-corker.js';
import { SseHeadersSentError } from '../../errors/sse-headers-sent.error.js';
import type { StreamingStatsCollector } from '../../stats/streaming-stats-collector.service.js';

/** Default headers of an SSE response (route headers and `ctx.setHeader` may override them). */
const DEFAULT_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Type', 'text/event-stream; charset=utf-8'],
  ['Cache-Control', 'no-cache, no-transform'],
  ['X-Accel-Buffering', 'no'],
];

/** What the writer tells its connection. */
export interface SseWriterEvents {
  /** The tick's text was written and bytes still wait in the connection's own queue. */
  flushed(): void;
  /** The socket drained after a direct write it could not take at once. */
  drained(): void;
}

const CRLF = '\r\n';
/** The last text framed as an HTTP/1.1 chunk, and its frame: a broadcast frames its event once. */
let lastFramedText: string | undefined;
let lastFrame: Buffer | undefined;

/**
 * `text` as one HTTP/1.1 chunk (size line, data, CRLF) in one buffer. The frame of the last
 * text is kept: every recipient of a broadcast writes the same string, framed once for all.
 */
function chunkFrame(text: string, bytes: number): Buffer {
  if (text === lastFramedText && lastFrame !== undefined) return lastFrame;
  const frame = Buffer.from(bytes.toString(16) + CRLF + text + CRLF, 'utf8');
  lastFramedText = text;
  lastFrame = frame;
  return frame;
}

/** The frames last joined for a tick, and their join: recipients of the same events share it. */
let lastJoinedFrames: readonly Buffer[] = [];
let lastJoined: Buffer | undefined;

/**
 * The frames of one tick as one buffer. The join is kept: every recipient of the same broadcasts
 * holds the same frame objects (framed once), so the bytes are joined once for all of them.
 */
function joinedFrames(frames: readonly Buffer[]): Buffer {
  if (frames.length === 1) return frames[0];
  if (lastJoined !== undefined && frames.length === lastJoinedFrames.length) {
    let same = true;
    for (let i = 0; i < frames.length; i += 1) {
      if (frames[i] !== lastJoinedFrames[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastJoined;
  }
  const joined = Buffer.concat(frames);
  lastJoinedFrames = frames;
  lastJoined = joined;
  return joined;
}

/**
 * The HTTP side of one SSE stream: the response head (defaults, `retry:` first), the heartbeat
 * comment while the stream is idle, and the writes. Writes are batched lazily: the first text of a
 * tick goes straight to `res.write` (a lone event costs one `res.write`, as a hand-written SSE
 * server's does); the text written after it in the same tick is joined and written once at the
 * end of the tick, every `res.write` of an HTTP/1.1 response being a chunk with its own framing.
 * Over HTTP/1.1 the socket stays corked until then, so the whole tick leaves in one writev.
 *
 * Once the head is on the wire of a chunked HTTP/1.1 response whose `write` nobody replaced (no
 * compression or other middleware wrapping it), text goes straight to the socket as prebuilt
 * chunks (`res.write` would write the size line, the data and the CRLF as three pieces corked
 * until the next tick); the response's own `end()` still writes the last chunk. In that mode
 * nothing is written before the end of the tick: the tick's chunks, each framed once for every
 * recipient, leave in one `socket.write` of one buffer (joined once for every recipient of the
 * same events), so a burst of events read in one turn costs each socket one write, and a lone
 * event still costs one.
 */
export class SseResponseWriter implements TickCorkable {
  private headWritten = false;
  /** Text written during this tick, written to the response at its end. */
  private tickText = '';
  private tickBytes = 0;
  /** In direct mode, this tick's chunks framed (in the order written), and their text. */
  private tickFrames: Buffer[] = [];
  private tickTexts: string[] = [];
  /** The write tick of the last direct `res.write`: a second write in it is joined to the tick. */
  private writeTick = 0;
  /** The socket this writer corked for the rest of the tick (HTTP/1.1 only). */
  private corkedSocket: Socket | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Whether direct chunk writes are allowed (decided when the head is written). */
  private directAllowed = false;
  /** Whether a socket `drain` is awaited after a direct write the socket could not take. */
  private awaitingDrain = false;
  private readonly onSocketDrain = () => {
    this.awaitingDrain = false;
    this.events.drained();
  };

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly retryInterval: number,
    private readonly stats: StreamingStatsCollector,
    private readonly events: SseWriterEvents,
  ) {}

  /** Bytes written but not yet on the socket (the response's buffer plus this tick's text). */
  get bufferedBytes(): number {
    return this.res.writableLength + this.tickBytes;
  }

  /** Whether the response's own buffer is past its high-water mark. */
  get needsDrain(): boolean {
    return this.awaitingDrain || this.res.writableNeedDrain;
  }

  private get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  /** Sets a response header; only before the head is written. */
  setHeader(name: string, value: string): void {
    if (this.headWritten || this.res.headersSent) throw new SseHeadersSentError(name);
    this.res.setHeader(name, value);
  }

  /** Writes the head (once): status 200, the SSE headers, then `retry:`. */
  writeHead(): void {
    if (this.headWritten) return;
    this.headWritten = true;
    const res = this.res;
    if (res.headersSent || !this.open) return;
    for (const [name, value] of DEFAULT_HEADERS) {
      if (!res.hasHeader(name)) res.setHeader(name, value);
    }
    if (this.req.httpVersionMajor < 2 && !res.hasHeader('Connection')) {
      res.setHeader('Connection', 'keep-alive');
    }
    res.writeHead(200);
    // The first write sends the head with it; direct chunks may only follow it.
    this.writeText(`retry: ${this.retryInterval}\n\n`);
    this.directAllowed =
      this.req.httpVersionMajor === 1 &&
      res.chunkedEncoding &&
      res.write === ServerResponse.prototype.write;
  }

  /** Sends a `: ping` comment every `intervalMs` while nothing else is waiting to be written. */
  startHeartbeat(intervalMs: number): void {
    if (intervalMs <= 0 || this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      if (this.bufferedBytes === 0) this.writeText(': ping\n\n');
    }, intervalMs);
    this.heartbeat.unref();
  }

  /** Writes text that is not an event (head, comments, heartbeats), counted in `bytesOut`. */
  writeText(text: string): void {
    this.writeHead();
    if (!this.open) return;
    const bytes = Buffer.byteLength(text);
    this.stats.bytesOut += bytes;
    this.addToTick(text, bytes);
  }

  /** Writes an event chunk of `bytes` bytes. */
  write(chunk: OutboundChunk, bytes: number): void {
    this.writeHead();
    if (!this.open) return;
    if (typeof chunk === 'string') {
      this.addToTick(chunk, bytes);
    } else {
      this.writeTickText();
      this.writeTick = currentWriteTick();
      this.res.write(chunk);
    }
  }

  /** Writes the text of this tick in one chunk. */
  uncorkTick(): void {
    this.writeTickText();
    if (!this.res.writableNeedDrain) this.events.flushed();
  }

  /** Writes what is pending and ends the response. */
  end(): void {
    this.stopHeartbeat();
    this.writeHead();
    this.writeTickText();
    if (!this.res.writableEnded) this.res.end();
  }

  /** Drops the response at once (pending text included). */
  destroy(): void {
    this.discard();
    this.res.destroy();
  }

  /** Forgets pending text and stops the heartbeat (the response has closed). */
  discard(): void {
    this.stopHeartbeat();
    if (this.awaitingDrain) this.res.socket?.off('drain', this.onSocketDrain);
    this.awaitingDrain = false;
    this.tickText = '';
    this.tickBytes = 0;
    this.tickFrames = [];
    this.tickTexts = [];
    this.releaseSocket();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private addToTick(text: string, bytes: number): void {
    if (this.directAllowed) {
      if (this.tickBytes === 0) uncorkAtEndOfTick(this);
      this.tickFrames.push(chunkFrame(text, bytes));
      this.tickTexts.push(text);
      this.tickBytes += bytes;
      return;
    }
    if (this.tickBytes > 0) {
      this.tickText += text;
      this.tickBytes += bytes;
      return;
    }
    const tick = currentWriteTick();
    if (this.writeTick !== tick) {
      this.writeTick = tick;
      this.writeNow(text, bytes);
      return;
    }
    if (this.directSocket() === undefined) this.holdSocket();
    uncorkAtEndOfTick(this);
    this.tickText = text;
    this.tickBytes = bytes;
  }

  /**
   * Keeps the socket corked until this tick's text is written: `res.write` corks the socket only
   * until the next tick starts, and the text joined here is written after that.
   */
  private holdSocket(): void {
    const socket = this.res.socket;
    if (this.corkedSocket || this.req.httpVersionMajor >= 2 || !socket) return;
    socket.cork();
    this.corkedSocket = socket;
  }

  private releaseSocket(): void {
    const socket = this.corkedSocket;
    this.corkedSocket = undefined;
    socket?.uncork();
  }

  private writeTickText(): void {
    if (this.tickBytes === 0) return;
    if (this.tickFrames.length > 0) {
      this.writeTickFrames();
      return;
    }
    const text = this.tickText;
    const bytes = this.tickBytes;
    this.tickText = '';
    this.tickBytes = 0;
    if (this.open) this.writeNow(text, bytes);
    this.releaseSocket();
  }

  /**
   * The socket to write chunks to directly: the response's own, when the head and everything
   * written before are on it (nothing waits in the response's buffer) and it is still writable.
   */
  private directSocket(): Socket | undefined {
    if (!this.directAllowed) return undefined;
    const res = this.res;
    const socket = res.socket;
    if (socket === null || !socket.writable || res.writableLength !== socket.writableLength) {
      return undefined;
    }
    return socket;
  }

  /** Writes this tick's framed chunks: one buffer on the socket, or their text via `res.write`. */
  private writeTickFrames(): void {
    const frames = this.tickFrames;
    const texts = this.tickTexts;
    this.tickFrames = [];
    this.tickTexts = [];
    this.tickBytes = 0;
    if (!this.open) return;
    const socket = this.directSocket();
    if (socket === undefined) {
      this.res.write(texts.length === 1 ? texts[0] : texts.join(''));
      return;
    }
    this.writeToSocket(socket, joinedFrames(frames));
  }

  private writeToSocket(socket: Socket, data: Buffer): void {
    if (!socket.write(data) && !this.awaitingDrain) {
      this.awaitingDrain = true;
      socket.once('drain', this.onSocketDrain);
    }
  }

  /** Writes `text` now: one prebuilt chunk on the socket, or through `res.write`. */
  private writeNow(text: string, bytes: number): void {
    const socket = this.directSocket();
    if (socket === undefined) {
      this.res.write(text);
      return;
    }
    this.writeToSocket(socket, chunkFrame(text, bytes));
  }
}
