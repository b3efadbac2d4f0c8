import type { KV } from '@nats-io/kv';
import type {
  ConnectionDescriptor,
  PresenceMember,
} from '../../interfaces/streaming-adapter.interface.js';
import type { StreamingProtocol } from '../../interfaces/connection.interface.js';
import type { ClusterStats } from '../../interfaces/streaming-stats.interface.js';
import type { RegistryBuckets } from './nats-registry-types.js';
import type { NatsNames } from './nats-names.js';
import { listKeys } from './nats-bucket-keys.js';
import { parseJson, type StatsSnapshot, type StoredMember } from './nats-registry-types.js';

/** The value of a live (not deleted) entry. */
export async function readEntry(kv: KV, key: string): Promise<string | undefined> {
  const entry = await kv.get(key);
  return entry && entry.operation === 'PUT' ? entry.string() : undefined;
}

/**
 * Reads the cluster registry: a connection by id (through the id → instance index, never by
 * asking every instance), room members and cluster statistics. Entries of instances whose
 * heartbeat expired are ignored.
 */
export class NatsRegistryReader {
  constructor(
    private readonly buckets: RegistryBuckets,
    private readonly names: NatsNames,
    private readonly instanceId: string,
  ) {}

  /** Whether an instance's heartbeat is current. */
  async alive(instanceId: string): Promise<boolean> {
    if (instanceId === this.instanceId) return true;
    return (await readEntry(this.buckets.live, this.names.liveKey(instanceId))) !== undefined;
  }

  /** The instance holding a connection, if that instance is alive. */
  async ownerOf(connectionId: string): Promise<string | undefined> {
    const owner = await readEntry(this.buckets.registry, this.names.indexKey(connectionId));
    if (!owner) return undefined;
    return (await this.alive(owner)) ? owner : undefined;
  }

  /** Describes a connection of a live instance. */
  async findConnection(connectionId: string): Promise<ConnectionDescriptor | undefined> {
    const owner = await this.ownerOf(connectionId);
    if (!owner) return undefined;
    return parseJson<ConnectionDescriptor>(
      await readEntry(this.buckets.registry, this.names.connectionKey(owner, connectionId)),
    );
  }

  /** Members of a room on live instances. */
  async roomMembers(room: string): Promise<PresenceMember[]> {
    const keys = await listKeys(this.buckets, 'registry', this.names.membersOf(room));
    const values = await Promise.all(keys.map((key) => readEntry(this.buckets.registry, key)));
    const members: PresenceMember[] = [];
    for (const value of values) {
      const member = parseJson<StoredMember>(value);
      if (member?.instanceId && typeof member.connectionId === 'string') {
        members.push({
          connectionId: member.connectionId,
          userId: member.userId,
          instanceId: member.instanceId,
        });
      }
    }
    const instances = [...new Set(members.map((member) => member.instanceId))];
    const alive = await Promise.all(instances.map((id) => this.alive(id)));
    const dead = new Set(instances.filter((_, i) => !alive[i]));
    return members.filter((member) => !dead.has(member.instanceId));
  }

  /** Cluster-wide figures from the snapshots written with each heartbeat. */
  async clusterStats(local: StatsSnapshot): Promise<ClusterStats> {
    const keys = await listKeys(this.buckets, 'live');
    const own = this.names.liveKey(this.instanceId);
    const others = await Promise.all(
      keys.filter((key) => key !== own).map((key) => readEntry(this.buckets.live, key)),
    );
    const snapshots: StatsSnapshot[] = [local];
    for (const value of others) {
      const snapshot = parseJson<StatsSnapshot>(value);
      if (snapshot) snapshots.push(snapshot);
    }
    const byProtocol: Record<StreamingProtocol, number> = {
      websocket: 0,
      sse: 0,
      webtransport: 0,
    };
    let activeConnections = 0;
    for (const snapshot of snapshots) {
      activeConnections += snapshot.activeConnections ?? 0;
      for (const protocol of Object.keys(byProtocol) as StreamingProtocol[]) {
        byProtocol[protocol] += snapshot.byProtocol?.[protocol] ?? 0;
      }
    }
    return { instances: snapshots.length, activeConnections, byProtocol, updatedAt: Date.now() };
  }
}
