import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Inject } from '@nestjs/common';
import WebSocket from 'ws';
import {
  Conn,
  MessageBody,
  OnConnect,
  OnMessage,
  Param,
  StreamingGateway,
  StreamingManager,
  type GatewayConnection,
} from '../../../src/index.js';
import {
  createStreamingClient,
  type StreamingClient,
  type StreamingClientOptions,
  type WebSocketConstructor,
  type WebTransportConstructor,
} from '../../../src/client/index.js';
import { importWebTransportLibrary } from '../../../src/client/quiet-library-import.js';
import { msgpackEnvelopeCodec } from '../../../src/wire/msgpack-envelope.codec.js';
import type { RecoveredData } from '../../../src/wire/recovery-outcome.js';
import {
  startWebTransportApp,
  webTransportModule,
  type WebTransportTestApp,
} from '../web-transport/web-transport-fixture.js';
import { waitFor } from '../../support/wait-for.js';

/** Notes the server received, per room, in order. */
const notes: string[] = [];

@StreamingGateway('/live/:room', { protocols: ['websocket', 'webtransport'] })
class LiveGateway {
  constructor(@Inject(StreamingManager) private readonly manager: StreamingManager) {}

  @OnConnect()
  joined(@Conn() conn: GatewayConnection, @Param('room') room: string): void {
    conn.join(room);
  }

  @OnMessage('whoami')
  whoami(@Conn() conn: GatewayConnection): unknown {
    return { protocol: conn.protocol, codec: conn.codecName };
  }

  @OnMessage('note')
  note(@MessageBody('text') text: string): void {
    notes.push(text);
  }

  /** Asks the client (`emitWithAck`) and replies with its answer. */
  @OnMessage('ask')
  ask(@Conn() conn: GatewayConnection, @MessageBody('n') n: number): Promise<unknown> {
    return conn.emitWithAck('question', { n }, { timeoutMs: 5_000 });
  }

  @OnMessage('say')
  async say(@Param('room') room: string, @MessageBody('text') text: string): Promise<unknown> {
    await this.manager.to(room).emit('said', { text });
    return { ok: true };
  }
}

let wt: WebTransportTestApp;
let WebTransportCtor: WebTransportConstructor;
let wsBase: string;
const clients: StreamingClient[] = [];

function open(room: string, options: StreamingClientOptions = {}): StreamingClient {
  const client = createStreamingClient(`${wsBase}/live/${room}`, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    ...options,
  });
  clients.push(client);
  return client;
}

function overWebTransport(room: string, options: StreamingClientOptions = {}): StreamingClient {
  return open(room, {
    webTransport: {
      url: wt.url(`/live/${room}`),
      serverCertificateHashes: [wt.info.certificateHash()],
      WebTransport: WebTransportCtor,
    },
    ...options,
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  wt = await startWebTransportApp(
    webTransportModule([], { rooms: { history: { 'wt-*': { size: 100, ttlMs: 0 } } } }, [
      LiveGateway,
    ]),
  );
  const { port } = wt.app.getHttpServer().address() as { port: number };
  wsBase = `ws://127.0.0.1:${port}`;
  WebTransportCtor = (await importWebTransportLibrary<{ WebTransport: WebTransportConstructor }>())
    .WebTransport;
});

after(async () => {
  for (const client of clients) client.close();
  await wt?.close();
});

describe('createStreamingClient over WebTransport (HTTP/2), falling back to WebSocket', () => {
  test('WebTransport first: requests are answered, emits arrive, and the server’s emitWithAck is answered on the session', async () => {
    const client = overWebTransport('wt-a');
    await waitFor(() => client.state === 'open', 'open');
    assert.equal(client.transport, 'webtransport');
    assert.deepEqual(await client.request('whoami'), {
      protocol: 'webtransport',
      codec: 'forge.v1.json',
    });
    client.emit('note', { text: 'over-wt' });
    await waitFor(() => notes.includes('over-wt'), 'the note reaches the server');
    const said: string[] = [];
    client.on('said', (data: { text: string }) => said.push(data.text));
    assert.deepEqual(await client.request('say', { text: 'hello' }), { ok: true });
    await waitFor(() => said.includes('hello'), 'the room event comes back');
    client.onRequest('question', (data) => ({ doubled: (data as { n: number }).n * 2 }));
    assert.deepEqual(await client.request('ask', { n: 21 }), { doubled: 42 });
  });

  test('MessagePack over WebTransport with the msgpack codec (?codec=msgpack)', async () => {
    const client = overWebTransport('wt-m', { codec: msgpackEnvelopeCodec });
    await waitFor(() => client.state === 'open', 'open');
    assert.deepEqual(await client.request('whoami'), {
      protocol: 'webtransport',
      codec: 'forge.v1.msgpack',
    });
  });

  test('a server-side disconnect: reconnects over WebTransport and recovers exactly the missed events', async () => {
    const manager = wt.app.get(StreamingManager);
    const client = overWebTransport('wt-r');
    const texts: string[] = [];
    const outcomes: RecoveredData[] = [];
    client.on('said', (data: { text: string }) => texts.push(data.text));
    client.on('recovered', (outcome: RecoveredData) => outcomes.push(outcome));
    await waitFor(() => client.state === 'open', 'open');
    const mine = (): string[] =>
      manager
        .connections()
        .filter((conn) => conn.protocol === 'webtransport' && conn.rooms.has('wt-r'))
        .map((conn) => conn.id);
    await waitFor(() => mine().length === 1, 'joined the room');
    await manager.to('wt-r').emit('said', { text: 'before' });
    await waitFor(() => texts.length === 1, 'the first live event');
    let missed: Promise<unknown> | undefined;
    client.on('state', (state: string) => {
      if (state !== 'reconnecting' || missed) return;
      missed = manager
        .to('wt-r')
        .emit('said', { text: 'missed-1' })
        .then(() => manager.to('wt-r').emit('said', { text: 'missed-2' }));
    });
    const [cut] = mine();
    await manager.disconnect(cut, 4000, 'cut');
    await waitFor(() => missed !== undefined, 'reconnecting');
    await missed;
    await waitFor(() => outcomes.length === 1, 'the recovery outcome');
    assert.deepEqual(outcomes, [{ room: 'wt-r', recovered: true }]);
    assert.equal(client.transport, 'webtransport', 'still on WebTransport after the reconnect');
    assert.ok(!mine().includes(cut), 'a new session, not the old one');
    await manager.to('wt-r').emit('said', { text: 'after' });
    await waitFor(() => texts.includes('after'), 'a live event after the recovery');
    assert.deepEqual(texts, ['before', 'missed-1', 'missed-2', 'after']);
  });

  test('WebTransport unreachable: the same attempt falls back to WebSocket', async () => {
    const port = await closedPort();
    const states: string[] = [];
    const client = open('wt-f', {
      webTransport: {
        url: `https://127.0.0.1:${port}/live/wt-f`,
        WebTransport: WebTransportCtor,
        connectTimeoutMs: 2_000,
      },
    });
    client.on('state', (state: string) => states.push(state));
    await waitFor(() => client.state === 'open', 'open over the fallback');
    assert.equal(client.transport, 'websocket');
    assert.deepEqual(await client.request('whoami'), {
      protocol: 'websocket',
      codec: 'forge.v1.json',
    });
    assert.deepEqual(states, ['open'], 'no reconnect state: the fallback is part of the attempt');
  });

  test('a WebTransport server that never answers: falls back after connectTimeoutMs', async () => {
    const held: import('node:net').Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const client = open('wt-t', {
        webTransport: {
          url: `https://127.0.0.1:${port}/live/wt-t`,
          WebTransport: WebTransportCtor,
          connectTimeoutMs: 300,
        },
      });
      await waitFor(() => client.state === 'open', 'open over the fallback');
      assert.equal(client.transport, 'websocket');
      assert.ok(held.length >= 1, 'the WebTransport attempt reached the silent server');
      assert.ok(Date.now() - started >= 300, 'not before the connect timeout');
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('WebTransport not offered on the path (404): falls back to WebSocket', async () => {
    const client = open('wt-n', {
      webTransport: {
        url: wt.url('/nowhere'),
        serverCertificateHashes: [wt.info.certificateHash()],
        WebTransport: WebTransportCtor,
      },
    });
    await waitFor(() => client.state === 'open', 'open over the fallback');
    assert.equal(client.transport, 'websocket');
  });

  test('no WebTransport constructor (Node has no global): WebSocket directly', async () => {
    const client = open('wt-g', { webTransport: { url: wt.url('/live/wt-g') } });
    await waitFor(() => client.state === 'open', 'open');
    assert.equal(client.transport, 'websocket');
  });
});
