import type { ServerResponse } from 'node:http';

/** Opens an SSE stream on `res` (headers and a first comment) and keeps it in `subscribers`. */
export function acceptSseSubscriber(res: ServerResponse, subscribers: Set<ServerResponse>): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(':ok\n\n');
  subscribers.add(res);
  res.on('close', () => subscribers.delete(res));
}
