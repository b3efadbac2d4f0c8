import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, jwtVerify } from 'jose';
import { postJson, startSample, type RunningSample } from './sample-harness.js';
import { TestWebSocket } from './ws-client.js';

describe('sample app: login and WebSocket echo', () => {
  let sample: RunningSample;

  before(async () => {
    sample = await startSample({ JWT_SECRET: 'test-secret' });
  });

  after(async () => {
    await sample.close();
  });

  test('POST /auth/token issues an HS256 JWT whose sub is the user id, signed with JWT_SECRET', async () => {
    const { status, body } = await postJson(`${sample.http}/auth/token`, { userId: 'alice' });
    assert.equal(status, 200);
    const token = (body as { token: string }).token;
    assert.equal(typeof token, 'string');
    const { payload, protectedHeader } = await jwtVerify(
      token,
      new TextEncoder().encode('test-secret'),
    );
    assert.equal(protectedHeader.alg, 'HS256');
    assert.equal(payload.sub, 'alice');
    assert.ok(typeof payload.exp === 'number' && payload.exp > Date.now() / 1000);
    assert.equal(decodeJwt(token).sub, 'alice');
  });

  test('POST /auth/token refuses a missing or malformed userId with 400', async () => {
    assert.equal((await postJson(`${sample.http}/auth/token`, {})).status, 400);
    assert.equal((await postJson(`${sample.http}/auth/token`, { userId: 'a b\n' })).status, 400);
    assert.equal((await postJson(`${sample.http}/auth/token`, { userId: 42 })).status, 400);
  });

  test('/ws/echo greets with "Connected to WebSocket" then echoes text as text and binary as binary', async () => {
    const client = await TestWebSocket.open(`${sample.ws}/ws/echo`);
    try {
      const welcome = await client.next();
      assert.equal(welcome.binary, false);
      assert.equal(welcome.text, 'Connected to WebSocket');

      client.send('héllo ✓');
      const text = await client.next();
      assert.equal(text.binary, false);
      assert.equal(text.text, 'héllo ✓');

      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      client.send(bytes);
      const binary = await client.next();
      assert.equal(binary.binary, true);
      assert.deepEqual(binary.data, bytes);
    } finally {
      await client.close();
    }
  });

  test('/ws/echo has no per-message rate limit: 300 messages sent at once all come back in order', async () => {
    const client = await TestWebSocket.open(`${sample.ws}/ws/echo`);
    try {
      await client.next();
      for (let i = 0; i < 300; i += 1) client.send(`m${i}`);
      for (let i = 0; i < 300; i += 1) assert.equal((await client.next()).text, `m${i}`);
    } finally {
      await client.close();
    }
  });

  test('the page and its bundle are served at / from sample/public', async () => {
    const page = await fetch(`${sample.http}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /nestjs-forge-streaming/);
    const styles = await fetch(`${sample.http}/styles.css`);
    assert.equal(styles.status, 200);
    await styles.arrayBuffer();
  });
});
