import * as wsModule from 'ws';

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}
const { Sender } = wsModule as unknown as {
  Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] };
};

/** One unmasked WebSocket text frame holding `message`, built by `ws` (to write it as is). */
export function textFrame(message: string): Buffer {
  const parts = Sender.frame(Buffer.from(message), {
    fin: true,
    rsv1: false,
    opcode: 1,
    mask: false,
    readOnly: false,
  });
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
