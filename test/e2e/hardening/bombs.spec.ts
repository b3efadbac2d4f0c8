import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketRoute, type WebSocketConnection } from '../../../src/index.js';
import { createStreamingTestApp } from '../../../src/testing/index.js';
import { RawWebSocket } from '../../support/raw-websocket.js';
import { delay, waitFor } from '../../support/wait-for.js';
import { settledHeap } from './heap.js';

@Controller()
class EchoController {
  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    for await (const message of conn) await conn.writeMessage(message.type, message.data);
  }
}

const TEXT = 0x1;
const CONTINUATION = 0x0;

/** `count` one-byte frames of one text message that never ends. */
function unfinishedMessage(count: number): Buffer {
  const frames = [RawWebSocket.frame(TEXT, Buffer.from('a'), { fin: false })];
  for (let i = 1; i < count; i += 1) {
    frames.push(RawWebSocket.frame(CONTINUATION, Buffer.from('a'), { fin: false }));
  }
  return Buffer.concat(frames);
}

describe('fragment bombs', () => {
  test('a fragmented message within maxFragments is reassembled and echoed', async () => {
    const app = await createStreamingTestApp({ controllers: [EchoController] });
    try {
      const raw = await RawWebSocket.connect(app.port, '/echo');
      const parts = ['he', 'll', 'o ', 'fr', 'ag', 's'];
      parts.forEach((part, i) =>
        raw.write(
          RawWebSocket.frame(i === 0 ? TEXT : CONTINUATION, Buffer.from(part), {
            fin: i === parts.length - 1,
          }),
        ),
      );
      const echoed = await raw.readUntil('hello frags');
      assert.ok(echoed.endsWith('hello frags'));
      raw.destroy();
    } finally {
      await app.close();
    }
  });

  test('thousands of one-byte fragments close with 1008 and the heap grows by under 64 KiB per connection', async () => {
    const app = await createStreamingTestApp({ controllers: [EchoController] });
    const connections = 30;
    const fragments = 16_000;
    const bomb = unfinishedMessage(fragments);
    const peers: RawWebSocket[] = [];
    try {
      for (let i = 0; i < connections; i += 1)
        peers.push(await RawWebSocket.connect(app.port, '/echo'));
      const before = settledHeap();
      for (const peer of peers) peer.write(bomb);
      // Either the server refuses the flood (close frame) or it has swallowed all of it.
      const codes = await Promise.all(
        peers.map((peer) => peer.readCloseCode(3_000).catch(() => undefined)),
      );
      await delay(200);
      const growth = (settledHeap() - before) / connections;
      assert.ok(
        growth < 64 * 1024,
        `heap grew by ${Math.round(growth / 1024)} KiB per connection for ${fragments} fragments`,
      );
      assert.deepEqual(new Set(codes), new Set([1008]), 'every flooding peer closed with 1008');
      await waitFor(() => app.manager.getStats().activeConnections === 0, 'all closed');
    } finally {
      for (const peer of peers) peer.destroy();
      await app.close();
    }
  });

  test('websocket.maxFragments set explicitly overrides the derived limit', async () => {
    const app = await createStreamingTestApp({
      controllers: [EchoController],
      config: { websocket: { maxFragments: 4 } },
    });
    try {
      const raw = await RawWebSocket.connect(app.port, '/echo');
      raw.write(unfinishedMessage(5));
      assert.equal(await raw.readCloseCode(), 1008);
      raw.destroy();
    } finally {
      await app.close();
    }
  });
});
