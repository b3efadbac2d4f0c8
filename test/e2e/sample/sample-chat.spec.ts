import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postJson, startSample, tokenFor, type RunningSample } from './sample-harness.js';
import { waitFor } from '../../support/wait-for.js';
import { TestWebSocket, UpgradeRefusedError } from './ws-client.js';

describe('sample app: chat rooms', () => {
  let sample: RunningSample;

  before(async () => {
    sample = await startSample();
  });

  after(async () => {
    await sample.close();
  });

  async function join(room: string, userId: string): Promise<TestWebSocket> {
    const token = await tokenFor(sample, userId);
    return TestWebSocket.open(`${sample.ws}/ws/chat/${room}?access_token=${token}`);
  }

  async function refusal(url: string, options = {}, protocols?: string[]): Promise<number> {
    try {
      const client = await TestWebSocket.open(url, options, protocols);
      await client.close();
      return 101;
    } catch (error) {
      if (error instanceof UpgradeRefusedError) return error.status;
      throw error;
    }
  }

  /** A broadcast to one room: every member's next message after earlier traffic. */
  async function marker(room: string, value: string): Promise<void> {
    const { status } = await postJson(`${sample.http}/broadcast`, { message: value, room });
    assert.equal(status, 200);
  }

  test('a message reaches the other members of its room as {room,userId,text}, not the sender, not another room', async () => {
    const alice = await join('alpha', 'alice');
    const bob = await join('alpha', 'bob');
    const carol = await join('beta', 'carol');
    try {
      alice.send('hello alpha');
      assert.deepEqual(await bob.nextJson(), {
        room: 'alpha',
        userId: 'alice',
        text: 'hello alpha',
      });

      // Broadcasts to each room come after the chat message on every socket, so the next message
      // each one reads proves what it did (not) receive before.
      await marker('alpha', 'marker-alpha');
      await marker('beta', 'marker-beta');
      assert.equal(JSON.parse((await alice.next()).text), 'marker-alpha');
      assert.equal(JSON.parse((await carol.next()).text), 'marker-beta');
      assert.equal(JSON.parse((await bob.next()).text), 'marker-alpha');

      bob.send('hi alice');
      assert.deepEqual(await alice.nextJson(), { room: 'alpha', userId: 'bob', text: 'hi alice' });
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()]);
    }
  });

  test('the token is also accepted as a Bearer header and in the access_token subprotocol', async () => {
    const token = await tokenFor(sample, 'dave');
    const viaHeader = await TestWebSocket.open(`${sample.ws}/ws/chat/gamma`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const viaProtocol = await TestWebSocket.open(`${sample.ws}/ws/chat/gamma`, {}, [
      'access_token',
      token,
    ]);
    try {
      assert.equal(viaProtocol.socket.protocol, 'access_token');
      viaHeader.send('ping');
      assert.deepEqual(await viaProtocol.nextJson(), {
        room: 'gamma',
        userId: 'dave',
        text: 'ping',
      });
    } finally {
      await Promise.all([viaHeader.close(), viaProtocol.close()]);
    }
  });

  test('without a valid token the chat refuses the upgrade with 401', async () => {
    assert.equal(await refusal(`${sample.ws}/ws/chat/alpha`), 401);
    assert.equal(await refusal(`${sample.ws}/ws/chat/alpha?access_token=not-a-jwt`), 401);
  });

  test('a forged token (other secret) is refused with 401', async () => {
    const other = await startSample({ JWT_SECRET: 'another-secret' });
    try {
      const forged = await tokenFor(other, 'mallory');
      assert.equal(await refusal(`${sample.ws}/ws/chat/alpha?access_token=${forged}`), 401);
    } finally {
      await other.close();
    }
  });

  test('an invalid room name is refused with 400 before the upgrade', async () => {
    const token = await tokenFor(sample, 'erin');
    assert.equal(
      await refusal(`${sample.ws}/ws/chat/${'x'.repeat(65)}?access_token=${token}`),
      400,
    );
    assert.equal(await refusal(`${sample.ws}/ws/chat/a%20b?access_token=${token}`), 400);
  });

  test('a browser page from another origin is refused with 403', async () => {
    const token = await tokenFor(sample, 'frank');
    const status = await refusal(`${sample.ws}/ws/chat/alpha?access_token=${token}`, {
      headers: { origin: 'http://evil.example' },
    });
    assert.equal(status, 403);
  });

  test('a client flooding the chat is closed with 1008 (message-rate limit)', async () => {
    const flooder = await join('delta', 'flooder');
    try {
      for (let i = 0; i < 100; i += 1) flooder.send(`spam ${i}`);
      const { code } = await flooder.closed;
      assert.equal(code, 1008);
    } finally {
      await flooder.close();
    }
  });

  test('GET /chat/:room/presence lists the users in the room', async () => {
    const alice = await join('epsilon', 'alice');
    const bob = await join('epsilon', 'bob');
    try {
      await waitFor(async () => {
        const response = await fetch(`${sample.http}/chat/epsilon/presence`);
        const body = (await response.json()) as { users: string[]; connections: number };
        return body.connections === 2 && body.users.join(',') === 'alice,bob';
      }, 'alice and bob present in epsilon');
    } finally {
      await bob.close();
    }
    await waitFor(async () => {
      const response = await fetch(`${sample.http}/chat/epsilon/presence`);
      const body = (await response.json()) as { users: string[] };
      return body.users.join(',') === 'alice';
    }, 'bob gone from epsilon');
    await alice.close();
  });
});
