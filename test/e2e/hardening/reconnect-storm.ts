import net from 'node:net';

/** What one attempt got: an HTTP status ("503"), a socket error code, or "no answer". */
export type AttemptOutcome = string;

/** A WebSocket upgrade request for `path`. */
export function upgradeRequest(port: number, path: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
    `Sec-WebSocket-Version: 13\r\n\r\n`
  );
}

/** An SSE request for `path` on a connection that closes after the response. */
export function sseRequest(port: number, path: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n` +
    `Connection: close\r\n\r\n`
  );
}

/** Sends `request` on a new connection; the status of the answer, or why there was none. */
export function attempt(
  port: number,
  request: string,
  answerWithinMs: number,
): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('no answer');
    }, answerWithinMs);
    const settle = (outcome: AttemptOutcome): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (status && text.includes('\r\n\r\n')) settle(status[1]);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? 'error'));
    socket.on('close', () => settle(text === '' ? 'closed without answer' : 'incomplete answer'));
    socket.write(request);
  });
}

/**
 * Clients that reconnect at once after every refusal, as a fleet does during a rolling deploy:
 * `parallel` loops of `request` until the port refuses connections. Counts every outcome.
 */
export async function reconnectStorm(
  port: number,
  request: string,
  parallel: number,
  answerWithinMs: number,
): Promise<Map<AttemptOutcome, number>> {
  const outcomes = new Map<AttemptOutcome, number>();
  const loop = async (): Promise<void> => {
    for (;;) {
      const outcome = await attempt(port, request, answerWithinMs);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (outcome === 'ECONNREFUSED') return;
    }
  };
  await Promise.all(Array.from({ length: parallel }, loop));
  return outcomes;
}
