import { encodeFrame } from '../wire/web-transport-frame.codec.js';
import type { WireMessage } from '../interfaces/streaming-adapter.interface.js';
import { StreamEvent } from './stream-event.js';
import { encodeSseData } from '../wire/sse.codec.js';
import { frameWebSocketMessage, frameWebSocketText } from '../wire/web-socket-frame.codec.js';

/**
 * A message encoded once for all recipients: JSON serialization, the WebSocket frame, the SSE
 * `data:` lines and the WebTransport frame are each computed on first use and reused.
 */
export class OutboundMessage {
  private cachedBytes?: Buffer;
  private cachedWebSocketFrame?: Buffer;
  private cachedSseData?: string;
  private cachedWebTransportFrame?: Uint8Array;

  private constructor(
    /** True for binary payloads. */
    readonly binary: boolean,
    /** Text payload (for text messages). */
    private readonly textValue: string | undefined,
    /** Binary payload (for binary messages). */
    private readonly binaryValue: Buffer | undefined,
    /** SSE event name, if the message is a {@link StreamEvent}. */
    readonly event: string | undefined,
  ) {}

  /** Builds a message from any value: strings are text, bytes binary, the rest JSON text. */
  static from(value: unknown): OutboundMessage {
    if (value instanceof OutboundMessage) return value;
    if (value instanceof StreamEvent) {
      return OutboundMessage.fromPayload(value.data, value.event);
    }
    return OutboundMessage.fromPayload(value, undefined);
  }

  /** A text message. */
  static text(text: string, event?: string): OutboundMessage {
    return new OutboundMessage(false, text, undefined, event);
  }

  /**
   * A text message whose UTF-8 bytes are already at hand (an echo of what was received): the
   * frames are built from those bytes, with no second encoding of the text.
   */
  static textWithBytes(text: string, bytes: Buffer): OutboundMessage {
    const message = new OutboundMessage(false, text, undefined, undefined);
    message.cachedBytes = bytes;
    return message;
  }

  /** A binary message. */
  static binary(data: Uint8Array, event?: string): OutboundMessage {
    const buffer = Buffer.isBuffer(data)
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return new OutboundMessage(true, undefined, buffer, event);
  }

  /** Rebuilds a message that crossed a process boundary. */
  static fromWire(wire: WireMessage): OutboundMessage {
    switch (wire.type) {
      case 'text':
        return OutboundMessage.text(wire.text, wire.event);
      case 'binary':
        return OutboundMessage.binary(Buffer.from(wire.base64, 'base64'), wire.event);
      case 'envelope':
        // A gateway event sent to one connection: its JSON envelope.
        return OutboundMessage.text(wire.text);
    }
  }

  private static fromPayload(value: unknown, event: string | undefined): OutboundMessage {
    if (typeof value === 'string') return OutboundMessage.text(value, event);
    if (value instanceof Uint8Array) return OutboundMessage.binary(value, event);
    if (value instanceof ArrayBuffer) return OutboundMessage.binary(new Uint8Array(value), event);
    const json = JSON.stringify(value);
    return OutboundMessage.text(json === undefined ? 'null' : json, event);
  }

  /** The text payload ('' for binary messages). */
  get text(): string {
    return this.textValue ?? '';
  }

  /** The payload bytes (UTF-8 for text), computed once. */
  get bytes(): Buffer {
    if (!this.cachedBytes) {
      this.cachedBytes = this.binaryValue ?? Buffer.from(this.textValue ?? '', 'utf8');
    }
    return this.cachedBytes;
  }

  /** Payload size in bytes. */
  get byteLength(): number {
    return this.binaryValue ? this.binaryValue.byteLength : Buffer.byteLength(this.textValue ?? '');
  }

  /** The unmasked server WebSocket frame (header and payload in one buffer), computed once. */
  webSocketFrame(): Buffer {
    if (!this.cachedWebSocketFrame) {
      // Text not yet encoded for another transport is encoded straight into the frame.
      this.cachedWebSocketFrame =
        this.textValue !== undefined && this.cachedBytes === undefined
          ? frameWebSocketText(this.textValue)
          : frameWebSocketMessage(this.bytes, this.binary);
    }
    return this.cachedWebSocketFrame;
  }

  /** The SSE `data:` lines (binary payloads as base64), computed once. */
  sseData(): string {
    if (this.cachedSseData === undefined) {
      this.cachedSseData = encodeSseData(this.binary ? this.bytes.toString('base64') : this.text);
    }
    return this.cachedSseData;
  }

  /** The WebTransport message frame, computed once. */
  webTransportFrame(): Uint8Array {
    if (!this.cachedWebTransportFrame) {
      this.cachedWebTransportFrame = encodeFrame(this.bytes);
    }
    return this.cachedWebTransportFrame;
  }

  /** The message in a form that crosses process boundaries. */
  toWire(): WireMessage {
    return this.binary
      ? { type: 'binary', base64: this.bytes.toString('base64'), event: this.event }
      : { type: 'text', text: this.text, event: this.event };
  }
}
