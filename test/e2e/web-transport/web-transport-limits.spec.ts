import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamingManager,
  WebTransportRoute,
  inRoom,
  protocol,
  type WebTransportSession,
} from '../../../src/index.js';
import {
  readAll,
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
  echoBidirectionalStreams,
} from './web-transport-fixture.js';
import { waitFor } from '../../support/wait-for.js';

@Controller('wt')
class LimitsController {
  @WebTransportRoute('streams', { maxStreams: 3 })
  async streams(session: WebTransportSession): Promise<void> {
    session.keepOpen();
    echoBidirectionalStreams(session);
  }

  @WebTransportRoute('rooms/:room')
  room(session: WebTransportSession): void {
    session.join(String(session.get('room')));
    session.keepOpen();
  }
}

async function echoOnce(
  stream: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> },
  data: string,
): Promise<string> {
  const writer = stream.writable.getWriter();
  await writer.write(new TextEncoder().encode(data));
  const reader = stream.readable.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  writer.releaseLock();
  return new TextDecoder().decode(value);
}

describe('WebTransport limits and broadcasts', () => {
  let wt: WebTransportTestApp;
  let manager: StreamingManager;
  before(async () => {
    wt = await startWebTransportApp(webTransportModule([LimitsController]));
    manager = wt.app.get(StreamingManager);
  });
  after(async () => {
    await wt.close();
  });

  test('streams up to maxStreams succeed concurrently and one more is refused', async () => {
    const client = await wt.connect('/wt/streams');
    const open = await Promise.all([1, 2, 3].map(() => client.createBidirectionalStream()));
    const replies = await Promise.all(open.map((stream, i) => echoOnce(stream, `stream ${i}`)));
    assert.deepEqual(replies, ['stream 0', 'stream 1', 'stream 2']);
    const extra = await client.createBidirectionalStream();
    const writer = extra.writable.getWriter();
    await writer.write(new TextEncoder().encode('one too many')).catch(() => undefined);
    await assert.rejects(readAll(extra.readable), 'the extra stream should be reset');
    const session = manager.connections().find((c) => c.route === '/wt/streams') as unknown as {
      refusedStreams: number;
    };
    assert.equal(session.refusedStreams, 1);
    // The three streams are still usable after the refusal.
    assert.equal(await echoOnce(open[0], 'still open'), 'still open');
    client.close();
  });

  test('a broadcast reaches WebTransport sessions only when the filter says so', async () => {
    const red = await wt.connect('/wt/rooms/red');
    const blue = await wt.connect('/wt/rooms/blue');
    await waitFor(
      () => manager.connections().filter((c) => c.route === '/wt/rooms/:room').length === 2,
      'both sessions',
    );
    const toRed = await manager.broadcast('to red', inRoom('red'));
    assert.equal(toRed.delivered, 1);
    assert.equal(await red.receiveText(), 'to red');
    const toSse = await manager.broadcast('to sse only', protocol('sse'));
    assert.equal(toSse.delivered, 0);
    await manager.broadcast({ all: true }, protocol('webtransport'));
    assert.equal(await red.receiveText(), '{"all":true}');
    assert.equal(await blue.receiveText(), '{"all":true}', 'blue got the red-only message');
    red.close();
    blue.close();
  });
});
