import 'reflect-metadata';
import {
  BadRequestException,
  Controller,
  Injectable,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NEVER } from 'rxjs';
import { SseRoute } from '../../../src/decorators/sse-route.decorator.js';
import {
  StreamingRateLimit,
  StreamingRateLimitGuard,
} from '../../../src/guards/streaming-rate-limit.guard.js';
import type { HandshakeRequest, SseContext } from '../../../src/interfaces/connection.interface.js';
import { createStreamingTestApp } from '../../../src/testing/streaming-test-app.js';
import { SseTestRequest } from '../../../src/testing/sse-test-request.js';
import { waitFor } from '../../support/wait-for.js';
import { PLATFORMS, baseUrl } from './sse-test-support.js';

@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HandshakeRequest>();
    const auth = request.headers.authorization;
    if (auth === undefined) throw new UnauthorizedException('token required');
    if (auth !== 'Bearer good') return false;
    request.user = { sub: 'alice' };
    return true;
  }
}

@Controller()
class HandshakeController {
  @SseRoute('private')
  @UseGuards(TokenGuard)
  private(ctx: SseContext) {
    void ctx.writeSSE('hello', String(ctx.userId));
    return NEVER;
  }

  @SseRoute('limited', { maxConnections: 1 })
  limited() {
    return NEVER;
  }

  @SseRoute('rate')
  @UseGuards(StreamingRateLimitGuard)
  @StreamingRateLimit({ limit: 2, windowMs: 60_000 })
  rate(ctx: SseContext): Promise<void> {
    return ctx.writeSSE('ok', 'ok');
  }

  @SseRoute('origin', { checkOrigin: ['https://app.example.com'] })
  origin(ctx: SseContext): Promise<void> {
    return ctx.writeSSE('ok', 'ok');
  }

  @SseRoute('crash')
  async crash(ctx: SseContext): Promise<void> {
    await ctx.writeSSE('before', 'x');
    throw new Error('database password is hunter2');
  }

  @SseRoute('bad')
  async bad(ctx: SseContext): Promise<void> {
    await ctx.writeSSE('before', 'x');
    throw new BadRequestException('bad input');
  }

  @SseRoute('fine')
  fine(ctx: SseContext): Promise<void> {
    return ctx.writeSSE('fine', 'yes');
  }
}

async function statusOf(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string | null; body: string }> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.text(),
  };
}

for (const platform of PLATFORMS) {
  describe(`SSE handshake (${platform})`, () => {
    test('a guard refusal is a real 401/403 JSON response, never text/event-stream', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [HandshakeController] });
      try {
        const missing = await statusOf(`${baseUrl(app)}/private`);
        assert.equal(missing.status, 401);
        assert.match(missing.contentType ?? '', /application\/json/);
        assert.equal(JSON.parse(missing.body).message, 'token required');
        const wrong = await statusOf(`${baseUrl(app)}/private`, { authorization: 'Bearer bad' });
        assert.equal(wrong.status, 403);
        assert.doesNotMatch(wrong.contentType ?? '', /event-stream/);
        await new SseTestRequest(baseUrl(app), '/private', {
          headers: { authorization: 'Bearer good' },
        })
          .expectStatus(200)
          .expectHeader('content-type', 'text/event-stream')
          .expectEvent('hello', 'alice')
          .close();
        assert.equal(app.manager.getStats().rejected.auth, 2);
      } finally {
        await app.close();
      }
    });

    test('maxConnections answers 503 and admits again once a stream ends', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [HandshakeController] });
      const first = new SseTestRequest(baseUrl(app), '/limited');
      try {
        await first.expectStatus(200);
        await waitFor(() => app.manager.getStats().byProtocol.sse === 1, 'one open stream');
        const refused = await statusOf(`${baseUrl(app)}/limited`);
        assert.equal(refused.status, 503);
        assert.doesNotMatch(refused.contentType ?? '', /event-stream/);
        await first.close();
        await waitFor(() => app.manager.getStats().byProtocol.sse === 0, 'the stream to end');
        const again = new SseTestRequest(baseUrl(app), '/limited');
        await again.expectStatus(200).close();
        assert.equal(app.manager.getStats().rejected.limit, 1);
      } finally {
        await first.close();
        await app.close();
      }
    });

    test('StreamingRateLimitGuard answers 429 past the limit', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [HandshakeController] });
      try {
        assert.equal((await statusOf(`${baseUrl(app)}/rate`)).status, 200);
        assert.equal((await statusOf(`${baseUrl(app)}/rate`)).status, 200);
        const third = await statusOf(`${baseUrl(app)}/rate`);
        assert.equal(third.status, 429);
        assert.equal(app.manager.getStats().rejected.rate, 1);
      } finally {
        await app.close();
      }
    });

    test('an origin outside the route policy is refused with 403', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [HandshakeController] });
      try {
        const refused = await statusOf(`${baseUrl(app)}/origin`, { origin: 'https://evil.test' });
        assert.equal(refused.status, 403);
        const allowed = await statusOf(`${baseUrl(app)}/origin`, {
          origin: 'https://app.example.com',
        });
        assert.equal(allowed.status, 200);
      } finally {
        await app.close();
      }
    });

    test('a route added at run time with StreamingManager.sse() is served', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [HandshakeController] });
      try {
        app.manager.sse('/dynamic/:name', (ctx) => ctx.writeSSE('dyn', String(ctx.get('name'))));
        await new SseTestRequest(baseUrl(app), '/dynamic/bob')
          .expectStatus(200)
          .expectEvent('dyn', 'bob')
          .expectEnd();
      } finally {
        await app.close();
      }
    });

    test('a handler error after headers ends the stream with an error event; the server keeps serving', async () => {
      const app = await createStreamingTestApp({ platform, controllers: [HandshakeController] });
      try {
        const events = await new SseTestRequest(baseUrl(app), '/crash').events();
        assert.deepEqual(
          events.map((e) => [e.event, e.data]),
          [
            ['before', 'x'],
            ['error', JSON.stringify({ message: 'Internal server error' })],
          ],
        );
        assert.ok(events[1].id !== undefined);
        const bad = await new SseTestRequest(baseUrl(app), '/bad').events();
        assert.deepEqual(JSON.parse(bad[1].data), { message: 'bad input' });
        await new SseTestRequest(baseUrl(app), '/fine')
          .expectStatus(200)
          .expectEvent('fine', 'yes');
        assert.equal(app.manager.getStats().errors, 1);
      } finally {
        await app.close();
      }
    });
  });
}
