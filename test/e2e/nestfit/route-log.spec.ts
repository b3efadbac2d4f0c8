import 'reflect-metadata';
import { Controller, Get, type LoggerService } from '@nestjs/common';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SseRoute,
  WebSocketRoute,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp } from '../../../src/testing/index.js';

@Controller('logged')
class LoggedController {
  @Get('rest')
  rest(): string {
    return 'rest';
  }

  @WebSocketRoute('ws')
  ws(conn: WebSocketConnection): Promise<void> {
    return conn.send('in');
  }

  @SseRoute('events')
  events(ctx: SseContext): void {
    ctx.writeSSE('in', 'x');
  }
}

/** Keeps every log line as `context: message`. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: string): void {
    this.lines.push(`${context ?? ''}: ${String(message)}`);
  }
  error(): void {}
  warn(): void {}
}

for (const platform of ['express', 'fastify'] as const) {
  test(`streaming routes appear in Nest route log at start-up, beside the REST routes (${platform})`, async () => {
    const logger = new CapturingLogger();
    const app = await createStreamingTestApp({
      platform,
      logger: true,
      controllers: [LoggedController],
      configure: (nest) => {
        nest.useLogger(logger);
        nest.setGlobalPrefix('api');
      },
    });
    try {
      const mapped = logger.lines.filter((line) => line.startsWith('RouterExplorer: Mapped'));
      assert.ok(
        mapped.includes('RouterExplorer: Mapped {/api/logged/rest, GET} route'),
        mapped.join('\n'),
      );
      assert.ok(
        mapped.includes('RouterExplorer: Mapped {/api/logged/ws, WEBSOCKET} route'),
        mapped.join('\n'),
      );
      assert.ok(
        mapped.includes('RouterExplorer: Mapped {/api/logged/events, SSE} route'),
        mapped.join('\n'),
      );
    } finally {
      await app.close();
    }
  });
}
