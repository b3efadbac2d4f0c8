import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebTransportRoute, type WebTransportSession } from '../../../src/index.js';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
} from './web-transport-fixture.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

@Controller('wt')
class BrowserEchoController {
  @WebTransportRoute('echo')
  async echo(session: WebTransportSession): Promise<void> {
    await session.sendMessage(`transport ${session.transport}`);
    for (;;) await session.sendMessage(await session.receiveMessage());
  }
}

async function bundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Serves one page that loads `script` as a module, on 127.0.0.1. */
async function servePage(script: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><script type="module" src="/app.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/` };
}

interface Recorded {
  readonly hosts: Set<string>;
}

/** Records the host of every request, WebSocket and WebTransport the page opens. */
async function record(page: Page): Promise<Recorded> {
  const hosts = new Set<string>();
  const add = (url: string) => hosts.add(new URL(url).hostname);
  page.on('request', (request) => add(request.url()));
  page.on('websocket', (ws) => add(ws.url()));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.webTransportCreated', (event: { url: string }) => add(event.url));
  return { hosts };
}

const chromiumMissing = !existsSync(CHROMIUM_PATH);

describe(
  'WebTransport client helper in headless Chromium',
  { skip: chromiumMissing && `no Chromium at ${CHROMIUM_PATH}` },
  () => {
    let wt: WebTransportTestApp;
    let browser: Browser;
    const servers: Server[] = [];
    before(async () => {
      wt = await startWebTransportApp(webTransportModule([BrowserEchoController]));
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
      });
    });
    after(async () => {
      await browser?.close();
      for (const server of servers) server.close();
      await wt?.close();
    });

    async function openPage(script: string): Promise<{ page: Page; recorded: Recorded }> {
      const served = await servePage(await bundle(script));
      servers.push(served.server);
      const page = await browser.newPage();
      const recorded = await record(page);
      await page.goto(served.url);
      await page.waitForFunction(() => 'run' in window, undefined, { timeout: 10_000 });
      return { page, recorded };
    }

    const helperPage = `
    import { connectWebTransport } from './src/client/index.ts';
    window.run = async (url, hash, forceReliable) => {
      try {
        const session = await connectWebTransport(url, {
          serverCertificateHashes: [{ algorithm: 'sha-256', value: hash }],
          forceReliable,
        });
        const first = await session.receiveText();
        await session.sendMessage('hello from the browser');
        const echo = await session.receiveText();
        await session.sendMessage(new Uint8Array([7, 8, 9]));
        const binary = Array.from(await session.receiveMessage());
        session.close();
        return { ok: true, implementation: session.implementation, first, echo, binary };
      } catch (error) {
        return { ok: false, error: String(error) };
      }
    };
  `;

    test('the WebSocket mapping carries a message echo, and only the app host is contacted', async () => {
      const { page, recorded } = await openPage(helperPage);
      const result = await page.evaluate(
        ([url, hash]) =>
          (window as unknown as { run(u: string, h: string, f: boolean): Promise<unknown> }).run(
            url,
            hash,
            true,
          ),
        [wt.url('/wt/echo'), wt.info.certificateHash().value],
      );
      assert.deepEqual(result, {
        ok: true,
        implementation: 'ponyfill',
        first: 'transport websocket',
        echo: 'hello from the browser',
        binary: [7, 8, 9],
      });
      assert.deepEqual([...recorded.hosts], ['127.0.0.1']);
      await page.close();
    });

    test('with native WebTransport present the helper never loads the ponyfill nor contacts another host', async () => {
      const { page, recorded } = await openPage(helperPage);
      const hasNative = await page.evaluate(
        () => typeof (window as { WebTransport?: unknown }).WebTransport,
      );
      assert.equal(hasNative, 'function', 'this Chromium has no native WebTransport');
      // Native WebTransport needs HTTP/3, which is not available here: the attempt fails, but
      // it must go to the app's host only.
      await page.evaluate(
        ([url, hash]) =>
          (window as unknown as { run(u: string, h: string, f: boolean): Promise<unknown> }).run(
            url,
            hash,
            false,
          ),
        [wt.url('/wt/echo'), wt.info.certificateHash().value],
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const host of recorded.hosts) assert.equal(host, '127.0.0.1', `contacted ${host}`);
      await page.close();
    });

    test('control: loading the library browser module directly is seen contacting an outside host', async () => {
      const { page, recorded } = await openPage(`
      import('@fails-components/webtransport').then(() => { window.run = true; });
    `);
      const deadline = Date.now() + 10_000;
      while (![...recorded.hosts].some((h) => h !== '127.0.0.1') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(
        [...recorded.hosts].includes('example.com'),
        `the recorder saw only ${[...recorded.hosts].join(', ')}`,
      );
      await page.close();
    });
  },
);
