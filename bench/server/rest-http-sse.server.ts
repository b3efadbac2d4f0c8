import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { portOf, type BenchServer } from './bench-server.js';
import { BROADCAST_SINK, createBroadcastHost, type BroadcastSink } from './rest-nest-host.js';
import { acceptSseSubscriber } from './sse-subscriber.js';
import { installWriteCounter } from './write-counter.js';

/** A sink that also keeps the SSE subscribers. */
interface SseSink extends BroadcastSink {
  readonly subscribers: Set<ServerResponse>;
}

/** `GET /events`: a plain SSE stream on the response, kept in the sink's subscribers. */
@Controller()
class SseSubscriberController {
  constructor(@Inject(BROADCAST_SINK) private readonly sink: SseSink) {}

  @Get('events')
  events(@Res() res: ServerResponse): void {
    acceptSseSubscriber(res, this.sink.subscribers);
  }
}

/**
 * Plain SSE streams (`res.write`) behind the same Nest controller as the library's:
 * `POST /broadcast {message}` builds the event once and `res.write`s it to every subscriber
 * before answering 204.
 */
export async function startRestHttpSse(): Promise<BenchServer> {
  installWriteCounter();
  const subscribers = new Set<ServerResponse>();
  const send = (message: string): void => {
    const event = `data: ${message}\n\n`;
    for (const res of subscribers) res.write(event);
  };
  const sink: SseSink = { send, subscribers };
  const app = await createBroadcastHost(sink, [SseSubscriberController]);
  await app.listen(0, '127.0.0.1');
  return {
    port: portOf(app.getHttpServer()),
    broadcast: send,
    close: async () => {
      for (const res of subscribers) res.destroy();
      await app.close();
    },
  };
}
