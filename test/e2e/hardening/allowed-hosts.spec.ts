import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import net from 'node:net';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SseRoute,
  WebSocketRoute,
  WebTransportRoute,
  type SseContext,
  type WebSocketConnection,
  type WebTransportSession,
} from '../../../src/index.js';
import { createStreamingTestApp, type TestPlatform } from '../../../src/testing/index.js';
import {
  startWebTransportApp,
  webTransportModule,
} from '../web-transport/web-transport-fixture.js';
import { http2SessionStatus } from '../web-transport/web-transport-raw-request.js';

@Controller()
class HostsController {
  @WebSocketRoute('ws')
  async echo(conn: WebSocketConnection): Promise<void> {
    for await (const message of conn) await conn.writeMessage(message.type, message.data);
  }

  @WebSocketRoute('ws-internal', { allowedHosts: ['internal.test'] })
  internal(conn: WebSocketConnection): void {
    conn.close(1000);
  }

  @SseRoute('events')
  async events(ctx: SseContext): Promise<void> {
    ctx.writeSSE('hello', 'world');
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
  }
}

/** Sends `request` on a raw socket and resolves with the status of the response head. */
async function statusOf(port: number, request: string): Promise<{ status: number; head: string }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  let text = '';
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no response head in 5 s; got ${JSON.stringify(text)}`)),
        5_000,
      );
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end === -1) return;
        clearTimeout(timer);
        const head = text.slice(0, end);
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.write(request);
    });
  } finally {
    socket.destroy();
  }
}

function upgrade(path: string, host: string, origin: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\n` +
    'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
    'Sec-WebSocket-Version: 13\r\n\r\n'
  );
}

function sse(path: string, host: string, origin: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\n` +
    'Accept: text/event-stream\r\n\r\n'
  );
}

for (const platform of ['express', 'fastify'] as TestPlatform[]) {
  describe(`allowedHosts (${platform})`, () => {
    const config = { allowedHosts: ['localhost', '127.0.0.1'] };

    test('a WebSocket upgrade from a DNS-rebinding page (its own Host and Origin) gets 421', async () => {
      const app = await createStreamingTestApp({
        platform,
        config,
        controllers: [HostsController],
      });
      try {
        const rebound = `rebind.attacker.test:${app.port}`;
        const { status, head } = await statusOf(
          app.port,
          upgrade('/ws', rebound, `http://${rebound}`),
        );
        assert.equal(status, 421, head);
        assert.equal(app.manager.getStats().activeConnections, 0);
        assert.equal(app.manager.getStats().rejected.origin, 1);
      } finally {
        await app.close();
      }
    });

    test('a WebSocket upgrade with an allowed Host and its own Origin is accepted', async () => {
      const app = await createStreamingTestApp({
        platform,
        config,
        controllers: [HostsController],
      });
      try {
        const host = `localhost:${app.port}`;
        const { status, head } = await statusOf(app.port, upgrade('/ws', host, `http://${host}`));
        assert.equal(status, 101, head);
      } finally {
        await app.close();
      }
    });

    test('the same-origin rule compares the Origin with the allowed hosts', async () => {
      const app = await createStreamingTestApp({
        platform,
        config,
        controllers: [HostsController],
      });
      try {
        const host = `localhost:${app.port}`;
        const listed = await statusOf(
          app.port,
          upgrade('/ws', host, `http://127.0.0.1:${app.port}`),
        );
        assert.equal(listed.status, 101, listed.head);
        const foreign = await statusOf(
          app.port,
          upgrade('/ws', host, `http://rebind.attacker.test:${app.port}`),
        );
        assert.equal(foreign.status, 403, foreign.head);
      } finally {
        await app.close();
      }
    });

    test('a route list overrides the module list', async () => {
      const app = await createStreamingTestApp({
        platform,
        config,
        controllers: [HostsController],
      });
      try {
        const local = await statusOf(
          app.port,
          upgrade('/ws-internal', 'localhost', 'http://localhost'),
        );
        assert.equal(local.status, 421, local.head);
        const internal = await statusOf(
          app.port,
          upgrade('/ws-internal', 'internal.test', 'http://internal.test'),
        );
        assert.equal(internal.status, 101, internal.head);
      } finally {
        await app.close();
      }
    });

    test('an SSE request from a DNS-rebinding page gets 421', async () => {
      const app = await createStreamingTestApp({
        platform,
        config,
        controllers: [HostsController],
      });
      try {
        const rebound = `rebind.attacker.test:${app.port}`;
        const { status, head } = await statusOf(
          app.port,
          sse('/events', rebound, `http://${rebound}`),
        );
        assert.equal(status, 421, head);
        assert.equal(app.manager.getStats().activeConnections, 0);
      } finally {
        await app.close();
      }
    });

    test('an SSE request with an allowed Host is streamed', async () => {
      const app = await createStreamingTestApp({
        platform,
        config,
        controllers: [HostsController],
      });
      try {
        const host = `127.0.0.1:${app.port}`;
        const { status, head } = await statusOf(app.port, sse('/events', host, `http://${host}`));
        assert.equal(status, 200, head);
        assert.match(head, /text\/event-stream/i);
      } finally {
        await app.close();
      }
    });
  });
}

describe('allowedHosts unset', () => {
  test('every Host is accepted, as before', async () => {
    const app = await createStreamingTestApp({ controllers: [HostsController] });
    try {
      const rebound = `rebind.attacker.test:${app.port}`;
      const { status, head } = await statusOf(
        app.port,
        upgrade('/ws', rebound, `http://${rebound}`),
      );
      assert.equal(status, 101, head);
    } finally {
      await app.close();
    }
  });
});

@Controller()
class SessionController {
  @WebTransportRoute('wt')
  session(session: WebTransportSession): void {
    session.keepOpen();
  }
}

describe('allowedHosts (WebTransport)', () => {
  test('a session for a rebinding :authority gets 421; an allowed one is accepted', async () => {
    const wt = await startWebTransportApp(
      webTransportModule([SessionController], { allowedHosts: ['127.0.0.1'] }),
    );
    try {
      const url = wt.url('/wt');
      const port = new URL(url).port;
      const rebound = await http2SessionStatus(url, {
        ':authority': `rebind.attacker.test:${port}`,
        origin: `https://rebind.attacker.test:${port}`,
      });
      assert.equal(rebound, 421);
      assert.equal(await http2SessionStatus(url), 200);
    } finally {
      await wt.close();
    }
  });
});
