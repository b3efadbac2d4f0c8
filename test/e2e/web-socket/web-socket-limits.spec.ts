import 'reflect-metadata';
import { Controller, Injectable, type CanActivate } from '@nestjs/common';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import WebSocket from 'ws';
import {
  CloseCode,
  MessageType,
  WebSocketRoute,
  onRoute,
  type SlowConsumerPolicy,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp, type TestPlatform } from '../../../src/testing/index.js';
import { RawWebSocket } from '../../support/raw-websocket.js';
import { delay, waitFor } from '../../support/wait-for.js';

@Controller()
class LimitsController {
  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    for await (const message of conn) await conn.writeMessage(message.type, message.data);
  }

  @WebSocketRoute('held')
  held(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @WebSocketRoute('slow/drop-newest', { slowConsumer: 'drop-newest', writeBufferSize: 256 * 1024 })
  dropNewest(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @WebSocketRoute('slow/drop-oldest', { slowConsumer: 'drop-oldest', writeBufferSize: 256 * 1024 })
  dropOldest(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @WebSocketRoute('slow/disconnect', { slowConsumer: 'disconnect', writeBufferSize: 256 * 1024 })
  disconnect(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @WebSocketRoute('limited', { maxConnections: 2 })
  limited(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @WebSocketRoute('rate', { messageRateLimit: { messages: 5, windowMs: 10_000 } })
  async rate(conn: WebSocketConnection): Promise<void> {
    for await (const message of conn)
      await conn.writeMessage(MessageType.Text, String(message.data));
  }

  @WebSocketRoute('batched', { batching: { intervalMs: 300, maxMessages: 10 } })
  async batched(conn: WebSocketConnection): Promise<void> {
    for (let i = 0; i < 10; i += 1) {
      await conn.send(`m${i}`);
      await delay(5);
    }
    await delay(50);
    await conn.send('done');
  }
}

@Injectable()
class NeverGuard implements CanActivate {
  async canActivate(): Promise<boolean> {
    await delay(2_000);
    return true;
  }
}

@Controller()
class SlowHandshakeController {
  @WebSocketRoute('slow-guard', {})
  slowGuard(conn: WebSocketConnection): void {
    conn.keepOpen();
  }
}

const platforms: TestPlatform[] = ['express', 'fastify'];

async function openRaw(port: number, path: string): Promise<RawWebSocket> {
  return RawWebSocket.connect(port, path);
}

for (const platform of platforms) {
  describe(`WebSocket limits on ${platform}`, () => {
    test('a foreign Origin is refused with 403; same origin and no Origin are accepted', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [LimitsController] });
      try {
        await app
          .test()
          .webSocket('/echo', { headers: { Origin: 'https://evil.example' } })
          .expectRejected(403);
        await app
          .test()
          .webSocket('/echo', { headers: { Origin: `http://127.0.0.1:${app.port}` } })
          .send('x')
          .expectMessage('x')
          .close();
        await app.test().webSocket('/echo').send('y').expectMessage('y').close();
        assert.equal(app.manager.getStats().rejected.origin, 1);
      } finally {
        await app.close();
      }
    });

    test('an origin allow-list with a wildcard accepts subdomains only', async () => {
      const app = await createStreamingTestApp({
        platform,
        controllers: [LimitsController],
        config: { websocket: { checkOrigin: ['https://*.example.com', 'https://app.test'] } },
      });
      try {
        await app
          .test()
          .webSocket('/echo', { headers: { Origin: 'https://chat.example.com' } })
          .send('a')
          .expectMessage('a')
          .close();
        await app
          .test()
          .webSocket('/echo', { headers: { Origin: 'https://app.test' } })
          .send('b')
          .expectMessage('b')
          .close();
        await app
          .test()
          .webSocket('/echo', { headers: { Origin: 'https://example.com.evil.io' } })
          .expectRejected(403);
      } finally {
        await app.close();
      }
    });

    test('connection N+1 over maxConnections gets 503, and a slot frees when one closes', async () => {
      const app = await createStreamingTestApp({
        platform,
        controllers: [LimitsController],
        config: { websocket: { maxConnections: 3 } },
      });
      try {
        const open = [
          app.test().webSocket('/held'),
          app.test().webSocket('/held'),
          app.test().webSocket('/held'),
        ];
        for (const ws of open) await ws.expectOpen();
        await app.test().webSocket('/held').expectRejected(503);
        await open[0].close();
        await waitFor(() => app.manager.getStats().byProtocol.websocket === 2, 'slot freed');
        const again = app.test().webSocket('/held');
        await again.expectOpen();
        assert.equal(app.manager.getStats().rejected.limit, 1);
        await Promise.all([open[1].close(), open[2].close(), again.close()]);
      } finally {
        await app.close();
      }
    });

    test('a route maxConnections applies to that route only', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [LimitsController] });
      try {
        const a = app.test().webSocket('/limited');
        const b = app.test().webSocket('/limited');
        await a.expectOpen();
        await b.expectOpen();
        await app.test().webSocket('/limited').expectRejected(503);
        await app.test().webSocket('/echo').send('still').expectMessage('still').close();
        await Promise.all([a.close(), b.close()]);
      } finally {
        await app.close();
      }
    });

    test('an oversize message closes with 1009', async () => {
      const app = await createStreamingTestApp({
        platform,
        controllers: [LimitsController],
        config: { websocket: { maxMessageSize: 1024 } },
      });
      try {
        await app
          .test()
          .webSocket('/echo')
          .send('x'.repeat(1024))
          .expectMessage('x'.repeat(1024))
          .send('y'.repeat(1025))
          .expectClose(1009);
      } finally {
        await app.close();
      }
    });

    test('a deflate bomb is closed with 1009 when perMessageDeflate is on', async () => {
      const app = await createStreamingTestApp({
        platform,
        controllers: [LimitsController],
        config: { websocket: { maxMessageSize: 64 * 1024, perMessageDeflate: true } },
      });
      try {
        const raw = await RawWebSocket.connect(app.port, '/echo', {
          'Sec-WebSocket-Extensions': 'permessage-deflate',
        });
        const bomb = zlib.deflateRawSync(Buffer.alloc(10 * 1024 * 1024, 0x61));
        assert.ok(bomb.length < 20 * 1024, 'the compressed bomb is small on the wire');
        const payload = bomb.subarray(0, bomb.length);
        raw.write(RawWebSocket.frame(1, payload, { rsv: 4 }));
        assert.equal(await raw.readCloseCode(), 1009);
        raw.destroy();
        await app.test().webSocket('/echo').send('ok').expectMessage('ok').close();
      } finally {
        await app.close();
      }
    });

    test('compressed echo works with perMessageDeflate on', async () => {
      const app = await createStreamingTestApp({
        platform,
        controllers: [LimitsController],
        config: { websocket: { perMessageDeflate: true } },
      });
      try {
        const ws = new WebSocket(`${app.wsUrl}/echo`, { perMessageDeflate: true });
        await new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
        });
        assert.match(ws.extensions, /permessage-deflate/);
        const text = 'compress me '.repeat(500);
        ws.send(text);
        const echoed = await new Promise<string>((resolve) =>
          ws.once('message', (data) => resolve(String(data))),
        );
        assert.equal(echoed, text);
        ws.close();
      } finally {
        await app.close();
      }
    });

    test('a peer that stops answering pings is dropped within pingPeriod + pongWait', async () => {
      const app = await createStreamingTestApp({
        platform,
        controllers: [LimitsController],
        config: { websocket: { pingPeriod: 200, pongWait: 200 } },
      });
      try {
        const raw = await openRaw(app.port, '/held');
        await waitFor(() => app.manager.getStats().byProtocol.websocket === 1, 'connected');
        const started = Date.now();
        await waitFor(() => raw.closed, 'the silent peer is dropped', 5_000);
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 150, `dropped too early (${elapsed} ms)`);
        await waitFor(() => app.manager.getStats().byProtocol.websocket === 0, 'registry updated');
        const live = app.test().webSocket('/held');
        await live.expectOpen();
        await delay(900);
        assert.equal(live.closed, undefined, 'a peer that answers pings stays connected');
        await live.close();
      } finally {
        await app.close();
      }
    });

    test('a client that floods messages over the rate limit is closed with 1008', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [LimitsController] });
      try {
        const ws = app.test().webSocket('/rate');
        for (let i = 0; i < 5; i += 1) await ws.send(`m${i}`).expectMessage(`m${i}`);
        await ws.send('one too many').expectClose(CloseCode.PolicyViolation);
      } finally {
        await app.close();
      }
    });

    test('opt-in batching coalesces writes and keeps their order', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [LimitsController] });
      try {
        const socket = net.connect({ host: '127.0.0.1', port: app.port });
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.write(
          `GET /batched HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
        await waitFor(() => Buffer.concat(chunks).includes('done'), 'all messages arrive');
        const all = Buffer.concat(chunks);
        const body = all.subarray(all.indexOf('\r\n\r\n') + 4);
        const texts: string[] = [];
        for (let offset = 0; offset < body.length;) {
          const length = body[offset + 1] & 0x7f;
          texts.push(body.subarray(offset + 2, offset + 2 + length).toString());
          offset += 2 + length;
        }
        assert.deepEqual(texts.slice(0, 11), [
          'm0',
          'm1',
          'm2',
          'm3',
          'm4',
          'm5',
          'm6',
          'm7',
          'm8',
          'm9',
          'done',
        ]);
        const frameChunks = chunks.filter((chunk) => !chunk.includes('HTTP/1.1'));
        assert.ok(
          frameChunks.length <= 3,
          `ten messages sent over ~50 ms arrived in ${frameChunks.length} reads`,
        );
        socket.destroy();
      } finally {
        await app.close();
      }
    });
  });
}

describe('slow consumers', () => {
  const policies: SlowConsumerPolicy[] = ['drop-newest', 'drop-oldest', 'disconnect'];
  for (const policy of policies) {
    test(`${policy}: a client that never reads keeps server memory bounded and the policy is counted`, async () => {
      const app = await createStreamingTestApp({ controllers: [LimitsController] });
      try {
        const raw = net.connect({ host: '127.0.0.1', port: app.port });
        raw.write(
          `GET /slow/${policy} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
        await waitFor(
          () => app.manager.connections(onRoute(`/slow/${policy}`)).length === 1,
          'connected',
        );
        raw.pause();
        const conn = app.manager.connections(onRoute(`/slow/${policy}`))[0];
        const payload = 'x'.repeat(64 * 1024);
        let maxBuffered = 0;
        for (let i = 0; i < 600 && !conn.isClosed; i += 1) {
          await app.manager.broadcast(payload, onRoute(`/slow/${policy}`));
          maxBuffered = Math.max(maxBuffered, conn.bufferedAmount);
          if (i % 50 === 0) await delay(1);
        }
        const stats = app.manager.getStats();
        assert.ok(
          maxBuffered <= 256 * 1024 + 64 * 1024 + 16,
          `buffered ${maxBuffered} bytes, limit 256 KiB + one message`,
        );
        if (policy === 'disconnect') {
          await waitFor(() => conn.isClosed, 'the slow consumer is disconnected');
          assert.equal(stats.slowConsumerDisconnects, 1);
        } else {
          assert.equal(conn.isClosed, false, 'the connection stays open');
          assert.ok(stats.droppedMessages > 0, 'dropped messages are counted');
        }
        raw.destroy();
      } finally {
        await app.close();
      }
    });
  }
});

describe('handshake timeouts', () => {
  test('a handshake whose guards outlast handshakeTimeout gets 408', async () => {
    const app = await createStreamingTestApp({
      controllers: [SlowHandshakeController],
      providers: [NeverGuard],
      config: { websocket: { handshakeTimeout: 300 } },
    });
    try {
      app.manager.webSocket('/slow-programmatic', (conn) => conn.keepOpen(), {
        guards: [new NeverGuard()],
      });
      await app.test().webSocket('/slow-programmatic').expectRejected(408);
      assert.equal(app.manager.getStats().rejected.timeout, 1);
    } finally {
      await app.close();
    }
  });
});
