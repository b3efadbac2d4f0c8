import type {
  ConnectionDescriptor,
  PresenceEvent,
} from '../../interfaces/streaming-adapter.interface.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

/**
 * Takes one dead instance's connection hash atomically, only if its heartbeat is still missing,
 * and returns its entries (descriptor JSON), or nil when the instance is alive. Both keys carry
 * the instance's hash tag, so the script stays within one slot on Redis Cluster; the index and
 * room entries (other slots) are removed afterwards, one key per command.
 * KEYS: heartbeat, connections hash.
 */
const TAKE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local entries = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2])
local removed = {}
for i = 2, #entries, 2 do removed[#removed + 1] = entries[i] end
return removed
`;

/**
 * Deletes the registry entries of instances whose heartbeat expired (crashed or cut off), and
 * reports the room leaves that implies. Safe to run on every instance at once.
 */
export class RedisRegistrySweeper {
  constructor(
    private readonly redis: RedisClient,
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
        TAKE_SCRIPT,
        2,
        this.keys.heartbeat(instanceId),
        this.keys.connections(instanceId),
      )) as string[] | null;
      if (removed === null) continue; // alive again
      const cleanups: Array<Promise<unknown>> = [];
      for (const json of removed) {
        let descriptor: ConnectionDescriptor;
        try {
          descriptor = JSON.parse(json) as ConnectionDescriptor;
        } catch {
          continue;
        }
        cleanups.push(this.redis.hdel(this.keys.connectionIndex, descriptor.id));
        for (const room of descriptor.rooms ?? []) {
          cleanups.push(this.redis.hdel(this.keys.room(room), descriptor.id));
          leaves.push({
            type: 'leave',
            room,
            member: { connectionId: descriptor.id, userId: descriptor.userId, instanceId },
          });
        }
      }
      await Promise.all(cleanups);
      await this.redis.zrem(this.keys.instances, instanceId);
    }
    return leaves;
  }
}
