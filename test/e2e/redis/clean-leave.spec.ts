import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { ChatClient, startClusterApp, type ClusterApp } from './cluster-apps.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from './redis-test-env.js';
import { waitFor } from '../../support/wait-for.js';

const prefix = uniquePrefix('clean-leave');
let redis: Redis;
let stayer: ClusterApp;
let leaver: ClusterApp;
const clients: ChatClient[] = [];

before(async () => {
  redis = testClient();
  stayer = await startClusterApp({ url: REDIS_URL, keyPrefix: prefix });
  leaver = await startClusterApp({ url: REDIS_URL, keyPrefix: prefix });
});

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await stayer?.app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

test('app.close() removes the instance, its stats snapshot and its room members before disconnecting', async () => {
  clients.push(await ChatClient.connect(stayer.port, 'leave-room'));
  const gone = await ChatClient.connect(leaver.port, 'leave-room');
  clients.push(gone);
  await waitFor(
    async () => (await stayer.manager.presence('leave-room')).length === 2,
    'both members in the registry',
  );
  await waitFor(
    async () => (await stayer.manager.getClusterStats()).cluster?.instances === 2,
    'both instances in the cluster stats',
  );
  await leaver.app.close();
  await waitFor(
    async () => {
      const members = await stayer.manager.presence('leave-room');
      return members.every((member) => member.connectionId !== gone.id) && members.length === 1;
    },
    'the closed instance member to leave the room',
    1_000,
  );
  await waitFor(
    async () => (await stayer.manager.getClusterStats()).cluster?.instances === 1,
    'the closed instance to leave the cluster stats',
    1_000,
  );
  assert.equal(await redis.zscore(`${prefix}instances`, leaver.manager.instanceId), null);
});
