import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, constants } from 'node:http2';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { WebTransportRoute, type WebTransportSession } from '../../../src/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.js';
import { http2SessionStatus } from '../web-transport/web-transport-raw-request.js';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
} from '../web-transport/web-transport-fixture.js';

@Controller()
class GreetController {
  @WebTransportRoute('wt')
  async greet(session: WebTransportSession): Promise<void> {
    session.keepOpen();
    await session.sendMessage('hello');
  }
}

/** Headers Chromium sends when a user opens a URL in a tab. */
const BROWSER_HEADERS = {
  accept:
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'accept-language': 'en-US,en;q=0.9',
  'upgrade-insecure-requests': '1',
  'sec-fetch-dest': 'document',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-site': 'none',
  'sec-fetch-user': '?1',
  'user-agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};

interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP/2 request with the given method and headers (certificate checks off). */
async function http2Request(
  url: string,
  method: string,
  headers: Record<string, string> = {},
): Promise<PlainResponse> {
  const target = new URL(url);
  const client = connect(target.origin, { rejectUnauthorized: false });
  client.on('error', () => undefined);
  try {
    const stream = client.request({
      [constants.HTTP2_HEADER_METHOD]: method,
      [constants.HTTP2_HEADER_PATH]: target.pathname,
      ...headers,
    });
    stream.end();
    return await new Promise((resolve, reject) => {
      let status = 0;
      let head: PlainResponse['headers'] = {};
      let body = '';
      stream.on('response', (response) => {
        status = Number(response[constants.HTTP2_HEADER_STATUS]);
        head = response;
      });
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (body += chunk));
      stream.on('end', () => resolve({ status, headers: head, body }));
      stream.on('error', reject);
    });
  } finally {
    client.close();
  }
}

/** One HTTP/1.1 request over TLS (ALPN `http/1.1`). */
function http1Request(url: string, method: string): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method, rejectUnauthorized: false, headers: BROWSER_HEADERS },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    req.end();
  });
}

describe('the WebTransport port answers a browser', () => {
  let wt: WebTransportTestApp;

  before(async () => {
    wt = await startWebTransportApp(webTransportModule([GreetController]));
  });
  after(() => wt?.close());

  test('an HTTP/2 GET with browser headers gets 200 and a page with the certificate hash', async () => {
    const response = await http2Request(wt.url('/'), 'GET', BROWSER_HEADERS);
    assert.equal(response.status, 200);
    assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
    const hash = wt.info.certificateHash().value;
    assert.ok(response.body.includes(`<code id="sha256">${hash}</code>`), response.body);
  });

  test('a GET on a route path gets the page too, and HEAD gets the head alone', async () => {
    assert.equal((await http2Request(wt.url('/wt'), 'GET', BROWSER_HEADERS)).status, 200);
    const head = await http2Request(wt.url('/'), 'HEAD', BROWSER_HEADERS);
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test('another method gets 405 naming the allowed ones', async () => {
    const response = await http2Request(wt.url('/'), 'POST', { 'content-type': 'text/plain' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'GET, HEAD, CONNECT');
  });

  test('an HTTP/1.1 GET gets the page as well', async () => {
    const response = await http1Request(wt.url('/'), 'GET');
    assert.equal(response.status, 200);
    assert.ok(response.body.includes(wt.info.certificateHash().value));
  });

  test('session requests still reach the routes after the page is served', async () => {
    await http2Request(wt.url('/'), 'GET', BROWSER_HEADERS);
    assert.equal(await http2SessionStatus(wt.url('/nowhere')), 404);
    const session = await wt.connect('/wt');
    assert.equal(await session.receiveText(), 'hello');
    session.close();
  });

  test(
    'headless Chromium opening the URL gets 200 and sees the hash',
    { skip: !existsSync(CHROMIUM_PATH) && `no Chromium at ${CHROMIUM_PATH}` },
    async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: [...CHROMIUM_ARGS],
      });
      try {
        const context = await browser.newContext({ ignoreHTTPSErrors: true });
        const page = await context.newPage();
        const response = await page.goto(wt.url('/'));
        assert.equal(response?.status(), 200);
        assert.equal(await page.locator('#sha256').textContent(), wt.info.certificateHash().value);
      } finally {
        await browser.close();
      }
    },
  );
});

/** A local address that is not loopback, if the machine has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && !entry.internal && entry.family === 'IPv4')?.address;

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2_000, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

describe(
  'the WebTransport bind address is webTransport.host',
  { skip: !external && 'no non-loopback IPv4 address on this machine' },
  () => {
    test('by default only loopback: another local address is refused', async () => {
      const wt = await startWebTransportApp(webTransportModule([GreetController]));
      try {
        assert.equal(wt.info.host, '127.0.0.1');
        assert.equal(await reachable('127.0.0.1', wt.info.port), true);
        assert.equal(await reachable(external as string, wt.info.port), false);
      } finally {
        await wt.close();
      }
    });

    test("host: '0.0.0.0' listens on every interface", async () => {
      const wt = await startWebTransportApp(
        webTransportModule([GreetController], { webTransport: { host: '0.0.0.0' } }),
      );
      try {
        assert.equal(wt.info.host, '0.0.0.0');
        assert.equal(await reachable(external as string, wt.info.port), true);
        const response = await http2Request(
          `https://${external as string}:${wt.info.port}/`,
          'GET',
          BROWSER_HEADERS,
        );
        assert.equal(response.status, 200);
      } finally {
        await wt.close();
      }
    });
  },
);
