import { request, type ClientRequest } from 'node:http';

const EVENT_MARK = /data: ?s:\d/g;
const CARRY = 16;

/**
 * An SSE load client on plain `node:http`: counts the benchmark's events (`data: s:<n>:…`) in the
 * stream, including events split across chunks, and reports each to `onEvents`.
 */
export class SseClient {
  readonly ready: Promise<void>;
  private readonly req: ClientRequest;
  private carry = '';

  constructor(port: number, path: string, onEvents: (count: number) => void) {
    this.req = request({
      host: '127.0.0.1',
      port,
      path,
      agent: false,
      headers: { accept: 'text/event-stream' },
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.req.once('error', reject);
      this.req.once('response', (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`SSE refused with HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => {
          const text = this.carry + chunk;
          let count = 0;
          EVENT_MARK.lastIndex = 0;
          let match: RegExpExecArray | null;
          while ((match = EVENT_MARK.exec(text)) !== null) {
            if (match.index + match[0].length > this.carry.length) count += 1;
          }
          this.carry = text.slice(-CARRY);
          if (count > 0) onEvents(count);
        });
        res.on('error', () => undefined);
        resolve();
      });
    });
    this.ready.catch(() => undefined);
    this.req.on('error', () => undefined);
    this.req.end();
  }

  /** Closes the connection. */
  close(): void {
    this.req.destroy();
  }
}

/** Opens `count` SSE clients, at most `concurrency` at a time. */
export async function openSseClients(
  count: number,
  make: (index: number) => SseClient,
  concurrency = 100,
): Promise<SseClient[]> {
  const clients: SseClient[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      clients[index] = make(index);
      await clients[index].ready;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } catch (error) {
    for (const client of clients) client?.close();
    throw error;
  }
  return clients;
}
