import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  SseRoute,
  StreamingManager,
  STREAMING_ROOM_EVENT_STAMPER,
  WebSocketRoute,
  type RoomEventStamper,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { baseUrl, openEventSource } from '../sse/sse-test-support.js';
import { waitFor } from '../../support/wait-for.js';
import { GatewayTestClient } from './gateway-client.js';
import { RoomGateway } from './fixtures.js';

/** Gives events of room `journal` offsets `e1:<seq>`; other rooms keep no history. */
class CountingStamper implements RoomEventStamper {
  private seq = 0;
  stamp(room: string): Promise<string | undefined> | undefined {
    return room === 'journal' ? Promise.resolve(`e1:${++this.seq}`) : undefined;
  }
}

@Controller()
class SideRoutes {
  @SseRoute('/events/:room')
  events(ctx: SseContext): void {
    ctx.join(ctx.request.params.room);
    ctx.keepOpen();
  }

  @WebSocketRoute('/raw/:room')
  raw(conn: WebSocketConnection): void {
    conn.join(conn.request.params.room);
    conn.keepOpen();
  }
}

describe('event gateway: server events to many connections', () => {
  let app: StreamingTestApp;
  let manager: StreamingManager;
  const clients: GatewayTestClient[] = [];
  const open = async (room: string, protocols?: string[]) => {
    const client = await GatewayTestClient.open(`${app.wsUrl}/ws/rooms/${room}`, { protocols });
    clients.push(client);
    await client.request('echo', 'ready');
    return client;
  };

  before(async () => {
    app = await createStreamingTestApp({
      overrides: [{ provide: STREAMING_ROOM_EVENT_STAMPER, useClass: CountingStamper }],
      controllers: [SideRoutes],
      providers: [RoomGateway],
    });
    manager = app.app.get(StreamingManager);
  });

  after(async () => {
    for (const client of clients) client.close();
    await app.close();
  });

  it('delivers to(room).emit as JSON text and MessagePack binary by codec, and as an SSE event', async () => {
    const json = await open('lobby');
    const packed = await open('lobby', ['forge.v1.msgpack']);
    const elsewhere = await open('attic');
    const sse = openEventSource(`${baseUrl(app)}/events/lobby`, ['chat.message']);
    const raw = new WebSocket(`${app.wsUrl}/raw/lobby`);
    const rawFrames: string[] = [];
    raw.on('message', (data) => rawFrames.push(String(data)));
    try {
      await waitFor(() => sse.opens() > 0, 'the SSE stream to open');
      await waitFor(() => manager.connections().length === 5, 'every connection to register');
      const result = await manager
        .to('lobby')
        .emit('chat.message', { room: 'lobby', userId: 'u1', text: 'hello' });
      assert.equal(result.delivered, 3);
      const expected = {
        event: 'chat.message',
        data: { room: 'lobby', userId: 'u1', text: 'hello' },
      };
      assert.deepEqual(await json.nextEvent('chat.message'), expected);
      assert.equal(json.binaryFrames.at(-1), false);
      assert.deepEqual(await packed.nextEvent('chat.message'), expected);
      assert.equal(packed.binaryFrames.at(-1), true);
      await waitFor(() => sse.events.length === 1, 'the SSE event');
      assert.equal(sse.events[0].type, 'chat.message');
      assert.deepEqual(JSON.parse(sse.events[0].data), expected.data);
      assert.deepEqual(elsewhere.received, []);
      assert.deepEqual(rawFrames, [], 'raw WebSocket routes get no gateway events');
    } finally {
      sse.source.close();
      raw.close();
    }
  });

  it('stamps room events with room and offset when the stamper gives one', async () => {
    const member = await open('journal');
    await manager.to('journal').emit('chat.message', { text: 'first' });
    await manager.to('journal').emit('chat.message', { text: 'second' });
    assert.deepEqual(await member.nextEvent('chat.message'), {
      event: 'chat.message',
      data: { text: 'first' },
      room: 'journal',
      offset: 'e1:1',
    });
    assert.equal((await member.nextEvent('chat.message')).offset, 'e1:2');
  });

  it('delivers manager.emit to every gateway connection matching the filters', async () => {
    const a = await open('north');
    const b = await open('south', ['forge.v1.msgpack']);
    await manager.emit('notice', { all: true });
    assert.deepEqual(await a.nextEvent('notice'), { event: 'notice', data: { all: true } });
    assert.deepEqual(await b.nextEvent('notice'), { event: 'notice', data: { all: true } });
  });

  it('keeps the token-carrier subprotocol working beside the codecs', async () => {
    const client = await GatewayTestClient.open(`${app.wsUrl}/ws/rooms/lobby`, {
      protocols: ['access_token', 'some-token'],
    });
    clients.push(client);
    assert.equal(client.socket.protocol, 'access_token');
    assert.deepEqual(await client.request('echo', 'json by default'), {
      id: 1,
      data: 'json by default',
    });
  });

  it('refuses reserved event names on emit', async () => {
    await assert.rejects(manager.emit('$error', {}), /reserved/);
  });
});
