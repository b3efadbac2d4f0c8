import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UnencodableMessageError } from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { GatewayTestClient } from './gateway-client.js';
import { ErrorCapturingLogger, UnencodableGateway } from './unencodable-fixtures.js';

const INTERNAL = { status: 500, code: 'INTERNAL', message: 'Internal server error' };

describe('event gateway: values the codec cannot encode', () => {
  let app: StreamingTestApp;
  const logger = new ErrorCapturingLogger();
  const clients: GatewayTestClient[] = [];
  let rooms = 0;

  before(async () => {
    app = await createStreamingTestApp({
      providers: [UnencodableGateway],
      logger: true,
      configure: (nest) => nest.useLogger(logger),
    });
  });

  after(async () => {
    for (const client of clients) client.close();
    await app.close();
  });

  for (const codec of ['forge.v1.json', 'forge.v1.msgpack']) {
    const open = async (room = `r${++rooms}`) => {
      const client = await GatewayTestClient.open(`${app.wsUrl}/unencodable/${room}`, {
        protocols: [codec],
      });
      clients.push(client);
      assert.equal(client.socket.protocol, codec);
      return client;
    };

    /** Sends `event` with id 1, expects the INTERNAL reply, then a normal reply on the same socket. */
    const expectInternalThenOpen = async (event: string) => {
      const client = await open();
      const logged = logger.errors.length;
      const reply = await client.request(event);
      assert.deepEqual(reply, { id: 1, error: INTERNAL });
      assert.deepEqual(await client.request('echo', 'still open'), { id: 2, data: 'still open' });
      assert.equal(client.closeCode, undefined);
      const lines = logger.errors.slice(logged);
      assert.equal(lines.length, 1, `one error line expected, got: ${lines.join('\n---\n')}`);
      assert.ok(lines[0].includes(`on event "${event}"`), lines[0]);
      assert.ok(lines[0].includes(codec), lines[0]);
    };

    describe(codec, () => {
      it('answers a cyclic reply with the INTERNAL error reply and keeps the connection', () =>
        expectInternalThenOpen('cyclic'));

      it('answers a BigInt reply with the INTERNAL error reply and keeps the connection', () =>
        expectInternalThenOpen('bigint'));

      it('answers an async cyclic reply with the INTERNAL error reply', () =>
        expectInternalThenOpen('cyclic.async'));

      it('answers an Observable whose second (last) value is cyclic with INTERNAL', () =>
        expectInternalThenOpen('stream'));

      it('throws from conn.emit and rejects conn.emitWithAck; nothing sent, connection open', async () => {
        const client = await open();
        assert.deepEqual(await client.request('emit.cyclic'), {
          id: 1,
          data: { emit: 'UNENCODABLE_MESSAGE', emitWithAck: 'UNENCODABLE_MESSAGE' },
        });
        assert.deepEqual(await client.nextEvent('good'), { event: 'good', data: { n: 1 } });
        assert.deepEqual(await client.request('echo', 'after'), { id: 2, data: 'after' });
        assert.deepEqual(client.received, [], 'nothing else reached the client');
        assert.equal(client.closeCode, undefined);
      });

      it('rejects manager.emit and to(room).emit of a cyclic payload; no recipient closes', async () => {
        const room = `b${++rooms}`;
        const caller = await open(room);
        const member = await open(room);
        assert.deepEqual(await caller.request('broadcast.cyclic'), {
          id: 1,
          data: { room: 'UNENCODABLE_MESSAGE', all: 'UNENCODABLE_MESSAGE' },
        });
        await app.manager.to(room).emit('good', { n: 2 });
        for (const client of [caller, member]) {
          assert.deepEqual(await client.nextEvent('good'), { event: 'good', data: { n: 2 } });
          assert.deepEqual(client.received, [], 'the refused event reached no one');
          assert.equal(client.closeCode, undefined);
        }
      });
    });
  }

  it('passes over MessagePack recipients of an event only MessagePack refuses, and says so', async () => {
    const room = `m${++rooms}`;
    const json = await GatewayTestClient.open(`${app.wsUrl}/unencodable/${room}`);
    const packed = await GatewayTestClient.open(`${app.wsUrl}/unencodable/${room}`, {
      protocols: ['forge.v1.msgpack'],
    });
    clients.push(json, packed);
    await Promise.all([json.request('echo', 'ready'), packed.request('echo', 'ready')]);
    const manager = app.manager;
    // JSON leaves a Symbol out; MessagePack refuses it.
    const refused = await manager
      .to(room)
      .emit('odd', { s: Symbol('x'), n: 3 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(refused instanceof UnencodableMessageError, String(refused));
    assert.equal(refused.codec, 'forge.v1.msgpack');
    assert.deepEqual(await json.nextEvent('odd'), { event: 'odd', data: { n: 3 } });
    await manager.to(room).emit('good', { n: 4 });
    assert.deepEqual(await packed.nextEvent('good'), { event: 'good', data: { n: 4 } });
    assert.deepEqual(
      packed.received,
      [],
      'the MessagePack client got nothing of the refused event',
    );
    assert.equal(packed.closeCode, undefined);
    assert.equal(json.closeCode, undefined);
  });
});
