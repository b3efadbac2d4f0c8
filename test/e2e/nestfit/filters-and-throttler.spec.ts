import 'reflect-metadata';
import {
  Catch,
  Controller,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UseGuards,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  SseRoute,
  WebSocketRoute,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { upgradeStatus } from './upgrade-status.js';

/** Refuses every handshake. */
@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new ForbiddenException('Members only');
  }
}

/** Records the handler names guards see. */
@Injectable()
class HandlerNameGuard implements CanActivate {
  static readonly seen: string[] = [];
  canActivate(context: ExecutionContext): boolean {
    HandlerNameGuard.seen.push(`${context.getClass().name}.${context.getHandler().name}`);
    return true;
  }
}

/** Nest's documented catch-all filter. */
@Catch()
class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly httpAdapterHost: HttpAdapterHost) {}
  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.httpAdapterHost;
    const ctx = host.switchToHttp();
    const status =
      exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    httpAdapter.reply(
      ctx.getResponse(),
      { statusCode: status, path: httpAdapter.getRequestUrl(ctx.getRequest()) ?? 'n/a' },
      status,
    );
  }
}

@Controller('guarded')
class GuardedController {
  @WebSocketRoute('ws')
  @UseGuards(DenyGuard)
  ws(conn: WebSocketConnection): Promise<void> {
    return conn.send('in');
  }

  @SseRoute('sse')
  @UseGuards(DenyGuard)
  sse(ctx: SseContext): void {
    ctx.writeSSE('in', 'x');
  }
}

@Controller('throttled')
@UseGuards(HandlerNameGuard, ThrottlerGuard)
class ThrottledController {
  @WebSocketRoute('one')
  one(conn: WebSocketConnection): Promise<void> {
    return conn.send('one');
  }

  @WebSocketRoute('two')
  two(conn: WebSocketConnection): Promise<void> {
    return conn.send('two');
  }
}

for (const platform of ['express', 'fastify'] as const) {
  describe(`Nest exception filters and throttler at the handshake (${platform})`, () => {
    let app: StreamingTestApp;

    before(async () => {
      app = await createStreamingTestApp({
        platform,
        imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 2 }])],
        controllers: [GuardedController, ThrottledController],
        providers: [DenyGuard, HandlerNameGuard],
        configure: (nest) => {
          nest.useGlobalFilters(new AllExceptionsFilter(nest.get(HttpAdapterHost)));
        },
      });
    });
    after(() => app.close());

    test('the documented catch-all filter keeps a guard 403 on a WebSocket upgrade', async () => {
      const answer = await upgradeStatus(app.port, '/guarded/ws');
      assert.equal(answer.status, 403);
      assert.deepEqual(JSON.parse(answer.body), { statusCode: 403, path: '/guarded/ws' });
    });

    test('the documented catch-all filter keeps a guard 403 on an SSE request', async () => {
      const response = await fetch(`${app.url}/guarded/sse`, {
        headers: { accept: 'text/event-stream' },
      });
      assert.equal(response.status, 403);
      assert.deepEqual(await response.json(), { statusCode: 403, path: '/guarded/sse' });
    });

    test('guards see the decorated method as the handler', async () => {
      HandlerNameGuard.seen.length = 0;
      await upgradeStatus(app.port, '/throttled/one');
      await upgradeStatus(app.port, '/throttled/two');
      assert.deepEqual(HandlerNameGuard.seen, [
        'ThrottledController.one',
        'ThrottledController.two',
      ]);
    });

    test('ThrottlerGuard refuses with 429 and its headers before the upgrade, per handler', async () => {
      const path = '/throttled/two';
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof upgradeStatus>> | undefined;
      for (let i = 0; i < 3; i += 1) {
        last = await upgradeStatus(app.port, path);
        statuses.push(last.status);
      }
      // one attempt was spent by the previous test
      assert.deepEqual(statuses, [101, 429, 429]);
      assert.ok(last?.headers['retry-after'], 'Retry-After on the refusal');
      const other = await upgradeStatus(app.port, '/throttled/one');
      assert.equal(other.status, 101, 'another handler has its own bucket');
    });
  });
}
