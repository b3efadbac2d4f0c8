import 'reflect-metadata';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { parsePrometheusText } from '../support/prometheus-text.js';
import { OpsAppModule } from './metrics-health.example.js';

test('README "Metrics and health": GET /metrics and GET /health answer as documented', async () => {
  const moduleRef = await Test.createTestingModule({ imports: [OpsAppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  try {
    const metrics = await fetch(`${url}/metrics`);
    assert.equal(metrics.status, 200);
    const names = new Set(parsePrometheusText(await metrics.text()).map((sample) => sample.name));
    assert.ok(names.has('forge_streaming_connections_opened_total'));
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
  } finally {
    await app.close();
  }
});
