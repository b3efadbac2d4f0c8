import { Controller } from '@nestjs/common';
import {
  ConnectionClosedError,
  WebTransportRoute,
  type WebTransportBidiStream,
  type WebTransportSession,
} from 'nestjs-forge-streaming';

async function echoStream(stream: WebTransportBidiStream): Promise<void> {
  try {
    for await (const chunk of stream) await stream.write(chunk);
    await stream.close();
  } catch {
    await stream.abort('echo failed').catch(() => undefined);
  }
}

async function echoMessages(session: WebTransportSession): Promise<void> {
  try {
    for (;;) await session.sendMessage(await session.receiveMessage());
  } catch (error) {
    if (!(error instanceof ConnectionClosedError)) throw error;
  }
}

async function echoStreams(session: WebTransportSession): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const stream of session.incomingBidirectionalStreams) {
    const echo = echoStream(stream).finally(() => running.delete(echo));
    running.add(echo);
  }
  await Promise.all(running);
}

/**
 * WebTransport `/wt/echo` (on `WT_PORT`): echoes every framed message and every bidirectional
 * stream the client opens, until the client leaves.
 */
@Controller()
export class WebTransportEchoController {
  @WebTransportRoute('wt/echo')
  async echo(session: WebTransportSession): Promise<void> {
    await Promise.all([echoMessages(session), echoStreams(session)]);
  }
}
