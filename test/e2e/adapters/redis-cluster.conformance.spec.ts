import { describe } from 'node:test';
import { describeAdapterConformance } from './conformance/adapter-conformance.js';
import { redisClusterBackend } from './backends/redis-cluster.backend.js';
import { redisClusterSkipReason } from '../redis-cluster/redis-cluster-env.js';

const skip = redisClusterSkipReason();
if (skip) describe('adapter conformance: Redis Cluster', { skip }, () => undefined);
else describeAdapterConformance(redisClusterBackend());
