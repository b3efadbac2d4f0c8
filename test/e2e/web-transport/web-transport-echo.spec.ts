import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamingManager,
  WebTransportRoute,
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
class EchoController {
  @WebTransportRoute('echo')
  async echo(session: WebTransportSession): Promise<void> {
    session.keepOpen();
    echoBidirectionalStreams(session);
    void (async () => {
      for await (const stream of session.incomingUnidirectionalStreams) {
        void (async () => {
          let total = 0;
          for await (const chunk of stream) total += chunk.byteLength;
          const reply = await session.createUnidirectionalStream();
          await reply.write(`received ${total}`);
          await reply.close();
        })().catch(() => undefined);
      }
    })();
    for (;;) {
      const message = await session.receiveMessage();
      await session.sendMessage(message);
    }
  }
}

const text = new TextDecoder();

describe('WebTransport over HTTP/2 with the Node client', () => {
  let wt: WebTransportTestApp;
  before(async () => {
    wt = await startWebTransportApp(webTransportModule([EchoController]));
  });
  after(async () => {
    await wt.close();
  });

  test('echoes a text message and a binary message on the message stream', async () => {
    const client = await wt.connect('/wt/echo');
    assert.equal(client.implementation, 'node');
    await client.sendMessage('hello');
    assert.equal(await client.receiveText(), 'hello');
    const binary = new Uint8Array([0, 1, 2, 250, 255, 0]);
    await client.sendMessage(binary);
    assert.deepEqual(await client.receiveMessage(), binary);
    client.close();
  });

  test('a bidirectional stream carrying 1 MiB comes back byte-identical', async () => {
    const client = await wt.connect('/wt/echo');
    const stream = await client.createBidirectionalStream();
    const payload = new Uint8Array(1024 * 1024);
    for (let i = 0; i < payload.length; i += 1) payload[i] = (i * 31 + (i >> 10)) & 0xff;
    const received = readAll(stream.readable);
    const writer = stream.writable.getWriter();
    await writer.write(payload);
    await writer.close();
    const echoed = await received;
    assert.equal(echoed.byteLength, payload.byteLength);
    assert.ok(Buffer.from(echoed).equals(Buffer.from(payload)), 'echoed bytes differ');
    client.close();
  });

  test('unidirectional streams work both ways', async () => {
    const client = await wt.connect('/wt/echo');
    const incoming = client.incomingUnidirectionalStreams.getReader();
    const out = await client.createUnidirectionalStream();
    const writer = out.getWriter();
    await writer.write(new Uint8Array(300_000));
    await writer.close();
    const { value: reply } = await incoming.read();
    assert.ok(reply, 'the server opened no unidirectional stream');
    assert.equal(text.decode(await readAll(reply)), 'received 300000');
    client.close();
  });

  test('closing the client removes the session from the registry and the stats', async () => {
    const manager = wt.app.get(StreamingManager);
    const count = () => manager.connections().filter((c) => c.protocol === 'webtransport').length;
    await waitFor(() => count() === 0, 'earlier sessions to close');
    const client = await wt.connect('/wt/echo');
    await client.sendMessage('ping');
    await client.receiveMessage();
    assert.equal(manager.getStats().byProtocol.webtransport, 1);
    assert.equal(count(), 1);
    const closedBefore = manager.getStats().connectionsClosed;
    client.close(0, 'done');
    await waitFor(
      () => manager.getStats().byProtocol.webtransport === 0,
      'the session to leave the stats',
    );
    assert.equal(count(), 0);
    assert.equal(manager.getStats().connectionsClosed, closedBefore + 1);
  });
});
