import { describeAdapterConformance } from './conformance/adapter-conformance.js';
import { inMemoryBackend } from './backends/in-memory.backend.js';

describeAdapterConformance(inMemoryBackend());
