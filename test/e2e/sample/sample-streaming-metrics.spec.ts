import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parsePrometheusText, sampleValue } from '../../support/prometheus-text.js';
import { waitFor } from '../../support/wait-for.js';
import { startSample, type RunningSample } from './sample-harness.js';
import { TestWebSocket } from './ws-client.js';

describe('sample: GET /metrics and GET /health', () => {
  let sample: RunningSample;
  before(async () => (sample = await startSample()));
  after(() => sample.close());

  test('GET /metrics counts an echo connection and its messages', async () => {
    const socket = await TestWebSocket.open(`${sample.ws}/ws/echo`);
    try {
      await socket.next(); // the greeting
      socket.send('hello');
      await socket.next();
      const response = await fetch(`${sample.http}/metrics`);
      assert.equal(response.status, 200);
      const samples = parsePrometheusText(await response.text());
      assert.equal(
        sampleValue(samples, 'forge_streaming_connections', {
          protocol: 'websocket',
          route: '/ws/echo',
        }),
        1,
      );
      assert.equal(sampleValue(samples, 'forge_streaming_messages_received_total'), 1);
      assert.equal(sampleValue(samples, 'forge_streaming_received_bytes_total'), 5);
    } finally {
      await socket.close();
    }
    await waitFor(async () => {
      const text = await (await fetch(`${sample.http}/metrics`)).text();
      return sampleValue(parsePrometheusText(text), 'forge_streaming_connections_closed_total');
    }, 'the closed echo connection is counted');
  });

  test('GET /health is ok with the streaming, connections and adapter indicators', async () => {
    const response = await fetch(`${sample.http}/health`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      status: string;
      details: Record<string, { status: string }>;
    };
    assert.equal(body.status, 'ok');
    assert.deepEqual(Object.keys(body.details).sort(), ['adapter', 'connections', 'streaming']);
    for (const indicator of Object.values(body.details)) assert.equal(indicator.status, 'up');
  });
});
