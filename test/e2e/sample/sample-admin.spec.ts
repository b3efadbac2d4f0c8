import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postJson, startSample, tokenFor, type RunningSample } from './sample-harness.js';
import { waitFor } from '../../support/wait-for.js';
import { TestWebSocket } from './ws-client.js';

interface Stats {
  instanceId: string;
  activeConnections: number;
  byProtocol: Record<string, number>;
  byRoute: Record<string, number>;
  connectionsOpened: number;
  connectionsClosed: number;
  rejected: Record<string, number>;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  broadcasts: number;
  droppedMessages: number;
  errors: number;
  uptimeMs: number;
}

async function stats(sample: RunningSample): Promise<Stats> {
  const response = await fetch(`${sample.http}/stats`);
  assert.equal(response.status, 200);
  return (await response.json()) as Stats;
}

describe('sample app: POST /broadcast and GET /stats over WebSocket', () => {
  let sample: RunningSample;

  before(async () => {
    sample = await startSample();
  });

  after(async () => {
    await sample.close();
  });

  async function chatMember(room: string, userId: string): Promise<TestWebSocket> {
    const token = await tokenFor(sample, userId);
    return TestWebSocket.open(`${sample.ws}/ws/chat/${room}?access_token=${token}`);
  }

  async function echoClient(): Promise<TestWebSocket> {
    const client = await TestWebSocket.open(`${sample.ws}/ws/echo`);
    assert.equal((await client.next()).text, 'Connected to WebSocket');
    return client;
  }

  test('a broadcast with no filter reaches every WebSocket as the message JSON in a text frame', async () => {
    const echo = await echoClient();
    const member = await chatMember('red', 'alice');
    try {
      const message = { kind: 'news', text: 'hello everyone', n: 1 };
      const { status, body } = await postJson(`${sample.http}/broadcast`, { message });
      assert.equal(status, 200);
      assert.ok((body as { delivered: number }).delivered >= 2);
      for (const client of [echo, member]) {
        const received = await client.next();
        assert.equal(received.binary, false);
        assert.deepEqual(JSON.parse(received.text), message);
      }
    } finally {
      await Promise.all([echo.close(), member.close()]);
    }
  });

  test('the room filter reaches only that room; the answer counts the deliveries', async () => {
    const red = await chatMember('red', 'alice');
    const blue = await chatMember('blue', 'bob');
    const echo = await echoClient();
    try {
      const { body } = await postJson(`${sample.http}/broadcast`, {
        message: 'to red',
        room: 'red',
      });
      assert.equal((body as { delivered: number }).delivered, 1);
      assert.equal(JSON.parse((await red.next()).text), 'to red');
      // A broadcast to everyone comes next on every socket: blue and echo saw nothing before it.
      await postJson(`${sample.http}/broadcast`, { message: 'to all' });
      assert.equal(JSON.parse((await blue.next()).text), 'to all');
      assert.equal(JSON.parse((await echo.next()).text), 'to all');
      assert.equal(JSON.parse((await red.next()).text), 'to all');
    } finally {
      await Promise.all([red.close(), blue.close(), echo.close()]);
    }
  });

  test('the protocol filter selects connections by protocol', async () => {
    const echo = await echoClient();
    try {
      const none = await postJson(`${sample.http}/broadcast`, {
        message: 'only wt',
        protocol: 'webtransport',
      });
      assert.equal((none.body as { delivered: number }).delivered, 0);
      const ws = await postJson(`${sample.http}/broadcast`, {
        message: 'only ws',
        protocol: 'websocket',
      });
      assert.equal((ws.body as { delivered: number }).delivered, 1);
      assert.equal(JSON.parse((await echo.next()).text), 'only ws');
    } finally {
      await echo.close();
    }
  });

  test('POST /broadcast refuses a body without message or with an unknown protocol (400)', async () => {
    assert.equal((await postJson(`${sample.http}/broadcast`, {})).status, 400);
    assert.equal(
      (await postJson(`${sample.http}/broadcast`, { message: 1, protocol: 'carrier-pigeon' }))
        .status,
      400,
    );
    assert.equal((await postJson(`${sample.http}/broadcast`, { message: 1, room: 7 })).status, 400);
  });

  test('GET /stats reports the StreamingManager statistics and follows connections', async () => {
    const before = await stats(sample);
    assert.equal(typeof before.instanceId, 'string');
    for (const key of ['websocket', 'sse', 'webtransport']) {
      assert.equal(typeof before.byProtocol[key], 'number', `byProtocol.${key}`);
    }
    for (const key of [
      'activeConnections',
      'connectionsOpened',
      'connectionsClosed',
      'messagesIn',
      'messagesOut',
      'bytesIn',
      'bytesOut',
      'broadcasts',
      'droppedMessages',
      'errors',
      'uptimeMs',
    ] as const) {
      assert.equal(typeof before[key], 'number', key);
    }
    assert.equal(typeof before.rejected.total, 'number');

    const echo = await echoClient();
    echo.send('count me');
    await echo.next();
    await waitFor(async () => {
      const now = await stats(sample);
      return (
        now.byProtocol.websocket === before.byProtocol.websocket + 1 &&
        now.byRoute['websocket /ws/echo'] === 1 &&
        now.messagesIn > before.messagesIn &&
        now.connectionsOpened === before.connectionsOpened + 1
      );
    }, 'stats to show the echo connection and its message');
    await echo.close();
    await waitFor(
      async () => (await stats(sample)).byProtocol.websocket === before.byProtocol.websocket,
      'stats to drop the closed connection',
    );
  });
});
