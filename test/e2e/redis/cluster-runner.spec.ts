import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ChatClient } from './cluster-apps.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from './redis-test-env.js';
import { waitFor } from '../../support/wait-for.js';

interface WorkerLine {
  port: number;
  instanceId: string;
  pid: number;
  index: string;
  label: string;
}

const prefix = uniquePrefix('cluster-runner');
const redis = testClient();
const clients: ChatClient[] = [];
let primary: ChildProcess | undefined;

after(async () => {
  for (const client of clients) await client.close();
  if (primary && primary.exitCode === null && primary.signalCode === null) {
    primary.kill('SIGKILL');
  }
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

test('runCluster: two worker processes share one port and one chat room through Redis, and stop on SIGTERM', async () => {
  const script = fileURLToPath(new URL('./fixtures/cluster-runner.js', import.meta.url));
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, REDIS_URL, KEY_PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  primary = proc;
  const workers: WorkerLine[] = [];
  let buffered = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) workers.push(JSON.parse(line) as WorkerLine);
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => resolve(code)),
  );

  await waitFor(() => workers.length === 2, 'both workers to listen', 20_000);
  assert.equal(workers[0].port, workers[1].port, 'one shared port');
  assert.notEqual(workers[0].pid, workers[1].pid);
  assert.notEqual(workers[0].instanceId, workers[1].instanceId);
  assert.deepEqual(workers.map((w) => `${w.index}:${w.label}`).sort(), ['0:w0', '1:w1']);

  // Connections are spread over the workers; find one member on each.
  const byInstance = new Map<string, ChatClient>();
  for (let attempt = 0; attempt < 20 && byInstance.size < 2; attempt += 1) {
    const client = await ChatClient.connect(workers[0].port, 'shared');
    clients.push(client);
    const owner = await waitFor(
      () => redis.hget(`${prefix}connection-index`, client.id),
      'the registry entry',
    );
    if (!byInstance.has(owner)) byInstance.set(owner, client);
  }
  assert.equal(byInstance.size, 2, 'connections landed on both workers');
  const [first, second] = [...byInstance.values()];
  first.send('across processes');
  await waitFor(
    () => second.received.some((m) => (m as { text?: string }).text === 'across processes'),
    'the member on the other process to receive it',
  );

  proc.kill('SIGTERM');
  assert.equal(await exited, 0, 'the primary exits cleanly after its workers');
  await waitFor(
    () => clients.every((client) => client.closeCode !== undefined),
    'clients to be closed by the shutdown',
  );
  assert.ok(clients.every((client) => client.closeCode === 1001));
});
