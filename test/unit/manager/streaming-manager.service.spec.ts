import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { PresenceEvent } from '../../../src/interfaces/streaming-adapter.interface.js';
import { ConnectionNotFoundError } from '../../../src/errors/connection-not-found.error.js';
import { StreamingErrorCode } from '../../../src/errors/streaming.error.js';
import { StreamingManager } from '../../../src/manager/streaming-manager.service.js';
import {
  exceptConnection,
  localPredicate,
  protocol,
  whereMeta,
} from '../../../src/registry/connection-filters.js';
import { ConnectionRegistry } from '../../../src/registry/connection-registry.service.js';
import { StreamingStatsCollector } from '../../../src/stats/streaming-stats-collector.service.js';
import { ForgeStreamingModule } from '../../../src/streaming.module.js';
import { MemoryConnection } from '../../support/memory-connection.js';

describe('StreamingManager (in memory)', () => {
  let moduleRef: TestingModule;
  let manager: StreamingManager;
  let registry: ConnectionRegistry;
  let stats: StreamingStatsCollector;

  before(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [ForgeStreamingModule.forRoot()],
    }).compile();
    await moduleRef.init();
    manager = moduleRef.get(StreamingManager);
    registry = moduleRef.get(ConnectionRegistry);
    stats = moduleRef.get(StreamingStatsCollector);
  });
  after(() => moduleRef.close());

  let alice: MemoryConnection;
  let bob: MemoryConnection;
  let feed: MemoryConnection;
  beforeEach(() => {
    for (const conn of [...registry.all()]) conn.close();
    alice = new MemoryConnection({ user: { sub: 'alice' }, stats, bufferLimit: 1 << 20 });
    bob = new MemoryConnection({ user: { sub: 'bob' }, stats, bufferLimit: 1 << 20 });
    feed = new MemoryConnection({ protocol: 'sse', route: '/feed', stats, bufferLimit: 1 << 20 });
    for (const conn of [alice, bob, feed]) registry.add(conn);
  });

  test('finds local connections; an unknown id is a typed error with a stable code', () => {
    assert.equal(manager.getConnection(alice.id), alice);
    assert.equal(manager.findConnection('nope'), undefined);
    assert.throws(
      () => manager.getConnection('nope'),
      (error) =>
        error instanceof ConnectionNotFoundError &&
        error.code === StreamingErrorCode.ConnectionNotFound &&
        error.connectionId === 'nope',
    );
  });

  test('a broadcast reaches exactly the connections its filters match, encoded once', async () => {
    alice.set('team', 'red');
    bob.set('team', 'blue');
    const result = await manager.broadcast(
      'for red',
      protocol('websocket'),
      whereMeta('team', 'red'),
    );
    assert.deepEqual([result.delivered, result.dropped, result.published], [1, 0, false]);
    assert.deepEqual(alice.written, ['for red']);
    assert.deepEqual(bob.written, []);
    const all = await manager.broadcast({ n: 1 }, exceptConnection(bob.id), protocol('websocket'));
    assert.equal(all.delivered, 1);
    assert.deepEqual(alice.written, ['for red', '{"n":1}']);
  });

  test('to(room) and toUser(user) narrow the broadcast; a local predicate stays local', async () => {
    alice.join('lobby');
    await manager.to('lobby').broadcast('room message');
    await manager.toUser('bob').broadcast('private');
    const local = await manager.broadcast(
      'picked',
      localPredicate((c) => c.id === bob.id),
    );
    assert.deepEqual(alice.written, ['room message']);
    assert.deepEqual(bob.written, ['private', 'picked']);
    assert.equal(local.published, false);
  });

  test('join, leave, sendTo and disconnect act on local connections and report unknown ids', async () => {
    assert.equal(await manager.join(bob.id, 'vip'), true);
    assert.deepEqual([...bob.rooms], ['vip']);
    assert.equal(await manager.sendTo(bob.id, 'hello'), true);
    assert.deepEqual(bob.written, ['hello']);
    assert.equal(await manager.leave(bob.id, 'vip'), true);
    assert.deepEqual([...bob.rooms], []);
    assert.equal(await manager.disconnect(bob.id, 4000, 'bye'), true);
    assert.equal((await bob.closed).code, 4000);
    assert.equal(await manager.join('ghost', 'vip'), false);
    assert.equal(await manager.sendTo('ghost', 'x'), false);
    assert.equal(await manager.disconnect('ghost'), false);
  });

  test('presence lists a room’s members and reports joins and leaves as they happen', async () => {
    const events: PresenceEvent[] = [];
    const subscription = manager.presence$.subscribe((event) => events.push(event));
    alice.join('kitchen');
    bob.join('kitchen');
    bob.leave('kitchen');
    subscription.unsubscribe();
    const members = await manager.presence('kitchen');
    assert.deepEqual(
      members.map((m) => [m.connectionId, m.userId, m.instanceId]),
      [[alice.id, 'alice', manager.instanceId]],
    );
    assert.deepEqual(
      events.map((e) => [e.type, e.member.userId]),
      [
        ['join', 'alice'],
        ['join', 'bob'],
        ['leave', 'bob'],
      ],
    );
  });

  test('statistics count connections by protocol and route, and broadcasts', async () => {
    const before = manager.getStats();
    await manager.broadcast('x');
    const snapshot = manager.getStats();
    assert.equal(snapshot.instanceId, manager.instanceId);
    assert.deepEqual(snapshot.byProtocol, { websocket: 2, sse: 1, webtransport: 0 });
    assert.equal(snapshot.byRoute['sse /feed'], 1);
    assert.equal(snapshot.broadcasts, before.broadcasts + 1);
    assert.equal(snapshot.activeConnections, 3);
    assert.equal(manager.health().status, 'up');
  });
});
