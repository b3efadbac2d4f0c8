import 'reflect-metadata';
import { Controller, UseInterceptors, type LoggerService } from '@nestjs/common';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamingLoggingInterceptor,
  WebSocketRoute,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp } from '../../../src/testing/index.js';
import { waitFor } from '../../support/wait-for.js';

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown): void {
    this.lines.push(String(message));
  }
  error(message: unknown): void {
    this.lines.push(String(message));
  }
  warn(message: unknown): void {
    this.lines.push(String(message));
  }
}

@Controller()
@UseInterceptors(StreamingLoggingInterceptor)
class LoggedController {
  @WebSocketRoute('logged')
  logged(conn: WebSocketConnection): Promise<void> {
    return conn.send('hi');
  }
}

test('StreamingLoggingInterceptor logs start and end of a connection and never the token', async () => {
  const logger = new CapturingLogger();
  const app = await createStreamingTestApp({
    controllers: [LoggedController],
    logger: true,
    configure: (nestApp) => nestApp.useLogger(logger),
  });
  try {
    const secret = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2lnbmF0dXJl';
    await app
      .test()
      .webSocket(`/logged?access_token=${secret}`, {
        headers: { Authorization: `Bearer ${secret}` },
      })
      .expectMessage('hi')
      .expectClose(1000);
    await waitFor(() => logger.lines.some((line) => line.includes('ended')), 'end line logged');
    const started = logger.lines.find((line) => line.includes('websocket /logged started'));
    const ended = logger.lines.find((line) =>
      /websocket \/logged ended id=\S+ after \d+ ms/.test(line),
    );
    assert.ok(started, `a start line in ${JSON.stringify(logger.lines)}`);
    assert.ok(ended, `an end line in ${JSON.stringify(logger.lines)}`);
    assert.ok(
      logger.lines.every((line) => !line.includes(secret)),
      'the token never appears',
    );
  } finally {
    await app.close();
  }
});
