import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NestFactory } from '@nestjs/core';
import { StreamingManager } from '../../src/index.js';
import { NatsScaledAppModule } from './nats.example.js';
import { deleteNatsPrefix } from '../e2e/nats/nats-test-env.js';

test('README NATS example: the module starts on the configured server and reports the adapter up', async () => {
  const app = await NestFactory.create(NatsScaledAppModule, { logger: false });
  try {
    await app.init();
    const manager = app.get(StreamingManager, { strict: false });
    assert.equal(manager.health().status, 'up');
    const stats = await manager.getClusterStats();
    assert.ok((stats.cluster?.instances ?? 0) >= 1);
  } finally {
    await app.close();
    await deleteNatsPrefix('chat');
  }
});
