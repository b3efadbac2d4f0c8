import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TickerService } from '../../../sample/events/ticker.service.js';
import { postJson, startSample, tokenFor, type RunningSample } from './sample-harness.js';
import { waitFor } from '../../support/wait-for.js';
import { TestEventStream } from './sse-client.js';
import { TestWebSocket } from './ws-client.js';

interface Tick {
  seq: number;
  timestamp: number;
}

describe('sample app: Server-Sent Events', () => {
  let sample: RunningSample;

  before(async () => {
    sample = await startSample({ TICK_MS: '100' });
  });

  after(async () => {
    await sample.close();
  });

  test('/events sends `connected` first, then `update` ticks {seq,timestamp}, every event with an id', async () => {
    const stream = await TestEventStream.open(`${sample.http}/events`);
    try {
      assert.equal(stream.status, 200);
      assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
      const connected = await stream.next();
      assert.equal(connected.event, 'connected');
      assert.ok(connected.id, 'connected has an id');
      const ticks: Tick[] = [];
      for (let i = 0; i < 3; i += 1) {
        const update = await stream.nextNamed('update');
        assert.ok(update.id, 'update has an id');
        const tick = JSON.parse(update.data) as Tick;
        assert.equal(typeof tick.seq, 'number');
        assert.equal(typeof tick.timestamp, 'number');
        ticks.push(tick);
      }
      assert.deepEqual(
        ticks.map((t) => t.seq - ticks[0].seq),
        [0, 1, 2],
      );
    } finally {
      stream.close();
    }
  });

  for (const via of ['Last-Event-ID header', '?lastEventId= query'] as const) {
    test(`/events resumes with the ${via}: exactly the missed ticks, in order, no duplicates`, async () => {
      const ticker = sample.app.get(TickerService);
      const first = await TestEventStream.open(`${sample.http}/events`);
      await first.next();
      const seen = await first.nextNamed('update');
      const lastSeq = (JSON.parse(seen.data) as Tick).seq;
      first.close();
      await waitFor(() => ticker.lastSeq >= lastSeq + 4, 'four ticks while disconnected');

      const resumed = await TestEventStream.open(
        via === 'Last-Event-ID header'
          ? `${sample.http}/events`
          : `${sample.http}/events?lastEventId=${encodeURIComponent(seen.id!)}`,
        via === 'Last-Event-ID header' ? { 'last-event-id': seen.id! } : {},
      );
      try {
        assert.equal(resumed.status, 200);
        const seqs: number[] = [];
        while (seqs.length < 4) {
          const update = await resumed.nextNamed('update');
          seqs.push((JSON.parse(update.data) as Tick).seq);
        }
        assert.deepEqual(seqs, [lastSeq + 1, lastSeq + 2, lastSeq + 3, lastSeq + 4]);
        assert.ok(!resumed.received.some((e) => e.event === 'stream-reset'), 'no reset event');
      } finally {
        resumed.close();
      }
    });
  }

  test('/dashboard sends `dashboard-init` then `dashboard-update` samples of the server statistics', async () => {
    const stream = await TestEventStream.open(`${sample.http}/dashboard`);
    try {
      assert.equal(stream.status, 200);
      const init = await stream.next();
      assert.equal(init.event, 'dashboard-init');
      const initData = JSON.parse(init.data) as { intervalMs: number; samples: unknown[] };
      assert.equal(initData.intervalMs, 100);
      assert.ok(Array.isArray(initData.samples));
      const update = await stream.nextNamed('dashboard-update');
      assert.ok(update.id);
      const sample1 = JSON.parse(update.data) as {
        activeConnections: number;
        byProtocol: Record<string, number>;
        messagesOutPerSec: number;
      };
      assert.ok(sample1.byProtocol.sse >= 1, 'counts this SSE connection');
      assert.equal(typeof sample1.messagesOutPerSec, 'number');
      assert.ok(sample1.activeConnections >= 1);
    } finally {
      stream.close();
    }
  });

  test('/notifications refuses a missing or bad token with 401 and no event stream', async () => {
    for (const url of [
      `${sample.http}/notifications`,
      `${sample.http}/notifications?access_token=forged`,
    ]) {
      const stream = await TestEventStream.open(url);
      assert.equal(stream.status, 401);
      assert.doesNotMatch(String(stream.headers['content-type']), /event-stream/);
      stream.close();
    }
  });

  test('POST /notifications/:userId reaches that user’s open streams only', async () => {
    const [aliceToken, bobToken] = await Promise.all([
      tokenFor(sample, 'alice'),
      tokenFor(sample, 'bob'),
    ]);
    const alice1 = await TestEventStream.open(
      `${sample.http}/notifications?access_token=${aliceToken}`,
    );
    const alice2 = await TestEventStream.open(`${sample.http}/notifications`, {
      authorization: `Bearer ${aliceToken}`,
    });
    const bob = await TestEventStream.open(`${sample.http}/notifications?access_token=${bobToken}`);
    try {
      assert.equal(alice1.status, 200);
      const toAlice = { text: 'for alice', from: 'test' };
      const sent = await postJson(`${sample.http}/notifications/alice`, toAlice);
      assert.equal(sent.status, 200);
      assert.deepEqual(sent.body, { userId: 'alice', delivered: 2 });
      for (const stream of [alice1, alice2]) {
        const event = await stream.nextNamed('notification');
        assert.ok(event.id);
        assert.deepEqual(JSON.parse(event.data), toAlice);
      }
      const toBob = { text: 'for bob' };
      await postJson(`${sample.http}/notifications/bob`, toBob);
      // Bob's first notification is his own: alice's never reached him.
      assert.deepEqual(JSON.parse((await bob.nextNamed('notification')).data), toBob);
      const toNobody = await postJson(`${sample.http}/notifications/nobody`, { x: 1 });
      assert.deepEqual(toNobody.body, { userId: 'nobody', delivered: 0 });
    } finally {
      alice1.close();
      alice2.close();
      bob.close();
    }
  });

  test('POST /broadcast reaches SSE streams as event `broadcast`; protocol and room filters apply', async () => {
    const stream = await TestEventStream.open(`${sample.http}/dashboard`);
    const member = await TestWebSocket.open(
      `${sample.ws}/ws/chat/lobby?access_token=${await tokenFor(sample, 'carol')}`,
    );
    try {
      await stream.next();
      const toWs = await postJson(`${sample.http}/broadcast`, {
        message: 'ws only',
        protocol: 'websocket',
      });
      assert.equal((toWs.body as { delivered: number }).delivered, 1);
      assert.equal(JSON.parse((await member.next()).text), 'ws only');
      await postJson(`${sample.http}/broadcast`, { message: 'lobby only', room: 'lobby' });
      assert.equal(JSON.parse((await member.next()).text), 'lobby only');
      await postJson(`${sample.http}/broadcast`, { message: { to: 'sse' }, protocol: 'sse' });
      // The first broadcast this SSE stream gets is the SSE one: the others did not reach it.
      const event = await stream.nextNamed('broadcast');
      assert.ok(event.id);
      assert.deepEqual(JSON.parse(event.data), { to: 'sse' });
    } finally {
      stream.close();
      await member.close();
    }
  });
});
