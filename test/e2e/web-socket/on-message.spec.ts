import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { MessageType, WebSocketRoute, type WebSocketConnection } from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { waitFor } from '../../support/wait-for.js';

@Controller('sync')
class SyncController {
  /** Echoes on the synchronous path until "switch", then reads the rest with `for await`. */
  @WebSocketRoute('echo')
  echo(conn: WebSocketConnection): void {
    const stop = conn.onMessage((message) => {
      if (message.data === 'switch') {
        stop();
        void (async () => {
          for await (const next of conn)
            await conn.writeMessage(MessageType.Text, `async:${String(next.data)}`);
        })().catch(() => undefined);
        return;
      }
      void conn.writeMessage(message.type, message.data);
    });
  }

  @WebSocketRoute('throws')
  throws(conn: WebSocketConnection): void {
    conn.onMessage(() => {
      throw new Error('listener failed');
    });
  }
}

async function open(url: string): Promise<{ socket: WebSocket; received: string[] }> {
  const socket = new WebSocket(url);
  const received: string[] = [];
  socket.on('message', (data) => received.push(String(data)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, received };
}

describe('WebSocket synchronous message path (conn.onMessage)', () => {
  let app: StreamingTestApp;
  before(async () => {
    app = await createStreamingTestApp({ controllers: [SyncController] });
  });
  after(async () => {
    await app.close();
  });

  it('hands every message to the listener, keeps the connection open, then queues again once removed', async () => {
    const { socket, received } = await open(`${app.wsUrl}/sync/echo`);
    try {
      for (const text of ['one', 'two', 'three']) socket.send(text);
      await waitFor(() => received.length === 3, 'three echoes');
      assert.deepEqual(received, ['one', 'two', 'three']);
      socket.send('switch');
      socket.send('four');
      await waitFor(() => received.length === 4, 'the echo of the async reader');
      assert.equal(received[3], 'async:four');
    } finally {
      socket.close();
    }
  });

  it('closes with 1011 when the listener throws', async () => {
    const { socket } = await open(`${app.wsUrl}/sync/throws`);
    socket.send('x');
    const code = await new Promise<number>((resolve) => socket.once('close', resolve));
    assert.equal(code, 1011);
  });
});
