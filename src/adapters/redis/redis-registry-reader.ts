import type {
  ConnectionDescriptor,
  PresenceMember,
} from '../../interfaces/streaming-adapter.interface.js';
import type { StreamingProtocol } from '../../interfaces/connection.interface.js';
import type { ClusterStats } from '../../interfaces/streaming-stats.interface.js';
import type { StatsSnapshot, StoredMember } from './redis-cluster-registry.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

function parse<T>(json: string | null | undefined): T | undefined {
  if (json === null || json === undefined) return undefined;
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}

/**
 * Reads the cluster registry: a connection by id (through the id → instance index, never by
 * asking every instance), room members and cluster statistics. Entries of instances whose
 * heartbeat expired are ignored. A read of several instances' keys is one command per key (they
 * live in different slots on Redis Cluster); only an instance's own keys are read together.
 */
export class RedisRegistryReader {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly instanceId: string,
  ) {}

  /** The instance holding a connection, if that instance is alive. */
  async ownerOf(connectionId: string): Promise<string | undefined> {
    const owner = await this.redis.hget(this.keys.connectionIndex, connectionId);
    if (!owner) return undefined;
    if (owner === this.instanceId) return owner;
    return (await this.redis.exists(this.keys.heartbeat(owner))) === 1 ? owner : undefined;
  }

  /** Describes a connection of a live instance. */
  async findConnection(connectionId: string): Promise<ConnectionDescriptor | undefined> {
    const owner = await this.redis.hget(this.keys.connectionIndex, connectionId);
    if (!owner) return undefined;
    const [[, alive], [, json]] = (await this.redis
      .pipeline()
      .exists(this.keys.heartbeat(owner))
      .hget(this.keys.connections(owner), connectionId)
      .exec()) as [[Error | null, number], [Error | null, string | null]];
    if (alive !== 1 && owner !== this.instanceId) return undefined;
    return parse<ConnectionDescriptor>(json);
  }

  /** Members of a room on live instances. */
  async roomMembers(room: string): Promise<PresenceMember[]> {
    const stored = await this.redis.hgetall(this.keys.room(room));
    const members: PresenceMember[] = [];
    for (const [connectionId, json] of Object.entries(stored)) {
      const member = parse<StoredMember>(json);
      if (member?.instanceId) {
        members.push({ connectionId, userId: member.userId, instanceId: member.instanceId });
      }
    }
    const instances = [...new Set(members.map((member) => member.instanceId))].filter(
      (id) => id !== this.instanceId,
    );
    if (instances.length === 0) return members;
    const alive = await Promise.all(
      instances.map((id) => this.redis.exists(this.keys.heartbeat(id))),
    );
    const dead = new Set(instances.filter((_, i) => alive[i] !== 1));
    return members.filter((member) => !dead.has(member.instanceId));
  }

  /** Cluster-wide figures from the snapshots written with each heartbeat. */
  async clusterStats(local: StatsSnapshot): Promise<ClusterStats> {
    const ids = (await this.redis.zrange(this.keys.instances, '0', '-1')).filter(
      (id) => id !== this.instanceId,
    );
    const snapshots: StatsSnapshot[] = [local];
    if (ids.length > 0) {
      const values = await Promise.all(ids.map((id) => this.redis.get(this.keys.heartbeat(id))));
      for (const value of values) {
        const snapshot = parse<StatsSnapshot>(value);
        if (snapshot) snapshots.push(snapshot);
      }
    }
    const byProtocol: Record<StreamingProtocol, number> = {
      websocket: 0,
      sse: 0,
      webtransport: 0,
    };
    let activeConnections = 0;
    for (const snapshot of snapshots) {
      activeConnections += snapshot.activeConnections;
      for (const protocol of Object.keys(byProtocol) as StreamingProtocol[]) {
        byProtocol[protocol] += snapshot.byProtocol?.[protocol] ?? 0;
      }
    }
    return { instances: snapshots.length, activeConnections, byProtocol, updatedAt: Date.now() };
  }
}
