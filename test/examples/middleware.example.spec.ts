import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createStreamingTestApp, type StreamingTestApp } from '../../src/testing/index.js';
import {
  ConnectionMetricsInterceptor,
  LiveController,
  perAddressLimit,
} from './middleware.example.js';

/** Opens a WebSocket and resolves once it is open and echoes, or with the close code. */
function attempt(url: string): Promise<{ socket: WebSocket; echoed: boolean; code?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => socket.send('ping'));
    socket.once('message', () => resolve({ socket, echoed: true }));
    socket.once('close', (code) => resolve({ socket, echoed: false, code }));
    socket.once('error', reject);
  });
}

function closed(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  });
}

describe('README middleware example: at most 100 open connections per address', () => {
  let app: StreamingTestApp;
  const sockets: WebSocket[] = [];

  before(async () => {
    app = await createStreamingTestApp({
      controllers: [LiveController],
      providers: [ConnectionMetricsInterceptor],
      config: { middleware: [perAddressLimit] },
    });
  });
  after(async () => {
    await Promise.all(sockets.map(closed));
    await app.close();
  });

  test('100 connections are served, the 101st is refused, and a closed one frees its slot', async () => {
    const url = `ws://127.0.0.1:${app.port}/live`;
    for (let i = 0; i < 100; i += 1) {
      const result = await attempt(url);
      sockets.push(result.socket);
      assert.equal(result.echoed, true, `connection ${i + 1} is served`);
    }
    for (let i = 0; i < 3; i += 1) {
      const refused = await attempt(url);
      assert.deepEqual([refused.echoed, refused.code], [false, 1008], 'over the limit: 1008');
    }
    await closed(sockets.shift() as WebSocket);
    // the refusals above left nothing behind: the freed slot is available again
    let again = await attempt(url);
    for (let tries = 0; !again.echoed && tries < 20; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      again = await attempt(url);
    }
    sockets.push(again.socket);
    assert.equal(again.echoed, true, 'a slot freed by a close is reused');
  });
});
