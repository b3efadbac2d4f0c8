import { describeAdapterConformance } from './conformance/adapter-conformance.js';
import { redisBackend } from './backends/redis.backend.js';

describeAdapterConformance(redisBackend());
