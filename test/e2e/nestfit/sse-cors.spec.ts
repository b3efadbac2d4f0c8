import 'reflect-metadata';
import {
  Controller,
  ForbiddenException,
  Get,
  Injectable,
  UseGuards,
  type CanActivate,
  type INestApplication,
} from '@nestjs/common';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { SseRoute, type SseContext } from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.js';

/** Refuses every request. */
@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new ForbiddenException('Members only');
  }
}

@Controller()
class FeedController {
  @SseRoute('feed')
  feed(ctx: SseContext): void {
    ctx.writeSSE('hello', 'from the feed');
  }

  @SseRoute('closed')
  @UseGuards(DenyGuard)
  closed(ctx: SseContext): void {
    ctx.writeSSE('never', 'x');
  }

  @Get('rest')
  rest(): { ok: boolean } {
    return { ok: true };
  }
}

/** The head of an SSE request (the stream is aborted once the head arrived). */
async function head(url: string, headers: Record<string, string>): Promise<Response> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  controller.abort();
  return response;
}

const TRUSTED = 'https://app.example.com';

for (const platform of ['express', 'fastify'] as const) {
  describe(`app.enableCors() applies to SSE routes (${platform})`, () => {
    async function start(configure?: (nest: INestApplication) => void): Promise<StreamingTestApp> {
      return createStreamingTestApp({
        platform,
        controllers: [FeedController],
        providers: [DenyGuard],
        configure,
      });
    }

    describe('enableCors() with its defaults', () => {
      let app: StreamingTestApp;
      before(async () => {
        app = await start((nest) => nest.enableCors());
      });
      after(() => app.close());

      test('an SSE stream from another origin carries Access-Control-Allow-Origin: *', async () => {
        const response = await head(`${app.url}/feed`, { origin: 'https://elsewhere.example' });
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
        assert.equal(response.headers.get('access-control-allow-origin'), '*');
        const rest = await fetch(`${app.url}/rest`, {
          headers: { origin: 'https://elsewhere.example' },
        });
        assert.equal(rest.headers.get('access-control-allow-origin'), '*', 'as a REST route');
      });

      test('a refusal carries the CORS headers too, so the page can read its status', async () => {
        const response = await head(`${app.url}/closed`, { origin: 'https://elsewhere.example' });
        assert.equal(response.status, 403);
        assert.equal(response.headers.get('access-control-allow-origin'), '*');
      });

      test("a preflight on an SSE path is answered by the framework's CORS", async () => {
        const response = await fetch(`${app.url}/feed`, {
          method: 'OPTIONS',
          headers: {
            origin: 'https://elsewhere.example',
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
        assert.equal(response.status, 204);
        assert.equal(response.headers.get('access-control-allow-origin'), '*');
      });
    });

    describe('enableCors() with an origin list, credentials and exposed headers', () => {
      let app: StreamingTestApp;
      before(async () => {
        app = await start((nest) =>
          nest.enableCors({
            origin: [TRUSTED, /\.trusted\.test$/],
            credentials: true,
            exposedHeaders: ['X-Trace'],
          }),
        );
      });
      after(() => app.close());

      test('a listed origin is reflected, with credentials and exposed headers', async () => {
        const response = await head(`${app.url}/feed`, { origin: TRUSTED });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('access-control-allow-origin'), TRUSTED);
        assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
        assert.equal(response.headers.get('access-control-expose-headers'), 'X-Trace');
        assert.match(response.headers.get('vary') ?? '', /Origin/);
        const matched = await head(`${app.url}/feed`, { origin: 'https://a.trusted.test' });
        assert.equal(matched.headers.get('access-control-allow-origin'), 'https://a.trusted.test');
      });

      test('another origin gets no Access-Control-Allow-Origin', async () => {
        const response = await head(`${app.url}/feed`, { origin: 'https://evil.example' });
        assert.equal(response.headers.get('access-control-allow-origin'), null);
        assert.equal(response.headers.get('access-control-allow-credentials'), null);
      });
    });

    describe('enableCors() with an origin callback', () => {
      let app: StreamingTestApp;
      before(async () => {
        app = await start((nest) =>
          nest.enableCors({
            origin: (
              origin: string | undefined,
              callback: (error: Error | null, allow?: boolean) => void,
            ) => callback(null, origin === TRUSTED),
          }),
        );
      });
      after(() => app.close());

      test('the callback decides per request', async () => {
        const yes = await head(`${app.url}/feed`, { origin: TRUSTED });
        assert.equal(yes.headers.get('access-control-allow-origin'), TRUSTED);
        const no = await head(`${app.url}/feed`, { origin: 'https://evil.example' });
        assert.equal(no.headers.get('access-control-allow-origin'), null);
      });
    });

    describe('without enableCors()', () => {
      let app: StreamingTestApp;
      before(async () => {
        app = await start();
      });
      after(() => app.close());

      test('an SSE stream has no CORS headers', async () => {
        const response = await head(`${app.url}/feed`, { origin: TRUSTED });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('access-control-allow-origin'), null);
      });
    });
  });
}

describe(
  'a page on another origin reads an SSE stream in headless Chromium',
  { skip: !existsSync(CHROMIUM_PATH) && `no Chromium at ${CHROMIUM_PATH}` },
  () => {
    let browser: Browser;
    let pageServer: Server;
    let pageOrigin: string;

    before(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
      pageServer = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>other origin</title>');
      });
      await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
      pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    });
    after(async () => {
      await browser?.close();
      pageServer?.close();
    });

    async function readFirstEvent(feedUrl: string): Promise<string> {
      const page = await browser.newPage();
      try {
        await page.goto(pageOrigin);
        return await page.evaluate(
          (url) =>
            new Promise<string>((resolve) => {
              const source = new EventSource(url);
              source.addEventListener('hello', (event) => {
                source.close();
                resolve(`event: ${(event as MessageEvent<string>).data}`);
              });
              source.onerror = () => {
                source.close();
                resolve('error');
              };
            }),
          feedUrl,
        );
      } finally {
        await page.close();
      }
    }

    for (const enabled of [true, false]) {
      test(`with enableCors() ${enabled ? 'on the page reads the event' : 'off the browser blocks it'}`, async () => {
        const app = await createStreamingTestApp({
          controllers: [FeedController],
          providers: [DenyGuard],
          configure: enabled ? (nest) => nest.enableCors({ origin: pageOrigin }) : undefined,
        });
        try {
          // the page and the app differ by port: two origins
          const result = await readFirstEvent(`${app.url}/feed`);
          assert.equal(result, enabled ? 'event: from the feed' : 'error');
        } finally {
          await app.close();
        }
      });
    }
  },
);
