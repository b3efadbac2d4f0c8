import type { Duplex } from 'node:stream';
import { refusalPayload, statusText, type HandshakeRefusal } from '../../handshake/refusal.js';

/**
 * Answers a request on a raw socket (an upgrade that will not happen) with a complete HTTP
 * response and closes the socket once it is written.
 */
export function writeRawRefusal(
  socket: Duplex,
  refusal: HandshakeRefusal,
  extraHeaders: Record<string, string> = {},
): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const { contentType, payload: body } = refusalPayload(refusal);
  const headers = {
    ...refusal.headers,
    Connection: 'close',
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body)),
    ...extraHeaders,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${refusal.status} ${statusText(refusal.status)}\r\n${head}\r\n\r\n${body}`);
}
