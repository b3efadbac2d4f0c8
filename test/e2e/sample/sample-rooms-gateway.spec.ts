import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Parser } from '@asyncapi/parser';
import { GatewayTestClient } from '../gateway/gateway-client.js';
import { startSample, tokenFor, type RunningSample } from './sample-harness.js';

describe('sample: chat gateway /ws/rooms/:room', () => {
  let sample: RunningSample;
  const clients: GatewayTestClient[] = [];
  const join = async (user: string, room: string) => {
    const token = await tokenFor(sample, user);
    const client = await GatewayTestClient.open(`${sample.ws}/ws/rooms/${room}`, {
      protocols: ['forge.v1.json', 'access_token', token],
    });
    clients.push(client);
    return client;
  };

  before(async () => {
    sample = await startSample();
  });
  after(async () => {
    for (const client of clients) client.close();
    await sample.close();
  });

  it('refuses a handshake without a token with 401', async () => {
    await assert.rejects(
      GatewayTestClient.open(`${sample.ws}/ws/rooms/lobby`),
      /unexpected response 401/,
    );
  });

  it('relays chat.send as chat.message, announces presence and types to the others', async () => {
    const alice = await join('alice', 'lobby');
    const bob = await join('bob', 'lobby');
    assert.deepEqual(await alice.nextEvent('presence.join'), {
      event: 'presence.join',
      data: { userId: 'bob' },
    });
    const sent = await bob.request('chat.send', { text: 'hi alice' });
    assert.equal(sent.id, 1);
    assert.match(
      String((sent.data as { offset?: string }).offset),
      /^.+:\d+$/,
      'rooms keep history',
    );
    assert.deepEqual(await alice.nextEvent('chat.message'), {
      event: 'chat.message',
      data: { room: 'lobby', userId: 'bob', text: 'hi alice' },
      room: 'lobby',
      offset: (sent.data as { offset: string }).offset,
    });
    alice.emit('chat.typing', {});
    assert.deepEqual(await bob.nextEvent('chat.typing'), {
      event: 'chat.typing',
      data: { userId: 'alice' },
    });
    assert.deepEqual(await alice.request('chat.history', { limit: 5 }), {
      id: 1,
      data: [{ room: 'lobby', userId: 'bob', text: 'hi alice' }],
    });
    bob.close();
    assert.deepEqual(await alice.nextEvent('presence.leave'), {
      event: 'presence.leave',
      data: { userId: 'bob' },
    });
    assert.equal(
      bob.received.some((envelope) => envelope.event === 'chat.message'),
      false,
      'the sender does not receive its own message',
    );
  });

  it('answers a too-long chat.send with VALIDATION_FAILED from the global ValidationPipe', async () => {
    const carol = await join('carol', 'validation');
    const reply = await carol.request('chat.send', { text: 'x'.repeat(501) });
    const error = reply.error as { status: number; code: string; details: string[] };
    assert.equal(error.status, 400);
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.match(error.details[0], /text must be shorter than or equal to 500 characters/);
    assert.deepEqual(await carol.request('chat.history', { limit: 5 }), { id: 2, data: [] });
  });

  it('serves GET /asyncapi.json: a valid AsyncAPI 3.0 document of the chat gateway', async () => {
    const response = await fetch(`${sample.http}/asyncapi.json`);
    assert.equal(response.status, 200);
    const document = (await response.json()) as {
      channels: Record<string, { address: string }>;
      operations: Record<string, { action: string }>;
    };
    assert.equal(document.channels.ChatRoomsGateway.address, '/ws/rooms/{room}');
    assert.equal(document.operations['ChatRoomsGateway.receive.chat.send'].action, 'receive');
    assert.equal(document.operations['ChatRoomsGateway.send.presence.join'].action, 'send');
    const diagnostics = await new Parser().validate(JSON.stringify(document));
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 0).map((d) => d.message),
      [],
    );
  });
});
