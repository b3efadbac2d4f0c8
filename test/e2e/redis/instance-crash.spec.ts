import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type { PresenceEvent } from '../../../src/index.js';
import { ChatClient, startClusterApp, type ClusterApp } from './cluster-apps.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from './redis-test-env.js';
import { waitFor } from '../../support/wait-for.js';

const prefix = uniquePrefix('crash');
let redis: Redis;
let survivor: ClusterApp;
let child: ChildProcess | undefined;
let client: ChatClient | undefined;

function startChild(): Promise<{ port: number; instanceId: string }> {
  const script = fileURLToPath(new URL('./fixtures/cluster-instance.js', import.meta.url));
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, REDIS_URL, KEY_PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line) as { port: number; instanceId: string });
    });
    proc.once('exit', (code) => reject(new Error(`instance exited early (${code})`)));
  });
}

before(async () => {
  redis = testClient();
  survivor = await startClusterApp({ url: REDIS_URL, keyPrefix: prefix });
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await client?.close();
  await survivor?.app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

test('an instance killed without warning: its registry entries expire and its room members leave', async () => {
  const { port, instanceId } = await startChild();
  const events: PresenceEvent[] = [];
  const subscription = survivor.manager.presence$.subscribe((event) => events.push(event));
  try {
    client = await ChatClient.connect(port, 'crash-room');
    const id = client.id;
    await waitFor(async () => {
      const members = await survivor.manager.presence('crash-room');
      return members.some((m) => m.connectionId === id && m.instanceId === instanceId);
    }, 'the survivor to see the member of the other process');
    assert.equal((await survivor.manager.describeConnection(id))?.instanceId, instanceId);

    child!.kill('SIGKILL');
    await waitFor(
      async () => (await survivor.manager.describeConnection(id)) === undefined,
      'the dead instance to be ignored',
    );
    assert.deepEqual(await survivor.manager.presence('crash-room'), []);
    await waitFor(async () => {
      const [hash, indexed, listed] = await Promise.all([
        redis.exists(`${prefix}instance:{${instanceId}}:connections`),
        redis.hexists(`${prefix}connection-index`, id),
        redis.zscore(`${prefix}instances`, instanceId),
      ]);
      return hash === 0 && indexed === 0 && listed === null;
    }, 'the sweeper to delete the dead instance entries');
    assert.equal(await redis.exists(`${prefix}room:{crash-room}`), 0);
    await waitFor(
      () => events.some((e) => e.type === 'leave' && e.member.connectionId === id),
      'a leave notification for the dead member',
    );
    assert.equal(await survivor.manager.disconnect(id), false);
    const stats = await survivor.manager.getClusterStats();
    assert.equal(stats.cluster?.instances, 1);
  } finally {
    subscription.unsubscribe();
  }
});
