import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { installWriteCounter, socketWrites } from '../../../../bench/server/write-counter.js';

test('socket writes are counted: one per write, one per corked writev', async () => {
  installWriteCounter();
  let serverSide: Socket | undefined;
  const server = createServer((socket) => (serverSide = socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  let bytes = 0;
  client.on('data', (chunk: Buffer) => (bytes += chunk.length));
  await new Promise<void>((resolve) => client.once('connect', resolve));
  while (!serverSide) await new Promise((resolve) => setImmediate(resolve));
  try {
    const before = socketWrites() ?? 0;
    serverSide.write('a');
    serverSide.cork();
    serverSide.write('b');
    serverSide.write('c');
    serverSide.uncork();
    while (bytes < 3) await new Promise((resolve) => setImmediate(resolve));
    assert.equal((socketWrites() ?? 0) - before, 2);
  } finally {
    client.destroy();
    serverSide.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
