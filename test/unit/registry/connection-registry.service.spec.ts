import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionRegistry } from '../../../src/registry/connection-registry.service.js';
import {
  anyOf,
  forUser,
  inRoom,
  not,
  onRoute,
  protocol,
  whereMeta,
} from '../../../src/registry/connection-filters.js';
import { StreamingStatsCollector } from '../../../src/stats/streaming-stats-collector.service.js';
import { MemoryConnection } from '../../support/memory-connection.js';

function setup() {
  const registry = new ConnectionRegistry(new StreamingStatsCollector());
  const a = new MemoryConnection({ user: { sub: 'alice' }, route: '/chat' });
  const b = new MemoryConnection({ user: { sub: 'bob' }, route: '/chat', protocol: 'sse' });
  const c = new MemoryConnection({ route: '/feed' });
  for (const conn of [a, b, c]) registry.add(conn);
  return { registry, a, b, c };
}

describe('ConnectionRegistry', () => {
  test('indexes rooms, users, protocols, routes and primitive values', () => {
    const { registry, a, b, c } = setup();
    a.join('x');
    b.join('x');
    c.set('tier', 'gold');
    assert.deepEqual(registry.select([inRoom('x')]), [a, b]);
    assert.deepEqual(registry.select([forUser('bob')]), [b]);
    assert.deepEqual(registry.select([protocol('sse')]), [b]);
    assert.deepEqual(registry.select([onRoute('/feed')]), [c]);
    assert.deepEqual(registry.select([whereMeta('tier', 'gold')]), [c]);
    assert.deepEqual(registry.select([inRoom('x'), not(forUser('alice'))]), [b]);
    assert.deepEqual(
      new Set(registry.select([anyOf(forUser('alice'), onRoute('/feed'))])),
      new Set([a, c]),
    );
    assert.deepEqual(registry.countByProtocol(), { websocket: 2, sse: 1, webtransport: 0 });
    assert.deepEqual(registry.countByRoute(), {
      'websocket /chat': 1,
      'sse /chat': 1,
      'websocket /feed': 1,
    });
  });

  test('changing a value moves the connection between value indexes', () => {
    const { registry, c } = setup();
    c.set('tier', 'gold');
    c.set('tier', 'silver');
    assert.deepEqual(registry.select([whereMeta('tier', 'gold')]), []);
    assert.deepEqual(registry.select([whereMeta('tier', 'silver')]), [c]);
  });

  test('a closed connection disappears from every index and reports leaving its rooms', () => {
    const { registry, a } = setup();
    const events: string[] = [];
    registry.listen({
      opened: () => undefined,
      changed: () => undefined,
      closed: (conn) => events.push(`closed:${conn.id === a.id}`),
      roomChanged: (_conn, room, type) => events.push(`${type}:${room}`),
    });
    a.join('x');
    a.set('tier', 'gold');
    a.close();
    assert.equal(registry.get(a.id), undefined);
    assert.deepEqual(registry.select([inRoom('x')]), []);
    assert.deepEqual(registry.select([whereMeta('tier', 'gold')]), []);
    assert.deepEqual(registry.select([forUser('alice')]), []);
    assert.deepEqual(events, ['join:x', 'leave:x', 'closed:true']);
    assert.equal(registry.size, 2);
  });
});
