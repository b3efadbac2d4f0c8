import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CuttableProxy, REDIS_URL } from '../redis/redis-test-env.js';
import { waitFor } from '../../support/wait-for.js';
import { GatewayTestClient, type Received } from '../gateway/gateway-client.js';
import { startSample, tokenFor, type RunningSample } from './sample-harness.js';

// The sample reaches Redis through a proxy the test cuts: while the room history cannot keep a
// message, `chat.send` is answered with an UNAVAILABLE error (not accepted), never a success
// acknowledgement; once Redis is back it is acknowledged with its offset again.

describe('sample: chat.send while the room history (Redis) is unreachable', () => {
  let proxy: CuttableProxy;
  let sample: RunningSample;
  const clients: GatewayTestClient[] = [];
  const room = `unavailable-${process.pid}-${Date.now()}`;
  const join = async (user: string): Promise<GatewayTestClient> => {
    const token = await tokenFor(sample, user);
    const client = await GatewayTestClient.open(`${sample.ws}/ws/rooms/${room}`, {
      protocols: ['forge.v1.json', 'access_token', token],
    });
    clients.push(client);
    return client;
  };
  const texts = (client: GatewayTestClient): unknown[] =>
    client.received
      .filter((envelope: Received) => envelope.event === 'chat.message')
      .map((envelope) => (envelope.data as { text: string }).text);

  before(async () => {
    proxy = await CuttableProxy.start(REDIS_URL);
    sample = await startSample({ REDIS_URL: proxy.url });
  });
  after(async () => {
    for (const client of clients) client.close();
    await sample.close();
    await proxy.close();
  });

  it('answers UNAVAILABLE while cut, then acknowledges with an offset after recovery', async () => {
    const sender = await join('sender');
    const reader = await join('reader');
    const before = await sender.request('chat.send', { text: 'before' });
    assert.match(String((before.data as { offset?: string }).offset), /^.+:\d+$/);

    proxy.cut();
    const refused = await sender.request('chat.send', { text: 'during' });
    assert.equal(refused.data, undefined, 'no success acknowledgement');
    assert.deepEqual(refused.error, {
      status: 503,
      code: 'UNAVAILABLE',
      message: 'The room history is unavailable; send it again later',
    });

    proxy.restore();
    // Reconnecting (backoff up to 1 s a try) can take several tries on a busy machine.
    const accepted = await waitFor(
      async () => {
        const reply = await sender.request('chat.send', { text: 'after' });
        return reply.error === undefined ? reply : undefined;
      },
      'chat.send to be acknowledged again',
      20_000,
    );
    const offset = String((accepted.data as { offset?: string }).offset);
    assert.match(offset, /^.+:\d+$/);
    assert.doesNotMatch(offset, /^lost-/, 'the offset is one the history holds');
    await waitFor(() => texts(reader).includes('after'), 'the reader to get the message');
    const history = await reader.request('chat.history', { limit: 20 });
    const kept = (history.data as Array<{ text: string }>).map((message) => message.text);
    assert.equal(kept.includes('during'), false, 'a refused message is not in the history');
    assert.equal(kept.at(-1), 'after');
  });

  it('answers a request sent while cut with an error within a few seconds', async () => {
    const sender = await join('sender-2');
    proxy.cut();
    try {
      const started = Date.now();
      const reply = await sender.request('chat.send', { text: 'cut' });
      assert.equal((reply.error as { code?: string } | undefined)?.code, 'UNAVAILABLE');
      assert.ok(Date.now() - started < 5_000, `answered after ${Date.now() - started} ms`);
    } finally {
      proxy.restore();
    }
  });
});
