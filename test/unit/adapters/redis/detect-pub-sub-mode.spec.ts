import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redisMajorVersion } from '../../../../src/adapters/redis/detect-pub-sub-mode.js';

test('the major version is read from the INFO server reply', () => {
  const info = '# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n';
  assert.equal(redisMajorVersion(info), 7);
  assert.equal(redisMajorVersion('# Server\r\nredis_version:6.2.14\r\n'), 6);
});

test('a reply without a version reads as 0 (classic pub/sub)', () => {
  assert.equal(redisMajorVersion('# Server\r\n'), 0);
  assert.equal(redisMajorVersion(''), 0);
});
