import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InboundMessageQueue } from '../../../src/connection/inbound-message-queue.js';
import { ConnectionClosedError } from '../../../src/errors/connection-closed.error.js';

const CLOSED = { code: 1000, reason: 'bye', byServer: false };

describe('InboundMessageQueue', () => {
  test('a waiting reader gets the next message without it being queued', async () => {
    const queue = new InboundMessageQueue<string>();
    const read = queue.next();
    queue.push('a', 1);
    assert.equal(await read, 'a');
    assert.equal(queue.bytes, 0);
  });

  test('queued messages are read in order and their bytes released', async () => {
    const queue = new InboundMessageQueue<string>();
    queue.push('a', 2);
    queue.push('b', 3);
    assert.equal(queue.bytes, 5);
    assert.equal(await queue.next(), 'a');
    assert.deepEqual(await queue.nextResult(), { done: false, value: 'b' });
    assert.equal(queue.bytes, 0);
  });

  test('several readers waiting at once are served in the order they started', async () => {
    const queue = new InboundMessageQueue<string>();
    const first = queue.next();
    const second = queue.nextResult();
    const third = queue.next();
    queue.push('a', 1);
    queue.push('b', 1);
    queue.push('c', 1);
    assert.deepEqual(
      [await first, await second, await third],
      ['a', { done: false, value: 'b' }, 'c'],
    );
  });

  test('closing rejects every waiting reader and ends every waiting iteration', async () => {
    const queue = new InboundMessageQueue<string>();
    const read = queue.next();
    const step = queue.nextResult();
    const another = queue.next();
    queue.close(CLOSED);
    await assert.rejects(read, ConnectionClosedError);
    assert.deepEqual(await step, { done: true, value: undefined });
    await assert.rejects(another, ConnectionClosedError);
    await assert.rejects(queue.next(), ConnectionClosedError);
  });
});
