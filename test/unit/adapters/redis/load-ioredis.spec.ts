import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadIoredis } from '../../../../src/adapters/redis/load-ioredis.js';
import { MissingDependencyError } from '../../../../src/errors/missing-dependency.error.js';

test('loads the ioredis client class when the package is installed', async () => {
  const Redis = await loadIoredis();
  assert.equal(typeof Redis, 'function');
  assert.equal(typeof Redis.prototype.publish, 'function');
});

test('fails with MissingDependencyError naming ioredis when it cannot be loaded', async () => {
  const failing = () => Promise.reject(new Error("Cannot find package 'ioredis'"));
  await assert.rejects(loadIoredis(failing), (error: unknown) => {
    assert.ok(error instanceof MissingDependencyError);
    assert.equal(error.packageName, 'ioredis');
    assert.match(error.message, /npm install ioredis/);
    return true;
  });
  await assert.rejects(
    loadIoredis(() => Promise.resolve({})),
    MissingDependencyError,
  );
});
