import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BaseConnection, newConnectionId } from '../../../src/connection/base.connection.js';
import { OutboundMessage } from '../../../src/connection/outbound-message.js';
import { ConnectionClosedError } from '../../../src/errors/connection-closed.error.js';
import { MemoryConnection } from '../../support/memory-connection.js';
import { delay } from '../../support/wait-for.js';

const message = (text: string) => OutboundMessage.text(text);

describe('BaseConnection outbound buffer', () => {
  test('writes straight through while the transport has room', () => {
    const conn = new MemoryConnection({ bufferLimit: 100 });
    conn.deliver(message('a'));
    conn.deliver(message('b'));
    assert.deepEqual(conn.written, ['a', 'b']);
    assert.equal(conn.statsCollector.messagesOut, 2);
  });

  test('queues behind a full transport and flushes in order on drain', () => {
    const conn = new MemoryConnection({ bufferLimit: 100 });
    conn.backlog = 100;
    conn.deliver(message('one'));
    assert.deepEqual(conn.written, []);
    assert.equal(conn.bufferedAmount, 103);
    conn.drain();
    assert.deepEqual(conn.written, ['one']);
    conn.backlog = 40;
    conn.deliver(message('two'));
    conn.deliver(message('three'));
    assert.deepEqual(
      conn.written,
      ['one', 'two', 'three'],
      'room again: written straight through, in order',
    );
  });

  test('drop-newest refuses messages past the limit and counts them', () => {
    const conn = new MemoryConnection({ bufferLimit: 10, slowConsumer: 'drop-newest' });
    conn.backlog = 8;
    assert.equal(conn.deliver(message('12')), true);
    assert.equal(conn.deliver(message('3')), false);
    assert.equal(conn.statsCollector.droppedMessages, 1);
    conn.drain();
    assert.deepEqual(conn.written, ['12']);
  });

  test('drop-oldest evicts the oldest queued messages and keeps the newest', () => {
    const conn = new MemoryConnection({ bufferLimit: 10, slowConsumer: 'drop-oldest' });
    conn.backlog = 6;
    for (const text of ['aa', 'bb', 'cc', 'dd', 'ee']) conn.deliver(message(text));
    assert.deepEqual(conn.written, ['aa', 'bb'], 'written while under the limit');
    assert.ok(conn.bufferedAmount <= 10 + 2, `bounded (${conn.bufferedAmount})`);
    assert.equal(conn.statsCollector.droppedMessages, 2, 'cc and dd were evicted');
    conn.drain();
    assert.deepEqual(conn.written, ['aa', 'bb', 'ee']);
  });

  test('disconnect closes the connection with 1008 and counts it', async () => {
    const conn = new MemoryConnection({ bufferLimit: 4, slowConsumer: 'disconnect' });
    conn.backlog = 4;
    conn.deliver(message('x'));
    conn.deliver(message('y'));
    assert.equal(conn.isClosed, true);
    assert.equal((await conn.closed).code, 1008);
    assert.equal(conn.statsCollector.slowConsumerDisconnects, 1);
  });

  test('a message larger than the limit still goes out when nothing is buffered', () => {
    const conn = new MemoryConnection({ bufferLimit: 4, slowConsumer: 'drop-newest' });
    assert.equal(conn.deliver(message('a long message')), true);
    assert.deepEqual(conn.written, ['a long message']);
  });

  test('batching writes in order once maxMessages are waiting or the interval passes', async () => {
    const conn = new MemoryConnection({
      bufferLimit: 1000,
      batching: { intervalMs: 30, maxMessages: 3 },
    });
    conn.deliver(message('1'));
    conn.deliver(message('2'));
    assert.deepEqual(conn.written, []);
    conn.deliver(message('3'));
    assert.deepEqual(conn.written, ['1', '2', '3']);
    conn.deliver(message('4'));
    assert.deepEqual(conn.written, ['1', '2', '3']);
    await delay(80);
    assert.deepEqual(conn.written, ['1', '2', '3', '4']);
  });

  test('close flushes a pending batch first, then settles closed and aborts the signal', async () => {
    const conn = new MemoryConnection({ batching: { intervalMs: 10_000, maxMessages: 100 } });
    conn.deliver(message('last words'));
    conn.close(1000, 'done');
    assert.deepEqual(conn.written, ['last words']);
    assert.equal(conn.signal.aborted, true);
    assert.deepEqual(await conn.closed, { code: 1000, reason: 'done', byServer: true });
    await assert.rejects(conn.send('late'), ConnectionClosedError);
    assert.equal(conn.deliver(message('later')), false);
  });

  test('closed settles whether it was read before or after the close', async () => {
    const early = new MemoryConnection();
    const pending = early.closed;
    let settled = false;
    void pending.then(() => (settled = true));
    await delay(5);
    assert.equal(settled, false, 'still open');
    early.close(4000, 'bye');
    assert.deepEqual(await pending, { code: 4000, reason: 'bye', byServer: true });
    assert.equal(early.closed, pending, 'the same promise afterwards');
  });

  test('a tracked connection leaves its transport set when it closes', () => {
    const open = new Set<BaseConnection>();
    const conn = new MemoryConnection();
    conn.trackIn(open);
    assert.equal(open.has(conn), true);
    conn.close();
    assert.equal(open.size, 0);
    conn.trackIn(open);
    assert.equal(open.size, 0, 'a closed connection is not tracked again');
  });

  test('ids are random v4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newConnectionId()));
    assert.equal(ids.size, 100);
    for (const id of ids) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    assert.match(new MemoryConnection().id, /^[0-9a-f-]{36}$/);
  });

  test('openedAt is the opening time in epoch milliseconds, stable across reads', async () => {
    const before = Date.now();
    const conn = new MemoryConnection();
    const after = Date.now();
    assert.ok(conn.openedAt >= before && conn.openedAt <= after, `${conn.openedAt} in range`);
    assert.ok(Number.isInteger(conn.openedAt));
    await delay(5);
    assert.ok(conn.openedAt <= after, 'does not follow the clock');
  });

  test('derives userId and user_id from the guard-provided user', () => {
    assert.equal(new MemoryConnection({ user: { sub: 'u1' } }).userId, 'u1');
    assert.equal(new MemoryConnection({ user: { id: 7 } }).get('user_id'), '7');
    assert.equal(new MemoryConnection({ user: undefined }).userId, undefined);
  });
});
