// README: "WebTransport" (basic handler, bidirectional streams)
import { Controller, Get } from '@nestjs/common';
import { WebTransportRoute, type WebTransportSession } from 'nestjs-forge-streaming';

@Controller()
export class TransportController {
  /** Messages: reliable, ordered, framed on the session's message stream. */
  @WebTransportRoute('/wt')
  async echo(session: WebTransportSession): Promise<void> {
    await session.sendMessage('Connected to WebTransport');
    for (;;) {
      const data = await session.receiveMessage(); // rejects once the session closes
      await session.sendMessage(data);
    }
  }

  /** Bidirectional streams: echo every stream the client opens, and open one of our own. */
  @WebTransportRoute('/wt/streams')
  async streams(session: WebTransportSession): Promise<void> {
    const push = await session.createBidirectionalStream();
    await push.write('hello from the server');
    await push.close();
    for await (const stream of session.incomingBidirectionalStreams) {
      void (async () => {
        for await (const chunk of stream) await stream.write(chunk);
        await stream.close();
      })();
    }
  }

  @Get('health')
  health(): string {
    return 'ok';
  }
}
