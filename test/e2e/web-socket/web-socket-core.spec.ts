import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import {
  createStreamingTestApp,
  type StreamingTestApp,
  type TestPlatform,
} from '../../../src/testing/index.js';
import {
  ChatController,
  ClassGuardedController,
  EchoController,
  HeaderRoleGuard,
  LifetimeInterceptor,
  MethodGuardedController,
} from './fixtures.js';
import { RawWebSocket, rawHttp } from '../../support/raw-websocket.js';
import { waitFor } from '../../support/wait-for.js';

const platforms: TestPlatform[] = ['express', 'fastify'];

for (const platform of platforms) {
  describe(`WebSocket core on ${platform}`, () => {
    let app: StreamingTestApp;

    before(async () => {
      app = await createStreamingTestApp({
        platform,
        controllers: [
          EchoController,
          ClassGuardedController,
          MethodGuardedController,
          ChatController,
        ],
        providers: [HeaderRoleGuard, LifetimeInterceptor],
      });
    });
    after(() => app.close());

    test('sends the welcome message, then echoes text as text and binary as binary', async () => {
      const ws = app.test().webSocket('/ws/echo');
      await ws
        .expectMessage('Connected to WebSocket')
        .send('hello there')
        .expectMessage('hello there')
        .send(Buffer.from([0, 1, 2, 254, 255]))
        .expectMessage(new Uint8Array([0, 1, 2, 254, 255]))
        .close();
    });

    test('a handler that returns closes the connection normally after its message', async () => {
      await app.test().webSocket('/ws/hello').expectMessage('hello').expectClose(1000);
    });

    test('route params, path and query reach the connection context', async () => {
      await app
        .test()
        .webSocket('/ws/params/lobby/42?x=1')
        .expectMessage({
          roomId: 'lobby',
          item: '42',
          path: '/ws/params/lobby/42',
          query: { x: '1' },
        });
    });

    test('the connection keeps the request headers but not the upgrade mechanics', async () => {
      const names = await app
        .test()
        .webSocket('/ws/headers', { headers: { 'X-Client': 'suite' } })
        .nextMessage();
      const kept = JSON.parse(String(names.data)) as string[];
      assert.ok(kept.includes('x-client'), `kept: ${kept.join(', ')}`);
      assert.ok(kept.includes('host'));
      for (const name of [
        'connection',
        'upgrade',
        'sec-websocket-key',
        'sec-websocket-version',
        'sec-websocket-extensions',
      ]) {
        assert.ok(!kept.includes(name), `${name} should be left out`);
      }
    });

    test('an unknown path is refused with 404 and no upgrade', async () => {
      await app.test().webSocket('/ws/nope').expectRejected(404);
    });

    test('a class-level guard refuses with 401 (exception) and 403 (false) before any upgrade', async () => {
      await app.test().webSocket('/guarded/ws').expectRejected(401);
      await app
        .test()
        .webSocket('/guarded/ws', { headers: { 'x-role': 'guest' } })
        .expectRejected(403);
      await app
        .test()
        .webSocket('/guarded/ws', { headers: { 'x-role': 'admin' } })
        .expectMessage({ user: { id: 'admin-1', role: 'admin' }, userId: 'admin-1' });
    });

    test('a method-level guard applies to its route only', async () => {
      await app
        .test()
        .webSocket('/method-guarded/ws', { headers: { 'x-role': 'guest' } })
        .expectRejected(403);
      await app
        .test()
        .webSocket('/method-guarded/ws', { headers: { 'x-role': 'admin' } })
        .expectMessage({ userId: 'admin-1' });
      await app.test().webSocket('/method-guarded/open').expectMessage('open');
    });

    test('a refused handshake gets a JSON body and never a 101', async () => {
      const response = await rawHttp(
        app.port,
        `GET /guarded/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      assert.equal(response.status, 401);
      assert.doesNotMatch(response.text, /101 Switching/);
      assert.match(response.text, /"statusCode":401/);
    });

    test('a malformed upgrade request gets 400 without running the handler', async () => {
      const response = await rawHttp(
        app.port,
        `GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      assert.equal(response.status, 400);
    });

    test('an Observable returned by the handler is sent message by message', async () => {
      await app
        .test()
        .webSocket('/ws/observable')
        .send('a')
        .expectMessage({ echoed: 'a' })
        .send('b')
        .expectMessage({ echoed: 'b' })
        .close();
    });

    test('interceptors wrap the whole connection lifetime', async () => {
      LifetimeInterceptor.events.length = 0;
      const ws = app.test().webSocket('/ws/intercepted');
      await ws.expectNoMessage(50);
      assert.deepEqual(LifetimeInterceptor.events, ['start:websocket']);
      await ws.send('done').expectClose(1000);
      await waitFor(() => LifetimeInterceptor.events.length === 3, 'interceptor finalize');
      assert.deepEqual(LifetimeInterceptor.events, ['start:websocket', 'handler-done', 'end']);
    });

    test('a handler that throws closes with 1011 and the server keeps serving', async () => {
      const before = app.manager.getStats().errors;
      await app.test().webSocket('/ws/throws').send('x').expectClose(1011);
      await app.test().webSocket('/ws/hello').expectMessage('hello');
      assert.ok(app.manager.getStats().errors > before, 'the error is counted');
    });

    test('an exception filter maps a handler error to its own close code', async () => {
      await app.test().webSocket('/ws/teapot').send('x').expectClose(4418);
    });

    test('a StreamingException chooses the close code', async () => {
      await app.test().webSocket('/ws/streaming-exception').send('x').expectClose(1008);
    });

    test('protocol abuse on a raw socket gets the right close code and the server keeps serving', async () => {
      const cases: { name: string; frame: Buffer; code: number }[] = [
        {
          name: 'unmasked client frame',
          frame: RawWebSocket.frame(1, Buffer.from('hi'), { mask: false }),
          code: 1002,
        },
        { name: 'reserved opcode', frame: RawWebSocket.frame(3, Buffer.from('hi')), code: 1002 },
        {
          name: 'fragmented control frame',
          frame: RawWebSocket.frame(9, Buffer.from('p'), { fin: false }),
          code: 1002,
        },
        {
          name: 'reserved bit without extension',
          frame: RawWebSocket.frame(1, Buffer.from('hi'), { rsv: 4 }),
          code: 1002,
        },
        {
          name: 'invalid UTF-8 in a text frame',
          frame: RawWebSocket.frame(1, Buffer.from([0xc3, 0x28])),
          code: 1007,
        },
      ];
      for (const { name, frame, code } of cases) {
        const raw = await RawWebSocket.connect(app.port, '/ws/echo');
        await raw.readUntil('Connected to WebSocket');
        raw.write(frame);
        assert.equal(await raw.readCloseCode(), code, name);
        raw.destroy();
      }
      await app.test().webSocket('/ws/hello').expectMessage('hello');
    });

    test('rooms: a chat message reaches the other members of the room only', async () => {
      const alice = app.test().webSocket('/chat/a');
      const bob = app.test().webSocket('/chat/a');
      const carol = app.test().webSocket('/chat/b');
      await alice.expectMessage((m) => String(m.data).includes('"joined":"a"'));
      await bob.expectMessage((m) => String(m.data).includes('"joined":"a"'));
      await carol.expectMessage((m) => String(m.data).includes('"joined":"b"'));
      await alice.send('hi all').expectNoMessage(150);
      await bob.expectMessage((m) => JSON.parse(String(m.data)).text === 'hi all');
      await carol.expectNoMessage(150);
      await Promise.all([alice.close(), bob.close(), carol.close()]);
    });

    test('closing a client removes its connection from the registry', async () => {
      const ws = app.test().webSocket('/ws/echo');
      await ws.expectMessage('Connected to WebSocket');
      const during = app.manager.getStats().byProtocol.websocket;
      assert.ok(during >= 1);
      await ws.close();
      await waitFor(
        () => app.manager.getStats().byProtocol.websocket === during - 1,
        'registry count drops',
      );
    });

    test('a raw ws client sees the negotiated token-carrier subprotocol, never the token', async () => {
      const ws = new WebSocket(`${app.wsUrl}/ws/hello`, ['access_token', 'secret.token.value']);
      const protocol = await new Promise<string>((resolve, reject) => {
        ws.once('open', () => resolve(ws.protocol));
        ws.once('error', reject);
      });
      assert.equal(protocol, 'access_token');
      ws.terminate();
    });
  });
}
