import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Conn,
  OnConnect,
  StreamingGateway,
  StreamingManager,
  type GatewayConnection,
  type StreamingAdapter,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { CuttableProxy } from '../redis/redis-test-env.js';
import { delay, waitFor } from '../../support/wait-for.js';
import { GatewayTestClient, type Received } from '../gateway/gateway-client.js';

// Instance B reaches the backend through a proxy that the test cuts: B's subscriptions are lost
// while instance A keeps broadcasting (and appending to the room history). Once B is back, its
// members get what they missed from the history, once and in order, or `$recovered false`.

/** Joins the connection to the room named in `?room=`. */
@StreamingGateway('/ws/gap')
class GapGateway {
  @OnConnect()
  joined(@Conn() conn: GatewayConnection): void {
    const room = conn.request.query.room;
    if (typeof room === 'string') conn.join(room);
  }
}

/** A scale-out backend the gap-fill cases run against. */
export interface GapFillBackend {
  /** Shown in the suite's name. */
  readonly name: string;
  /** The backend's address (instance A connects to it directly). */
  readonly url: string;
  /** The address of the proxy in front of it (instance B connects there). */
  proxyUrl(port: number): string;
  /** A new adapter connected to `url`. */
  adapter(url: string): StreamingAdapter;
  /** Drops the history of `room` behind the instances' back, when the backend allows it. */
  loseRoomHistory?(room: string): Promise<void>;
  /** Removes what the suite left on the backend. */
  cleanup(): Promise<void>;
}

async function startInstance(backend: GapFillBackend, url: string): Promise<StreamingTestApp> {
  return createStreamingTestApp({
    config: {
      adapter: backend.adapter(url),
      rooms: {
        history: { 'gap:*': { size: 100, ttlMs: 60_000 }, 'small:*': { size: 3, ttlMs: 0 } },
      },
    },
    providers: [GapGateway],
  });
}

/** The chat events a client received: [data, offset]. */
function chat(client: GatewayTestClient): Array<[unknown, unknown]> {
  return client.received
    .filter((envelope) => envelope.event === 'chat')
    .map((envelope) => [envelope.data, envelope.offset]);
}

/** Registers the gap-fill suite for one backend. */
export function describeGapFill(backend: GapFillBackend): void {
  describe(`gap fill after a lost pub/sub connection (${backend.name})`, () => {
    let proxy: CuttableProxy;
    let a: StreamingTestApp;
    let b: StreamingTestApp;
    let managerA: StreamingManager;
    const clients: GatewayTestClient[] = [];

    before(async () => {
      proxy = await CuttableProxy.start(backend.url);
      a = await startInstance(backend, backend.url);
      b = await startInstance(backend, backend.proxyUrl(proxy.port));
      managerA = a.app.get(StreamingManager);
    });

    after(async () => {
      for (const client of clients) client.close();
      await a.close();
      await b.close();
      await proxy.close();
      await backend.cleanup();
    });

    const healthOfB = (): string => b.app.get(StreamingManager).health().status;

    /** A member of `room` on B that has heard a first event from A. */
    async function memberOnB(room: string): Promise<GatewayTestClient> {
      const client = await GatewayTestClient.open(`${b.wsUrl}/ws/gap?room=${room}`);
      clients.push(client);
      await waitFor(async () => {
        await managerA.to(room).emit('chat', 'warm-up');
        return chat(client).length > 0;
      }, 'the member on B to hear A');
      await delay(100);
      client.received.length = 0;
      return client;
    }

    /** Cuts B off the backend, runs `during` on A, then lets B reconnect and waits until it is up. */
    async function partitionB(during: () => Promise<void>): Promise<void> {
      proxy.cut();
      await waitFor(() => healthOfB() !== 'up', 'B to notice the cut');
      await during();
      proxy.restore();
      await waitFor(() => healthOfB() === 'up', 'B to be back', 15_000);
    }

    test('the events missed while cut arrive once, in order, then live events follow', async () => {
      const room = 'gap:lobby';
      const client = await memberOnB(room);
      const missed: string[] = [];
      await partitionB(async () => {
        for (let i = 0; i < 5; i += 1) {
          missed.push((await managerA.to(room).emit('chat', `missed-${i}`)).offset!);
        }
      });
      await waitFor(() => chat(client).length >= 5, 'the missed events on B');
      const live = await managerA.to(room).emit('chat', 'live');
      await waitFor(() => chat(client).length >= 6, 'the live event on B');
      await delay(200);
      assert.deepEqual(chat(client), [
        ...missed.map((offset, i): [unknown, unknown] => [`missed-${i}`, offset]),
        ['live', live.offset],
      ]);
      assert.equal(
        client.received.filter((envelope: Received) => envelope.event === '$recovered').length,
        0,
        'nothing to announce when every event was filled in',
      );
    });

    test('live events sent while the gap is being filled are neither lost nor doubled', async () => {
      const room = 'gap:busy';
      const client = await memberOnB(room);
      const sent: Array<[unknown, unknown]> = [];
      const emit = async (text: string): Promise<void> => {
        sent.push([text, (await managerA.to(room).emit('chat', text)).offset]);
      };
      proxy.cut();
      await waitFor(() => healthOfB() !== 'up', 'B to notice the cut');
      for (let i = 0; i < 5; i += 1) await emit(`missed-${i}`);
      proxy.restore();
      // A keeps sending through B's reconnection and the fill.
      for (let i = 0; i < 40; i += 1) {
        await emit(`around-${i}`);
        await delay(5);
      }
      await waitFor(() => healthOfB() === 'up', 'B to be back', 15_000);
      await emit('last');
      await waitFor(() => chat(client).length >= sent.length, 'every event on B');
      await delay(200);
      assert.deepEqual(chat(client), sent);
    });

    const loseRoomHistory = backend.loseRoomHistory?.bind(backend);
    if (loseRoomHistory) {
      test('a log lost while cut: $recovered false, epoch-changed, then the new log', async () => {
        const room = 'gap:flushed';
        const client = await memberOnB(room);
        const fresh: Array<[unknown, unknown]> = [];
        await partitionB(async () => {
          await managerA.to(room).emit('chat', 'gone');
          await loseRoomHistory(room);
          for (let i = 0; i < 3; i += 1) {
            fresh.push([`fresh-${i}`, (await managerA.to(room).emit('chat', `fresh-${i}`)).offset]);
          }
        });
        await waitFor(() => chat(client).length >= 3, 'the new log on B');
        await delay(200);
        assert.deepEqual(
          client.received.find((envelope) => envelope.event === '$recovered')?.data,
          {
            room,
            recovered: false,
            reason: 'epoch-changed',
          },
        );
        const order = client.received.map((envelope) => envelope.event);
        assert.ok(order.indexOf('$recovered') < order.indexOf('chat'), 'the notice comes first');
        assert.deepEqual(chat(client), fresh);
      });
    }

    test('events trimmed from the history before B is back: $recovered false, too-old', async () => {
      const room = 'small:lobby';
      const client = await memberOnB(room);
      await partitionB(async () => {
        for (let i = 0; i < 6; i += 1) await managerA.to(room).emit('chat', `lost-${i}`);
      });
      const recovered = await waitFor(
        () => client.received.find((envelope) => envelope.event === '$recovered'),
        'the $recovered notice on B',
      );
      assert.deepEqual(recovered.data, { room, recovered: false, reason: 'too-old' });
      assert.deepEqual(chat(client), [], 'no partial fill of a room that cannot be filled');
      const live = await managerA.to(room).emit('chat', 'live');
      await waitFor(() => chat(client).length === 1, 'the live event after the notice');
      assert.deepEqual(chat(client), [['live', live.offset]]);
    });
  });
}
