import { RedisStreamingAdapter } from '../../../src/adapters/redis/redis-streaming.adapter.js';
import { RedisRoomHistoryStore } from '../../../src/adapters/redis/redis-room-history.store.js';
import { REDIS_URL, deleteKeys, testClient, uniquePrefix } from '../redis/redis-test-env.js';
import { describeGapFill } from './gap-fill.cases.js';

const prefix = uniquePrefix('gap-fill');
const redis = testClient();
const store = new RedisRoomHistoryStore(() => redis, prefix);

describeGapFill({
  name: 'Redis',
  url: REDIS_URL,
  proxyUrl: (port) => `redis://127.0.0.1:${port}`,
  adapter: (url) => new RedisStreamingAdapter({ url, keyPrefix: prefix, heartbeatMs: 200 }),
  loseRoomHistory: async (room) => {
    await redis.del(store.logKey(room), store.metaKey(room));
  },
  cleanup: async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  },
});
