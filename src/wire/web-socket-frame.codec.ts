/** WebSocket opcode of text frames. */
export const TEXT_OPCODE = 1;
/** WebSocket opcode of binary frames. */
export const BINARY_OPCODE = 2;

/** FIN bit of the first header byte: the frame is a whole message. */
const FIN = 0x80;
/** Payload lengths up to this fit in the 7-bit length field. */
const MAX_SHORT_LENGTH = 125;
/** Payload lengths up to this use the 16-bit extended length. */
const MAX_MEDIUM_LENGTH = 0xffff;

/** Header size of an unmasked frame carrying `length` payload bytes (RFC 6455 §5.2). */
function headerLength(length: number): number {
  if (length <= MAX_SHORT_LENGTH) return 2;
  return length <= MAX_MEDIUM_LENGTH ? 4 : 10;
}

/** Writes the header of a final, unmasked, uncompressed frame at the start of `frame`. */
function writeHeader(frame: Buffer, opcode: number, length: number): void {
  frame[0] = FIN | opcode;
  if (length <= MAX_SHORT_LENGTH) {
    frame[1] = length;
  } else if (length <= MAX_MEDIUM_LENGTH) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
}

/**
 * Frames a payload as one unmasked, uncompressed, final server frame: header and payload in a
 * single buffer (one allocation, one copy), ready for one socket write.
 */
export function frameWebSocketMessage(payload: Uint8Array, binary: boolean): Buffer {
  const offset = headerLength(payload.byteLength);
  const frame = Buffer.allocUnsafe(offset + payload.byteLength);
  writeHeader(frame, binary ? BINARY_OPCODE : TEXT_OPCODE, payload.byteLength);
  frame.set(payload, offset);
  return frame;
}

/**
 * Frames a text message straight from the string: the UTF-8 bytes are encoded into the frame
 * itself, with no intermediate payload buffer.
 */
export function frameWebSocketText(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const offset = headerLength(length);
  const frame = Buffer.allocUnsafe(offset + length);
  writeHeader(frame, TEXT_OPCODE, length);
  frame.write(text, offset, length, 'utf8');
  return frame;
}
