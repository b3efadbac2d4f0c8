import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';

/** One received SSE event. */
export interface ReceivedEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/** A raw SSE client recording every event (no automatic reconnection). */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  ended = false;

  private constructor(
    private readonly req: ClientRequest,
    readonly res: IncomingMessage,
  ) {
    const parser = createParser({
      onEvent: (event) => this.events.push({ id: event.id, event: event.event, data: event.data }),
    });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.feed(chunk));
    res.on('end', () => (this.ended = true));
    res.on('error', () => (this.ended = true));
  }

  /** Opens `path` on `port`; resolves once the response headers arrived (status 200 expected). */
  static open(port: number, path: string, lastEventId?: string): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET ${path}: status ${res.statusCode}`));
          return;
        }
        resolve(new SseClient(req, res));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Events with this name. */
  named(event: string): ReceivedEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** Closes the stream. */
  close(): void {
    this.req.destroy();
  }
}
