import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisStreamingHealthIndicator } from '../../../../src/adapters/redis/redis-streaming-health.indicator.js';
import type { AdapterHealth } from '../../../../src/interfaces/streaming-adapter.interface.js';

const source = (health: AdapterHealth) => ({ health: () => health });

test('the health indicator reports up, and degraded as down unless told degraded is acceptable', async () => {
  assert.deepEqual(await new RedisStreamingHealthIndicator(source({ status: 'up' })).isHealthy(), {
    streaming: { status: 'up', state: 'up' },
  });
  const degraded = source({ status: 'degraded', detail: 'reconnecting' });
  assert.deepEqual(await new RedisStreamingHealthIndicator(degraded).isHealthy('redis'), {
    redis: { status: 'down', state: 'degraded', detail: 'reconnecting' },
  });
  assert.equal(
    (await new RedisStreamingHealthIndicator(degraded, true).isHealthy()).streaming.status,
    'up',
  );
});
