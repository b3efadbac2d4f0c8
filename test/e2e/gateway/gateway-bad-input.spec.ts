import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { GatewayTestClient } from './gateway-client.js';
import { RoomGateway } from './fixtures.js';

const BAD_MESSAGE = { status: 400, code: 'BAD_MESSAGE', message: 'Not a message envelope' };

describe('event gateway: bad input', () => {
  let app: StreamingTestApp;
  const clients: GatewayTestClient[] = [];
  const open = async (protocols?: string[]) => {
    const client = await GatewayTestClient.open(`${app.wsUrl}/ws/rooms/lobby`, { protocols });
    clients.push(client);
    return client;
  };

  before(async () => {
    app = await createStreamingTestApp({
      providers: [RoomGateway],
      config: { websocket: { maxMessageSize: 1024 } },
    });
  });

  after(async () => {
    for (const client of clients) client.close();
    await app.close();
  });

  it('answers a frame that is not JSON with a $error BAD_MESSAGE and stays open', async () => {
    const client = await open();
    client.sendRaw('{not json');
    assert.deepEqual(await client.nextEvent('$error'), { event: '$error', error: BAD_MESSAGE });
    assert.deepEqual(await client.request('echo', 'alive'), { id: 1, data: 'alive' });
  });

  it('answers JSON that is not an envelope with BAD_MESSAGE', async () => {
    const client = await open();
    // Three frames: the fixture gateway allows three bad frames per window.
    for (const frame of ['[1,2]', '{"event":""}', '{"event":"echo","id":{"x":1}}']) {
      client.sendRaw(frame);
      assert.deepEqual(
        await client.nextEvent('$error'),
        { event: '$error', error: BAD_MESSAGE },
        frame,
      );
    }
    assert.equal(client.closeCode, undefined);
  });

  it('answers an unknown event with UNKNOWN_EVENT: an error reply with an id, $error without', async () => {
    const client = await open();
    const reply = await client.request('no.such.event');
    assert.deepEqual(reply, {
      id: 1,
      error: { status: 404, code: 'UNKNOWN_EVENT', message: 'Unknown event "no.such.event"' },
    });
    client.emit('also.unknown');
    const event = await client.nextEvent('$error');
    assert.equal((event.error as Record<string, unknown>).code, 'UNKNOWN_EVENT');
  });

  it('answers a reserved $-event that nothing handles with UNKNOWN_EVENT', async () => {
    const client = await open();
    const reply = await client.request('$nothing', { lobby: '1:1' });
    assert.equal((reply.error as Record<string, unknown>).code, 'UNKNOWN_EVENT');
  });

  it('closes with 1008 after more bad frames than the gateway allows in its window', async () => {
    const client = await open();
    for (let i = 0; i < 4; i += 1) client.sendRaw('garbage');
    assert.equal(await client.closed(), 1008);
    const errors = client.received.filter((envelope) => envelope.event === '$error');
    assert.equal(errors.length, 3);
  });

  it('closes an oversize frame with 1009, as raw routes do', async () => {
    const client = await open();
    client.emit('echo', 'x'.repeat(2048));
    assert.equal(await client.closed(), 1009);
  });

  it('bounds handlers still running per connection: past the limit RATE_LIMITED, unrun', async () => {
    const client = await open();
    client.sendEnvelope({ event: 'never', id: 'a' });
    client.sendEnvelope({ event: 'never', id: 'b' });
    const third = await client.request('never');
    assert.deepEqual(third.error, {
      status: 429,
      code: 'RATE_LIMITED',
      message: 'Too many events still being handled',
    });
    const echo = await client.request('echo', 'refused too');
    assert.equal((echo.error as Record<string, unknown>).code, 'RATE_LIMITED');
    assert.equal(client.closeCode, undefined);
  });

  it('answers a text frame on a msgpack connection with BAD_MESSAGE', async () => {
    const client = await open(['forge.v1.msgpack']);
    assert.equal(client.socket.protocol, 'forge.v1.msgpack');
    client.sendRaw('{"event":"echo","data":1,"id":1}');
    const event = await client.nextEvent('$error');
    assert.equal((event.error as Record<string, unknown>).code, 'BAD_MESSAGE');
    assert.equal(client.binaryFrames.at(-1), true);
  });
});
