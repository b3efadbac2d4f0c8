import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import compression from 'compression';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NEVER, concat, of } from 'rxjs';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import { createStreamingTestApp } from '../../../src/testing/streaming-test-app.js';
import { SseTestRequest } from '../../../src/testing/sse-test-request.js';
import { baseUrl } from './sse-test-support.js';

@Controller()
class CompressedController {
  @SseRoute('live')
  live() {
    return concat(of({ event: 'first', data: 'now' }), NEVER);
  }

  @Get('big')
  big(): string {
    return 'y'.repeat(10_000);
  }
}

test('compression middleware never buffers an SSE stream (the first event arrives while the stream stays open)', async () => {
  const app = await createStreamingTestApp({
    controllers: [CompressedController],
    configure: (nest) => {
      nest.use(compression({ threshold: 0 }));
    },
  });
  const client = new SseTestRequest(baseUrl(app), '/live', {
    headers: { 'accept-encoding': 'gzip' },
  });
  try {
    await client
      .expectStatus(200)
      .expectHeader('cache-control', 'no-cache, no-transform')
      .expectEvent('first', 'now');
    // The middleware is active for ordinary routes.
    const response = await fetch(`${baseUrl(app)}/big`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    await response.text();
  } finally {
    await client.close();
    await app.close();
  }
});
