import 'reflect-metadata';
import { Controller, Get } from '@nestjs/common';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketRoute, type WebSocketConnection } from '../../../src/index.js';
import { createStreamingTestApp, type TestPlatform } from '../../../src/testing/index.js';
import { rawHttp } from '../../support/raw-websocket.js';
import { delay, waitFor } from '../../support/wait-for.js';
import { SlowRequestClient } from './slow-request.js';
import { upgradeRequest } from './reconnect-storm.js';

@Controller()
class PipelineController {
  @Get('slow')
  async slow(): Promise<string> {
    await delay(200);
    return 'slow-ok';
  }

  @WebSocketRoute('echo')
  async echo(conn: WebSocketConnection): Promise<void> {
    for await (const message of conn) await conn.writeMessage(message.type, message.data);
  }
}

for (const platform of ['express', 'fastify'] as TestPlatform[]) {
  describe(`junk upgrades (${platform})`, () => {
    test('an upgrade pipelined after a pending request is refused with 400 after that response', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [PipelineController] });
      try {
        const { text } = await rawHttp(
          app.port,
          `GET /slow HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\n\r\n` +
            upgradeRequest(app.port, '/echo'),
        );
        const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1]);
        assert.deepEqual(statuses, ['200', '400'], text);
        assert.ok(text.indexOf('slow-ok') < text.indexOf('HTTP/1.1 400'), 'in request order');
        assert.equal(app.manager.getStats().activeConnections, 0);
      } finally {
        await app.close();
      }
    });

    test('an upgrade after a completed request on a keep-alive connection is served', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [PipelineController] });
      try {
        const client = await SlowRequestClient.connect(app.port);
        client.write(`GET /slow HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\n\r\n`);
        await waitFor(() => client.received.includes('slow-ok'), 'the first response');
        client.write(upgradeRequest(app.port, '/echo'));
        await waitFor(() => client.received.includes('HTTP/1.1 101'), 'the upgrade');
        client.destroy();
      } finally {
        await app.close();
      }
    });
  });
}
