import type {
  ConnectionDescriptor,
  PresenceEvent,
} from '../../interfaces/streaming-adapter.interface.js';
import type { RegistryBuckets } from './nats-registry-types.js';
import { untoken, type NatsNames } from './nats-names.js';
import { listKeys } from './nats-bucket-keys.js';
import { readEntry, type NatsRegistryReader } from './nats-registry-reader.js';
import { parseJson } from './nats-registry-types.js';

/**
 * Deletes the registry entries of instances whose heartbeat expired (crashed or cut off), and
 * reports the room leaves that implies. Safe to run on every instance at once: the roster entry
 * of a dead instance is deleted with a revision check, so exactly one instance sweeps it and
 * announces its leaves.
 */
export class NatsRegistrySweeper {
  constructor(
    private readonly buckets: RegistryBuckets,
    private readonly names: NatsNames,
    private readonly reader: NatsRegistryReader,
    private readonly instanceId: string,
  ) {}

  /** Sweeps every dead instance; resolves with the presence leaves of their members. */
  async sweep(): Promise<PresenceEvent[]> {
    const registry = this.buckets.registry;
    const leaves: PresenceEvent[] = [];
    for (const key of await listKeys(this.buckets, 'registry', this.names.roster)) {
      const instanceId = untoken(key.slice(key.indexOf('.') + 1));
      if (instanceId === this.instanceId || (await this.reader.alive(instanceId))) continue;
      const entry = await registry.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      try {
        await registry.delete(key, { previousSeq: entry.revision });
      } catch {
        continue; // another instance took it, or the instance came back
      }
      for (const connectionKey of await listKeys(
        this.buckets,
        'registry',
        this.names.connectionsOf(instanceId),
      )) {
        const descriptor = parseJson<ConnectionDescriptor>(
          await readEntry(registry, connectionKey),
        );
        await registry.delete(connectionKey);
        if (!descriptor) continue;
        if ((await readEntry(registry, this.names.indexKey(descriptor.id))) === instanceId) {
          await registry.delete(this.names.indexKey(descriptor.id));
        }
        for (const room of descriptor.rooms ?? []) {
          await registry.delete(this.names.memberKey(room, descriptor.id));
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
