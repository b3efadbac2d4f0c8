import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, Redis } from 'ioredis';
import { hashTag, isClusterClient } from '../../../../src/adapters/redis/redis-client.js';
import { RedisKeys } from '../../../../src/adapters/redis/redis-keys.js';

test('hashTag follows the Redis Cluster rule: the first non-empty {…}, else the whole key', () => {
  assert.equal(hashTag('p:instance:{abc}:heartbeat'), 'abc');
  assert.equal(hashTag('p:room:{a}{b}'), 'a');
  assert.equal(hashTag('p:{}:x{y}'), 'p:{}:x{y}');
  assert.equal(hashTag('p:{open'), 'p:{open');
  assert.equal(hashTag('p:instances'), 'p:instances');
});

test('keys used together share a hash tag: an instance by its id, a room by its name', () => {
  const keys = new RedisKeys('forge:');
  assert.equal(hashTag(keys.heartbeat('i-1')), hashTag(keys.connections('i-1')));
  assert.equal(hashTag(keys.instanceChannel('i-1')), 'i-1');
  assert.equal(hashTag(keys.room('lobby')), hashTag(keys.roomChannel('lobby')));
  assert.notEqual(hashTag(keys.room('lobby')), hashTag(keys.room('other')));
});

test('isClusterClient tells an ioredis Cluster from a Redis client', () => {
  const redis = new Redis({ lazyConnect: true });
  const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
  assert.equal(isClusterClient(redis), false);
  assert.equal(isClusterClient(cluster), true);
  redis.disconnect();
  cluster.disconnect();
});
