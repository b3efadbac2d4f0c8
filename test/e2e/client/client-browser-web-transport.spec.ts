import 'reflect-metadata';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  Conn,
  OnConnect,
  OnMessage,
  Param,
  StreamingGateway,
  type GatewayConnection,
} from '../../../src/index.js';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
} from '../web-transport/web-transport-fixture.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

@StreamingGateway('/live/:room', { protocols: ['websocket', 'webtransport'] })
class LiveGateway {
  @OnConnect()
  joined(@Conn() conn: GatewayConnection, @Param('room') room: string): void {
    conn.join(room);
  }

  @OnMessage('whoami')
  whoami(@Conn() conn: GatewayConnection): unknown {
    return { protocol: conn.protocol };
  }
}

/**
 * The page: `run(wsUrl, wtUrl, hash, hideNative)` creates a client with WebTransport first and
 * resolves with the transport it ended on and the server's answer to `whoami`.
 */
const PAGE_SCRIPT = `
import { createStreamingClient } from './src/client/index.ts';
window.run = async (wsUrl, wtUrl, hash, hideNative) => {
  if (hideNative) delete globalThis.WebTransport;
  const states = [];
  const client = createStreamingClient(wsUrl, {
    webTransport: {
      url: wtUrl,
      serverCertificateHashes: [{ algorithm: 'sha-256', value: hash }],
      connectTimeoutMs: 5000,
    },
  });
  client.on('state', (state) => states.push(state));
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not open: ' + client.state)), 15000);
      client.on('state', (state) => state === 'open' && (clearTimeout(timer), resolve()));
    });
    const answer = await client.request('whoami');
    return { ok: true, transport: client.transport, answer, states };
  } catch (error) {
    return { ok: false, error: String(error), states };
  } finally {
    client.close();
  }
};
`;

interface RunResult {
  ok: boolean;
  transport?: string;
  answer?: unknown;
  states: string[];
  error?: string;
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

const chromiumMissing = !existsSync(CHROMIUM_PATH);

describe(
  'createStreamingClient in headless Chromium: WebTransport first, WebSocket fallback',
  { skip: chromiumMissing && `no Chromium at ${CHROMIUM_PATH}` },
  () => {
    let wt: WebTransportTestApp;
    let browser: Browser;
    let page: { server: Server; url: string };
    let wsBase: string;

    before(async () => {
      wt = await startWebTransportApp(
        webTransportModule([], { websocket: { checkOrigin: false } }, [LiveGateway]),
      );
      wsBase = `ws://127.0.0.1:${(wt.app.getHttpServer().address() as { port: number }).port}`;
      const script = await bundle(PAGE_SCRIPT);
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
      page = { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    });

    after(async () => {
      await browser?.close();
      page?.server.close();
      await wt?.close();
    });

    async function runIn(hideNative: boolean): Promise<{ result: RunResult; sessions: string[] }> {
      const tab: Page = await browser.newPage();
      const sessions: string[] = [];
      const cdp = await tab.context().newCDPSession(tab);
      await cdp.send('Network.enable');
      cdp.on('Network.webTransportCreated', (event: { url: string }) => sessions.push(event.url));
      await tab.goto(page.url);
      await tab.waitForFunction(() => 'run' in window, undefined, { timeout: 10_000 });
      const result = await tab.evaluate(
        ([ws, wtUrl, hash, hide]) =>
          (
            window as unknown as {
              run(a: string, b: string, c: string, d: boolean): Promise<RunResult>;
            }
          ).run(ws, wtUrl, hash, hide),
        [`${wsBase}/live/b`, wt.url('/live/b'), wt.info.certificateHash().value, hideNative] as [
          string,
          string,
          string,
          boolean,
        ],
      );
      await tab.close();
      return { result, sessions };
    }

    test('native WebTransport needs HTTP/3 (absent here): the attempt fails and the client falls back to WebSocket', async () => {
      const { result, sessions } = await runIn(false);
      assert.deepEqual(sessions, [wt.url('/live/b')], 'a WebTransport session was tried first');
      assert.deepEqual(result, {
        ok: true,
        transport: 'websocket',
        answer: { protocol: 'websocket' },
        states: ['open', 'closed'],
      });
    });

    test('a browser without WebTransport goes to WebSocket directly', async () => {
      const { result, sessions } = await runIn(true);
      assert.deepEqual(sessions, [], 'no WebTransport session was tried');
      assert.deepEqual(result, {
        ok: true,
        transport: 'websocket',
        answer: { protocol: 'websocket' },
        states: ['open', 'closed'],
      });
    });
  },
);
