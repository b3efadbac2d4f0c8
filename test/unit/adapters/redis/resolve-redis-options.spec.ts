import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRedisOptions } from '../../../../src/adapters/redis/resolve-redis-options.js';
import { InvalidConfigError } from '../../../../src/errors/invalid-config.error.js';

test('applies the documented defaults', () => {
  const resolved = resolveRedisOptions({});
  assert.equal(resolved.url, 'redis://127.0.0.1:6379');
  assert.equal(resolved.keyPrefix, 'forge-streaming:');
  assert.equal(resolved.heartbeatMs, 2000);
  assert.equal(resolved.registryTtlMs, 10_000);
  assert.equal(resolved.connectTimeoutMs, 5000);
  assert.equal(resolved.degradedStart, false);
});

test('rejects a registry TTL that does not exceed the heartbeat, and non-positive durations', () => {
  assert.throws(
    () => resolveRedisOptions({ heartbeatMs: 1000, registryTtlMs: 1000 }),
    InvalidConfigError,
  );
  assert.throws(() => resolveRedisOptions({ heartbeatMs: 0 }), /redis.heartbeatMs/);
  assert.throws(() => resolveRedisOptions({ connectTimeoutMs: 1.5 }), /redis.connectTimeoutMs/);
});

test('a Redis Cluster needs at least one seed node', () => {
  assert.throws(() => resolveRedisOptions({ cluster: { nodes: [] } }), /redis.cluster.nodes/);
  const nodes = [{ host: '127.0.0.1', port: 7000 }];
  assert.deepEqual(resolveRedisOptions({ cluster: { nodes } }).cluster, { nodes });
  assert.equal(resolveRedisOptions({}).cluster, undefined);
});
