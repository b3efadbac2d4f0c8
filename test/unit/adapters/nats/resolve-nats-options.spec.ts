import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveNatsOptions } from '../../../../src/adapters/nats/resolve-nats-options.js';
import { InvalidConfigError } from '../../../../src/errors/invalid-config.error.js';

test('defaults: local server, prefix forge, 2 s heartbeat, 10 s registry TTL', () => {
  assert.deepEqual(resolveNatsOptions({}), {
    servers: ['nats://127.0.0.1:4222'],
    connectionOptions: {},
    prefix: 'forge',
    heartbeatMs: 2000,
    registryTtlMs: 10_000,
    connectTimeoutMs: 5000,
    roomSubjectLingerMs: 2000,
    commandTimeoutMs: 2000,
  });
});

test('one server or several', () => {
  assert.deepEqual(resolveNatsOptions({ servers: 'nats://a:1' }).servers, ['nats://a:1']);
  assert.deepEqual(resolveNatsOptions({ servers: ['nats://a:1', 'nats://b:2'] }).servers, [
    'nats://a:1',
    'nats://b:2',
  ]);
});

test('a prefix that could not be a subject token or a stream name is refused, naming the field', () => {
  for (const prefix of ['', 'a.b', 'a b', 'a*', 'a>', 'x'.repeat(33)]) {
    assert.throws(
      () => resolveNatsOptions({ prefix }),
      (error: unknown) => error instanceof InvalidConfigError && error.field === 'nats.prefix',
      prefix,
    );
  }
  assert.equal(resolveNatsOptions({ prefix: 'My_app-2' }).prefix, 'My_app-2');
});

test('timings must be positive and the registry TTL must exceed the heartbeat', () => {
  assert.throws(
    () => resolveNatsOptions({ heartbeatMs: 0 }),
    (error: unknown) => error instanceof InvalidConfigError && error.field === 'nats.heartbeatMs',
  );
  assert.throws(() => resolveNatsOptions({ commandTimeoutMs: Number.NaN }), InvalidConfigError);
  assert.throws(
    () => resolveNatsOptions({ heartbeatMs: 500, registryTtlMs: 500 }),
    (error: unknown) => error instanceof InvalidConfigError && error.field === 'nats.registryTtlMs',
  );
});
