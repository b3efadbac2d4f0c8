import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { startClusterApp, type ClusterApp } from '../redis/cluster-apps.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from '../redis/redis-test-env.js';
import { RawWebSocket, rawHttp } from '../../support/raw-websocket.js';
import { reconnectStorm, sseRequest, upgradeRequest } from './reconnect-storm.js';
import { waitFor } from '../../support/wait-for.js';

const SHUTDOWN_TIMEOUT = 2_000;
const prefix = uniquePrefix('hardening-shutdown');
let redis: Redis;
let survivor: ClusterApp;
let child: ChildProcess | undefined;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function startInstance(): Promise<{ port: number; instanceId: string; exited: Promise<Exit> }> {
  const script = fileURLToPath(new URL('./fixtures/shutdown-instance.js', import.meta.url));
  const proc = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      REDIS_URL,
      KEY_PREFIX: prefix,
      SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = proc;
  const exited = new Promise<Exit>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('\n')) return;
      const info = JSON.parse(out.split('\n')[0]) as { port: number; instanceId: string };
      resolve({ ...info, exited });
    });
    proc.once('exit', (code) => reject(new Error(`instance exited early (${code})`)));
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]);
}

before(async () => {
  redis = testClient();
  survivor = await startClusterApp({ url: REDIS_URL, keyPrefix: prefix });
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await survivor?.app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

test('SIGTERM with a close-ignoring peer: late upgrade and late SSE get 503, exit within shutdownTimeout + 1 s, the cluster drops the instance within 1 s', async () => {
  const { port, instanceId, exited } = await startInstance();
  await waitFor(
    async () => (await survivor.manager.getClusterStats()).cluster?.instances === 2,
    'both instances in the cluster stats',
  );
  // A peer that never answers the close frame keeps the drain open until shutdownTimeout.
  const stubborn = await RawWebSocket.connect(port, '/echo');
  const signalled = Date.now();
  child!.kill('SIGTERM');
  assert.equal(await stubborn.readCloseCode(), 1001);

  const lateUpgrade = await rawHttp(port, upgradeRequest(port, '/echo'));
  assert.equal(lateUpgrade.status, 503, lateUpgrade.text);
  const lateSse = await rawHttp(port, sseRequest(port, '/feed'));
  assert.equal(lateSse.status, 503, lateSse.text);

  // Reconnecting clients keep coming through the drain, the stop and the close of the server:
  // each is refused with 503 until the port closes, none is left without an answer.
  const storms = await Promise.all([
    reconnectStorm(port, upgradeRequest(port, '/echo'), 3, 1_500),
    reconnectStorm(port, sseRequest(port, '/feed'), 1, 1_500),
  ]);
  for (const outcomes of storms) {
    const unexpected = [...outcomes].filter(
      ([outcome]) => !['503', 'ECONNREFUSED', 'ECONNRESET'].includes(outcome),
    );
    assert.deepEqual(
      unexpected,
      [],
      `every late attempt refused: ${JSON.stringify([...outcomes])}`,
    );
    assert.ok((outcomes.get('503') ?? 0) > 0, 'late attempts answered with 503');
  }

  const exit = await within(exited, SHUTDOWN_TIMEOUT + 1_000, 'the instance to exit');
  const exitedAfter = Date.now() - signalled;
  assert.ok(exitedAfter <= SHUTDOWN_TIMEOUT + 1_000, `exited after ${exitedAfter} ms`);
  assert.equal(exit.signal ?? 'SIGTERM', 'SIGTERM');
  assert.ok(stubborn.closed, 'the stubborn peer is cut off');
  await waitFor(
    async () => (await survivor.manager.getClusterStats()).cluster?.instances === 1,
    'the other instance to drop the stopped one from its cluster view',
    1_000,
  );
  assert.equal(await redis.zscore(`${prefix}instances`, instanceId), null);
});
