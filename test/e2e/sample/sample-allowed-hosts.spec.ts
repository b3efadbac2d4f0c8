import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawHttp } from '../../support/raw-websocket.js';
import { startSample } from './sample-harness.js';
import { TestWebSocket } from './ws-client.js';

test('ALLOWED_HOSTS: the sample refuses a rebinding Host with 421 and serves a listed one', async () => {
  const sample = await startSample({ ALLOWED_HOSTS: 'localhost,127.0.0.1' });
  try {
    const rebound = `rebind.attacker.test:${sample.port}`;
    const refused = await rawHttp(
      sample.port,
      `GET /events HTTP/1.1\r\nHost: ${rebound}\r\nOrigin: http://${rebound}\r\n` +
        'Accept: text/event-stream\r\nConnection: close\r\n\r\n',
    );
    assert.equal(refused.status, 421, refused.text);
    const client = await TestWebSocket.open(`${sample.ws}/ws/echo`);
    assert.equal((await client.next()).text, 'Connected to WebSocket');
    await client.close();
  } finally {
    await sample.close();
  }
});

test('ALLOWED_HOSTS with a URL in it stops the start-up naming the variable', async () => {
  await assert.rejects(startSample({ ALLOWED_HOSTS: 'http://app.example' }), /ALLOWED_HOSTS/);
});
