/**
 * Message framing used by `WebTransportSession.sendMessage` / `receiveMessage` on the session's
 * message stream (the first bidirectional stream the client opens).
 *
 * Each message is a 4-byte big-endian unsigned length followed by that many payload bytes.
 * Text is sent as its UTF-8 bytes. The framing carries no type: decode text with `TextDecoder`.
 */

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Largest payload a frame may carry (16 MiB). */
export const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

const encoder = new TextEncoder();

/** Encodes one message as a frame. */
export function encodeFrame(message: Uint8Array | string): Uint8Array {
  const payload = typeof message === 'string' ? encoder.encode(message) : message;
  if (payload.byteLength > MAX_FRAME_PAYLOAD) {
    throw new RangeError(
      `Frame payload of ${payload.byteLength} bytes exceeds ${MAX_FRAME_PAYLOAD}`,
    );
  }
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.byteLength);
  new DataView(frame.buffer).setUint32(0, payload.byteLength, false);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Splits a byte stream into messages. Feed it chunks as they arrive; it returns the complete
 * messages and keeps the remainder.
 */
export class FrameDecoder {
  private pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly maxPayload: number = MAX_FRAME_PAYLOAD) {}

  /** Bytes held waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.pending.byteLength;
  }

  /** Adds a chunk; returns every message it completed. Throws on a frame over the limit. */
  push(chunk: Uint8Array): Uint8Array[] {
    let data: Uint8Array;
    if (this.pending.byteLength === 0) {
      data = chunk;
    } else {
      data = new Uint8Array(this.pending.byteLength + chunk.byteLength);
      data.set(this.pending, 0);
      data.set(chunk, this.pending.byteLength);
    }
    const messages: Uint8Array[] = [];
    let offset = 0;
    while (data.byteLength - offset >= FRAME_HEADER_BYTES) {
      const length = new DataView(
        data.buffer,
        data.byteOffset + offset,
        FRAME_HEADER_BYTES,
      ).getUint32(0, false);
      if (length > this.maxPayload) {
        throw new RangeError(`Frame of ${length} bytes exceeds the limit of ${this.maxPayload}`);
      }
      if (data.byteLength - offset - FRAME_HEADER_BYTES < length) break;
      const start = offset + FRAME_HEADER_BYTES;
      messages.push(data.slice(start, start + length));
      offset = start + length;
    }
    this.pending = offset === data.byteLength ? new Uint8Array(0) : data.slice(offset);
    return messages;
  }
}
