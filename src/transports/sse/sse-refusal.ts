import type { ServerResponse } from 'node:http';
import { refusalPayload, type HandshakeRefusal } from '../../handshake/refusal.js';

/**
 * Answers a refused SSE request with a Nest-style JSON body and the refusal's status (never
 * `text/event-stream`). Route headers (CORS) are included so browsers can read the refusal.
 */
export function writeJsonRefusal(
  res: ServerResponse,
  refusal: HandshakeRefusal,
  extraHeaders: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed || res.writableEnded) return;
  const { contentType, payload: body } = refusalPayload(refusal);
  res.writeHead(refusal.status, {
    ...extraHeaders,
    ...refusal.headers,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
