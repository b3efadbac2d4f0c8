import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PresenceEvent } from '../../../src/index.js';
import { ChatClient } from '../redis/cluster-apps.js';
import { CuttableProxy } from '../redis/redis-test-env.js';
import { startNatsApp, type NatsClusterApp } from './nats-cluster-apps.js';
import { NATS_URL, deleteNatsPrefix, uniqueNatsPrefix } from './nats-test-env.js';
import { delay, waitFor } from '../../support/wait-for.js';

const prefix = uniqueNatsPrefix('crash');
let a: NatsClusterApp;
let b: NatsClusterApp;
let proxy: CuttableProxy;
const clients: ChatClient[] = [];

before(async () => {
  a = await startNatsApp({ servers: NATS_URL, prefix });
  b = await startNatsApp({ servers: NATS_URL, prefix });
  proxy = await CuttableProxy.start(NATS_URL);
});

after(async () => {
  for (const client of clients) await client.close();
  await a?.app.close();
  await b?.app.close();
  await proxy?.close();
  await deleteNatsPrefix(prefix);
});

test('an instance cut off from NATS: once its heartbeat expires it is swept once, and every instance hears each leave once', async () => {
  const doomed = await startNatsApp({ servers: `nats://127.0.0.1:${proxy.port}`, prefix });
  const leaves = new Map<NatsClusterApp, PresenceEvent[]>([
    [a, []],
    [b, []],
  ]);
  const subscriptions = [...leaves].map(([app, seen]) =>
    app.manager.presence$.subscribe((event) => {
      if (event.type === 'leave' && event.room.startsWith('crash-')) seen.push(event);
    }),
  );
  try {
    const first = await ChatClient.connect(doomed.port, 'crash-one');
    const second = await ChatClient.connect(doomed.port, 'crash-two');
    clients.push(first, second);
    await waitFor(
      async () =>
        (await a.manager.presence('crash-one')).length === 1 &&
        (await a.manager.presence('crash-two')).length === 1 &&
        (await b.manager.getClusterStats()).cluster?.instances === 3,
      'the doomed instance and its members in the registry',
    );
    proxy.cut();
    await waitFor(
      () => [...leaves.values()].every((seen) => seen.length === 2),
      'both instances to hear the two leaves of the swept instance',
      10_000,
    );
    await delay(600); // several sweeps later: no second sweep, no duplicate leave
    for (const [app, seen] of leaves) {
      assert.deepEqual(
        seen
          .map((event) => [event.room, event.member.connectionId, event.member.instanceId])
          .sort(),
        [
          ['crash-one', first.id, doomed.manager.instanceId],
          ['crash-two', second.id, doomed.manager.instanceId],
        ].sort(),
        `leaves heard on ${app.manager.instanceId}`,
      );
    }
    assert.equal(await a.manager.describeConnection(first.id), undefined);
    assert.deepEqual(await b.manager.presence('crash-one'), []);
    assert.equal((await a.manager.getClusterStats()).cluster?.instances, 2);
    assert.equal(first.closeCode, undefined, 'its clients stay connected to the cut-off instance');
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    const started = Date.now();
    await doomed.app.close();
    assert.ok(Date.now() - started < 10_000, 'the cut-off instance still shuts down');
  }
});
