import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { waitFor } from '../../support/wait-for.js';
import { GatewayTestClient } from './gateway-client.js';
import { GlobalOnlyFilter, RoomGateway, lifecycle } from './fixtures.js';

describe('event gateway over WebSocket', () => {
  let app: StreamingTestApp;
  const clients: GatewayTestClient[] = [];
  const open = async (path = '/ws/rooms/lobby', protocols?: string[]) => {
    const client = await GatewayTestClient.open(`${app.wsUrl}${path}`, { protocols });
    clients.push(client);
    return client;
  };

  before(async () => {
    app = await createStreamingTestApp({
      providers: [RoomGateway],
      configure: (nestApp) => {
        nestApp.useGlobalPipes(new ValidationPipe({ transform: true }));
        nestApp.useGlobalFilters(new GlobalOnlyFilter());
      },
    });
  });

  after(async () => {
    for (const client of clients) client.close();
    await app.close();
  });

  it('replies to an event with an id with the handler value, with the same id', async () => {
    const client = await open();
    assert.deepEqual(await client.request('echo', { hello: 'world' }), {
      id: 1,
      data: { hello: 'world' },
    });
  });

  it('answers nothing to an event without id', async () => {
    const client = await open();
    client.emit('echo', { ignored: true });
    assert.deepEqual(await client.request('echo', 'after'), { id: 1, data: 'after' });
    assert.deepEqual(client.received, []);
  });

  it('runs @OnConnect with @Conn and @Param before the first message', async () => {
    const client = await open('/ws/rooms/garden');
    await client.request('echo', 1);
    assert.ok(lifecycle.includes('connect:garden'), JSON.stringify(lifecycle));
    client.close();
    await waitFor(() => lifecycle.includes('disconnect:garden'), '@OnDisconnect to run');
  });

  it('validates @MessageBody with the global ValidationPipe against the DTO class', async () => {
    const client = await open('/ws/rooms/blue');
    assert.deepEqual(await client.request('chat.send', { text: 'hi' }), {
      id: 1,
      data: { room: 'blue', text: 'hi', isDto: true },
    });
    const refused = await client.request('chat.send', { text: 'x'.repeat(21) });
    const error = refused.error as Record<string, unknown>;
    assert.equal(error.status, 400);
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.ok(Array.isArray(error.details) && String(error.details[0]).includes('text'));
    assert.equal(client.closeCode, undefined);
  });

  it('replies with an async handler value and with the last value of an Observable', async () => {
    const client = await open();
    assert.deepEqual(await client.request('double', { n: 21 }), { id: 1, data: 42 });
    assert.deepEqual(await client.request('count'), { id: 2, data: 3 });
  });

  it('maps a thrown Error to INTERNAL 500 with nothing of it on the wire', async () => {
    const client = await open();
    const reply = await client.request('boom');
    assert.deepEqual(reply, {
      id: 1,
      error: { status: 500, code: 'INTERNAL', message: 'Internal server error' },
    });
    assert.ok(!JSON.stringify(reply).includes('secret'));
    assert.deepEqual(await client.request('echo', 'still open'), { id: 2, data: 'still open' });
  });

  it('maps an HttpException to its status and message', async () => {
    const client = await open();
    const reply = await client.request('missing');
    assert.deepEqual(reply.error, { status: 404, code: 'NOT_FOUND', message: 'No such item' });
  });

  it('runs method guards per message: a refusal is a 403 reply and the connection stays', async () => {
    const guest = await open('/ws/rooms/lobby?role=guest');
    const refused = await guest.request('admin');
    assert.deepEqual((refused.error as Record<string, unknown>).status, 403);
    assert.equal((refused.error as Record<string, unknown>).code, 'FORBIDDEN');
    assert.deepEqual(await guest.request('echo', 'ok'), { id: 2, data: 'ok' });
    const admin = await open('/ws/rooms/lobby?role=admin');
    assert.deepEqual(await admin.request('admin'), { id: 1, data: 'granted' });
  });

  it('runs method interceptors, method filters and global filters per message', async () => {
    const client = await open();
    assert.deepEqual(await client.request('wrapped'), { id: 1, data: { wrapped: 'inner' } });
    assert.deepEqual(await client.request('teapot'), { id: 2, data: { brewed: 'tea' } });
    assert.deepEqual(await client.request('global-filtered'), {
      id: 3,
      data: { fromGlobalFilter: true },
    });
  });

  it('sends server events with conn.emit and requests with conn.emitWithAck', async () => {
    const client = await open();
    assert.deepEqual(await client.request('notify'), { id: 1, data: 'sent' });
    assert.deepEqual(await client.nextEvent('note'), { event: 'note', data: { n: 1 } });
    client.sendEnvelope({ event: 'ask', id: 2 });
    const question = await client.nextEvent('question');
    assert.deepEqual(question.data, { q: 20 });
    client.sendEnvelope({ id: question.id, data: { a: 42 } });
    assert.deepEqual(await client.next((e) => e.id === 2, 'reply 2'), {
      id: 2,
      data: { answer: 42 },
    });
  });

  it('rejects emitWithAck after its timeout when the client does not answer', async () => {
    const client = await open();
    client.sendEnvelope({ event: 'ask', id: 7 });
    await client.nextEvent('question');
    assert.deepEqual(await client.next((e) => e.id === 7, 'reply 7'), {
      id: 7,
      data: { failed: 'ACK_TIMEOUT' },
    });
  });
});
