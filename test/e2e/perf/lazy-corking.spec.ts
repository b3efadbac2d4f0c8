import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { NEVER } from 'rxjs';
import { WebSocket } from 'ws';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import { WebSocketRoute } from '../../../src/decorators/web-socket-route.decorator.js';
import type {
  SseContext,
  WebSocketConnection,
} from '../../../src/interfaces/connection.interface.js';
import { createStreamingTestApp } from '../../../src/testing/streaming-test-app.js';
import { RawWebSocket } from '../../support/raw-websocket.js';
import { waitFor } from '../../support/wait-for.js';

@Controller()
class CorkingController {
  @WebSocketRoute('fan')
  fan(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    for await (const message of conn) await conn.writeMessage(message.type, message.data);
  }

  @WebSocketRoute('echo-sync')
  echoSync(conn: WebSocketConnection): void {
    conn.onMessage((message) => void conn.writeMessage(message.type, message.data));
  }

  @SseRoute('events')
  events(_ctx: SseContext) {
    return NEVER;
  }
}

/** What one server socket was asked to do: `write` calls, and the writes the stream issued. */
interface SocketCounts {
  writes: number;
  singleWrites: number;
  vectorWrites: number;
  /** `write` calls made while the socket was corked (buffered until an uncork). */
  corkedWrites: number;
}

/** Counts, for every socket the server accepts, its `write` calls and its `_write`/`_writev`. */
function countServerWrites(server: Server): SocketCounts[] {
  const all: SocketCounts[] = [];
  server.on('connection', (socket: Socket) => {
    const counts: SocketCounts = { writes: 0, singleWrites: 0, vectorWrites: 0, corkedWrites: 0 };
    all.push(counts);
    const raw = socket as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const [name, key] of [
      ['write', 'writes'],
      ['_write', 'singleWrites'],
      ['_writev', 'vectorWrites'],
    ] as const) {
      const original = raw[name].bind(socket);
      raw[name] = (...args: unknown[]) => {
        counts[key] += 1;
        if (name === 'write' && socket.writableCorked > 0) counts.corkedWrites += 1;
        return original(...args);
      };
    }
  });
  return all;
}

function snapshot(all: readonly SocketCounts[]): SocketCounts[] {
  return all.map((counts) => ({ ...counts }));
}

function delta(after: readonly SocketCounts[], before: readonly SocketCounts[]): SocketCounts[] {
  return before.map((b, i) => ({
    writes: after[i].writes - b.writes,
    singleWrites: after[i].singleWrites - b.singleWrites,
    vectorWrites: after[i].vectorWrites - b.vectorWrites,
    corkedWrites: after[i].corkedWrites - b.corkedWrites,
  }));
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Resolves after the end of the event-loop turn in which the writes started (the corked writes
 * of a turn are flushed in its check phase; a broadcast writes after a microtask, so its flush is
 * scheduled after a `setImmediate` the test scheduled before it).
 */
const afterFlush = async (): Promise<void> => {
  await nextTurn();
  await nextTurn();
};

describe('lazy corking', () => {
  test('a lone WebSocket broadcast is written to each socket at once, with no writev', async () => {
    const app = await createStreamingTestApp({ controllers: [CorkingController] });
    const server = app.app.getHttpServer() as Server;
    const counts = countServerWrites(server);
    const { port } = server.address() as AddressInfo;
    const clients: WebSocket[] = [];
    const received: string[][] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const client = new WebSocket(`ws://127.0.0.1:${port}/fan`);
        const messages: string[] = [];
        client.on('message', (data) => messages.push(String(data)));
        await new Promise((resolve) => client.once('open', resolve));
        clients.push(client);
        received.push(messages);
      }
      await waitFor(() => app.manager.getStats().byProtocol.websocket === 3, 'three sockets');
      await nextTurn();
      const before = snapshot(counts);
      await app.manager.broadcast('lone');
      await afterFlush();
      for (const d of delta(counts, before)) {
        assert.deepEqual(d, { writes: 1, singleWrites: 1, vectorWrites: 0, corkedWrites: 0 });
      }
      await waitFor(() => received.every((m) => m.includes('lone')), 'every client got it');
    } finally {
      for (const client of clients) client.terminate();
      await app.close();
    }
  });

  test('WebSocket broadcasts of one turn leave each socket in one write and one writev', async () => {
    const app = await createStreamingTestApp({ controllers: [CorkingController] });
    const server = app.app.getHttpServer() as Server;
    const counts = countServerWrites(server);
    const { port } = server.address() as AddressInfo;
    const clients: WebSocket[] = [];
    const received: string[][] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const client = new WebSocket(`ws://127.0.0.1:${port}/fan`);
        const messages: string[] = [];
        client.on('message', (data) => messages.push(String(data)));
        await new Promise((resolve) => client.once('open', resolve));
        clients.push(client);
        received.push(messages);
      }
      await waitFor(() => app.manager.getStats().byProtocol.websocket === 2, 'two sockets');
      await nextTurn();
      const before = snapshot(counts);
      const names = ['b1', 'b2', 'b3', 'b4', 'b5'];
      for (const name of names) void app.manager.broadcast(name);
      await afterFlush();
      for (const d of delta(counts, before)) {
        assert.equal(d.singleWrites, 1, 'the first broadcast went straight out');
        assert.equal(d.vectorWrites, 1, 'the other four joined one writev');
      }
      await waitFor(() => received.every((m) => m.length === names.length), 'five each');
      for (const messages of received) assert.deepEqual(messages, names);
    } finally {
      for (const client of clients) client.terminate();
      await app.close();
    }
  });

  test('a lone SSE broadcast is one socket write; the events of a busy turn leave in one', async () => {
    const app = await createStreamingTestApp({ controllers: [CorkingController] });
    const server = app.app.getHttpServer() as Server;
    const counts = countServerWrites(server);
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/events`);
    const reader = response.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += Buffer.from(value).toString('utf8');
      }
    })();
    try {
      await waitFor(() => app.manager.getStats().byProtocol.sse === 1, 'one stream');
      await waitFor(() => text.includes('retry:'), 'the retry line');
      await nextTurn();
      const stream = counts.length - 1;
      let before = snapshot(counts);
      await app.manager.broadcast('lone');
      await afterFlush();
      const lone = delta(counts, before)[stream];
      assert.equal(lone.singleWrites + lone.vectorWrites, 1, 'one socket write for the event');
      await waitFor(() => text.includes('data: lone'), 'the lone event');

      await nextTurn();
      before = snapshot(counts);
      for (const name of ['s1', 's2', 's3', 's4']) void app.manager.broadcast(name);
      await afterFlush();
      const busy = delta(counts, before)[stream];
      assert.equal(
        busy.singleWrites + busy.vectorWrites,
        1,
        'every event of the turn in one socket write',
      );
      await waitFor(() => text.includes('data: s4'), 'four events');
      assert.match(text, /data: s1[^]*data: s2[^]*data: s3[^]*data: s4/);
    } finally {
      await reader.cancel().catch(() => undefined);
      await reading.catch(() => undefined);
      await app.close();
    }
  });

  for (const [form, path] of [
    ['for await', '/echo'],
    ['onMessage', '/echo-sync'],
  ] as const) {
    test(`the echoes of messages that arrived in one read leave in one writev (${form})`, async () => {
      await echoesOfOneRead(path);
    });
  }

  test('a lone echo of a lone frame is one direct write', async () => {
    const app = await createStreamingTestApp({ controllers: [CorkingController] });
    const server = app.app.getHttpServer() as Server;
    const counts = countServerWrites(server);
    const { port } = server.address() as AddressInfo;
    const client = await RawWebSocket.connect(port, '/echo-sync');
    try {
      await waitFor(() => app.manager.getStats().byProtocol.websocket === 1, 'one socket');
      await nextTurn();
      const before = snapshot(counts);
      client.write(RawWebSocket.frame(1, Buffer.from('solo')));
      await client.readUntil('solo');
      const [d] = delta(counts, before);
      assert.deepEqual([d.singleWrites, d.vectorWrites, d.corkedWrites], [1, 0, 0]);
    } finally {
      client.destroy();
      await app.close();
    }
  });

  async function echoesOfOneRead(path: string): Promise<void> {
    const app = await createStreamingTestApp({ controllers: [CorkingController] });
    const server = app.app.getHttpServer() as Server;
    const counts = countServerWrites(server);
    const { port } = server.address() as AddressInfo;
    const client = await RawWebSocket.connect(port, path);
    try {
      await waitFor(() => app.manager.getStats().byProtocol.websocket === 1, 'one socket');
      await nextTurn();
      const before = snapshot(counts);
      client.write(
        Buffer.concat(['m1', 'm2', 'm3'].map((text) => RawWebSocket.frame(1, Buffer.from(text)))),
      );
      const echoed = await client.readUntil('m3');
      assert.match(echoed, /m1[^]*m2[^]*m3/);
      const [d] = delta(counts, before);
      assert.deepEqual([d.singleWrites, d.vectorWrites], [0, 1], 'three echoes, one writev');
    } finally {
      client.destroy();
      await app.close();
    }
  }
});
