import type { IncomingMessage, ServerResponse } from 'node:http';

/** The body of `POST /broadcast`: the message, and which subscribers get it. */
export interface BroadcastRequest {
  readonly message: string;
  readonly protocol?: 'websocket' | 'sse';
}

/** True when `value` is a well-formed {@link BroadcastRequest}. */
export function isBroadcastRequest(value: unknown): value is BroadcastRequest {
  if (typeof value !== 'object' || value === null) return false;
  const { message, protocol } = value as Record<string, unknown>;
  return (
    typeof message === 'string' &&
    (protocol === undefined || protocol === 'websocket' || protocol === 'sse')
  );
}

/**
 * Serves `POST /broadcast` on a plain `node:http` server: reads the JSON body, hands a valid
 * request to `broadcast` and answers 204 (400 for a bad body, 404 for any other route).
 */
export function serveBroadcastRequest(
  req: IncomingMessage,
  res: ServerResponse,
  broadcast: (request: BroadcastRequest) => void,
): void {
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    if (!isBroadcastRequest(body)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Expected {"message": string}');
      return;
    }
    broadcast(body);
    res.writeHead(204).end();
  });
}
