import * as wsModule from 'ws';

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}

interface SenderStatic {
  frame(data: Buffer, options: FrameOptions): Buffer[];
}

const { Sender } = wsModule as unknown as { Sender: SenderStatic };

/** WebSocket opcode of text frames. */
export const TEXT_OPCODE = 1;
/** WebSocket opcode of binary frames. */
export const BINARY_OPCODE = 2;

/**
 * Frames a payload as one unmasked, uncompressed, final server frame (header and payload in a
 * single buffer), with `ws`'s own framing code.
 */
export function frameWebSocketMessage(payload: Buffer, binary: boolean): Buffer {
  const parts = Sender.frame(payload, {
    fin: true,
    rsv1: false,
    opcode: binary ? BINARY_OPCODE : TEXT_OPCODE,
    mask: false,
    readOnly: true,
  });
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
