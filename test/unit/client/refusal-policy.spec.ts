import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { afterRefusal } from '../../../src/client/refusal-policy.js';

describe('afterRefusal', () => {
  test('reconnects after a network error, a close or a 5xx', () => {
    assert.equal(afterRefusal(undefined, false, false), 'reconnect');
    assert.equal(afterRefusal(503, false, false), 'reconnect');
    assert.equal(afterRefusal(500, true, true), 'reconnect');
  });

  test('stops on a 4xx that a new token cannot fix', () => {
    assert.equal(afterRefusal(404, false, true), 'stop');
    assert.equal(afterRefusal(429, false, true), 'stop');
    assert.equal(afterRefusal(401, false, false), 'stop');
  });

  test('a first 401/403 with getToken() gets one more attempt, a second one stops', () => {
    assert.equal(afterRefusal(401, false, true), 'refresh-and-retry');
    assert.equal(afterRefusal(403, false, true), 'refresh-and-retry');
    assert.equal(afterRefusal(401, true, true), 'stop');
  });
});
