import http from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** A test SSE client on `http.get` + `eventsource-parser`: events are queued for reading in order. */
export class TestEventStream {
  private readonly queue: EventSourceMessage[] = [];
  private readonly waiters: ((event: EventSourceMessage | undefined) => void)[] = [];
  private ended = false;
  /** Every event received so far (read or not). */
  readonly received: EventSourceMessage[] = [];

  private constructor(
    private readonly request: http.ClientRequest,
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    response: http.IncomingMessage,
  ) {
    const parser = createParser({
      onEvent: (event) => {
        this.received.push(event);
        const waiter = this.waiters.shift();
        if (waiter) waiter(event);
        else this.queue.push(event);
      },
    });
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => parser.feed(chunk));
    const end = () => {
      this.ended = true;
      for (const waiter of this.waiters.splice(0)) waiter(undefined);
    };
    response.on('end', end);
    response.on('close', end);
    response.on('error', end);
  }

  /** Opens `url`; resolves once the response headers arrived (whatever the status). */
  static open(url: string, headers: Record<string, string> = {}): Promise<TestEventStream> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
      request.once('response', (response) =>
        resolve(new TestEventStream(request, response.statusCode ?? 0, response.headers, response)),
      );
      request.once('error', reject);
    });
  }

  /** Whether the server ended the stream. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** The next event (in order); rejects on timeout or when the stream ended. */
  next(timeoutMs = 10_000): Promise<EventSourceMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.reject(new Error('The stream ended'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(new Error(`No event within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (event: EventSourceMessage | undefined) => {
        clearTimeout(timer);
        if (event) resolve(event);
        else reject(new Error('The stream ended'));
      };
      this.waiters.push(waiter);
    });
  }

  /** The next event named `name`, skipping others. */
  async nextNamed(name: string, timeoutMs = 10_000): Promise<EventSourceMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.next(Math.max(1, deadline - Date.now()));
      if (event.event === name) return event;
    }
  }

  /** Closes the connection. */
  close(): void {
    this.request.destroy();
  }
}
