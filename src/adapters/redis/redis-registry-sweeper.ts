import type { Redis } from 'ioredis';
import type {
  ConnectionDescriptor,
  PresenceEvent,
} from '../../interfaces/streaming-adapter.interface.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Removes one dead instance's registry entries atomically, only if its heartbeat is still
 * missing: its connection hash, its index entries and its room memberships. Returns the
 * removed descriptors (JSON), or nil when the instance is alive.
 * KEYS: heartbeat, connections hash, connection index, instances zset.
 * ARGV: instance id, room key prefix.
 */
const SWEEP_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local entries = redis.call('HGETALL', KEYS[2])
local removed = {}
for i = 1, #entries, 2 do
  local id = entries[i]
  if redis.call('HGET', KEYS[3], id) == ARGV[1] then redis.call('HDEL', KEYS[3], id) end
  local ok, descriptor = pcall(cjson.decode, entries[i + 1])
  if ok and type(descriptor) == 'table' and type(descriptor.rooms) == 'table' then
    for _, room in ipairs(descriptor.rooms) do redis.call('HDEL', ARGV[2] .. room, id) end
  end
  removed[#removed + 1] = entries[i + 1]
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[4], ARGV[1])
return removed
`;

/**
 * Deletes the registry entries of instances whose heartbeat expired (crashed or cut off), and
 * reports the room leaves that implies. Safe to run on every instance at once.
 */
export class RedisRegistrySweeper {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly instanceId: string,
    private readonly ttlMs: number,
  ) {}

  /** Sweeps every dead instance; resolves with the presence leaves of their members. */
  async sweep(): Promise<PresenceEvent[]> {
    const candidates = await this.redis.zrangebyscore(
      this.keys.instances,
      '-inf',
      Date.now() - this.ttlMs,
    );
    const leaves: PresenceEvent[] = [];
    for (const instanceId of candidates) {
      if (instanceId === this.instanceId) continue;
      const removed = (await this.redis.eval(
        SWEEP_SCRIPT,
        4,
        this.keys.heartbeat(instanceId),
        this.keys.connections(instanceId),
        this.keys.connectionIndex,
        this.keys.instances,
        instanceId,
        this.keys.roomPrefix,
      )) as string[] | null;
      for (const json of removed ?? []) {
        let descriptor: ConnectionDescriptor;
        try {
          descriptor = JSON.parse(json) as ConnectionDescriptor;
        } catch {
          continue;
        }
        for (const room of descriptor.rooms ?? []) {
          leaves.push({
            type: 'leave',
            room,
            member: { connectionId: descriptor.id, userId: descriptor.userId, instanceId },
          });
        }
      }
    }
    return leaves;
  }
}
