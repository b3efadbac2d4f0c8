import { describeAdapterConformance } from './conformance/adapter-conformance.js';
import { natsBackend } from './backends/nats.backend.js';

describeAdapterConformance(natsBackend());
