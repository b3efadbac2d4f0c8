import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postJson, startSample, tokenFor, type RunningSample } from './sample-harness.js';
import { TestWebSocket } from './ws-client.js';

describe('sample app: POST /disconnect cuts one user’s WebSocket connections', () => {
  let sample: RunningSample;

  before(async () => {
    sample = await startSample();
  });

  after(async () => {
    await sample.close();
  });

  async function member(room: string, userId: string): Promise<TestWebSocket> {
    const token = await tokenFor(sample, userId);
    return TestWebSocket.open(`${sample.ws}/ws/rooms/${room}?access_token=${token}`, {}, [
      'forge.v1.json',
    ]);
  }

  test('closes the user’s connections in the room with 4000; others stay open', async () => {
    const aliceRed = await member('red', 'alice');
    const aliceBlue = await member('blue', 'alice');
    const bobRed = await member('red', 'bob');
    try {
      const { status, body } = await postJson(`${sample.http}/disconnect`, {
        userId: 'alice',
        room: 'red',
      });
      assert.equal(status, 200);
      assert.deepEqual(body, { disconnected: 1 });
      assert.deepEqual(await aliceRed.closed, {
        code: 4000,
        reason: 'disconnected by the operator',
      });
      const stillOpen = await postJson(`${sample.http}/disconnect`, { userId: 'nobody' });
      assert.deepEqual(stillOpen.body, { disconnected: 0 });
      assert.equal(aliceBlue.socket.readyState, aliceBlue.socket.OPEN, 'alice in blue stays');
      assert.equal(bobRed.socket.readyState, bobRed.socket.OPEN, 'bob stays');
      const everywhere = await postJson(`${sample.http}/disconnect`, { userId: 'alice' });
      assert.deepEqual(everywhere.body, { disconnected: 1 });
      assert.equal((await aliceBlue.closed).code, 4000);
    } finally {
      await Promise.all([aliceRed.close(), aliceBlue.close(), bobRed.close()]);
    }
  });

  test('a bad body is answered 400 naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2], /Expected a JSON object/],
      [{}, /userId must be a non-empty string/],
      [{ userId: '' }, /userId must be a non-empty string/],
      [{ userId: 'alice', room: 7 }, /room must be a non-empty string/],
    ];
    for (const [body, message] of cases) {
      const answer = await postJson(`${sample.http}/disconnect`, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match((answer.body as { message: string }).message, message);
    }
  });
});
