import type { RegistryBuckets } from './nats-registry-types.js';

/**
 * The keys of a registry bucket matching `filter` (`>`: all), read from the bucket stream's
 * per-subject state in one request. Unlike `kv.keys()`, no consumer is created, so nothing is
 * left running when the connection drops or closes mid-read. Deleted keys may still be listed
 * (their delete marker is a message): readers skip entries that are not puts.
 */
export async function listKeys(
  buckets: RegistryBuckets,
  bucket: 'live' | 'registry',
  filter = '>',
): Promise<string[]> {
  const name = bucket === 'live' ? buckets.liveName : buckets.registryName;
  const subjectPrefix = `$KV.${name}.`;
  const info = await buckets.jsm.streams.info(`KV_${name}`, {
    subjects_filter: `${subjectPrefix}${filter}`,
  });
  return Object.keys(info.state.subjects ?? {}).map((subject) =>
    subject.slice(subjectPrefix.length),
  );
}
