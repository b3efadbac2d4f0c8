import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import {
  createStreamingClient,
  StreamingRequestError,
  type StreamingClient,
  type StreamingClientOptions,
  type WebSocketConstructor,
} from '../../../src/client/index.js';
import { waitFor } from '../../support/wait-for.js';
import { ManualClock } from './manual-clock.js';

type Server = { wss: WebSocketServer; url: string; sockets: WebSocket[]; frames: unknown[] };
const servers: WebSocketServer[] = [];
const clients: StreamingClient[] = [];

/** A real `ws` server on loopback that records frames and answers only what `reply` says. */
async function startServer(
  reply: (frame: Record<string, unknown>, socket: WebSocket) => void = () => undefined,
  refuse?: number,
): Promise<Server> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: refuse ? (_info, done) => done(false, refuse) : undefined,
  });
  servers.push(wss);
  await new Promise((resolve) => wss.once('listening', resolve));
  const server: Server = {
    wss,
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/x`,
    sockets: [],
    frames: [],
  };
  wss.on('connection', (socket) => {
    server.sockets.push(socket);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      server.frames.push(frame);
      reply(frame, socket);
    });
  });
  return server;
}

function client(
  url: string,
  clock: ManualClock,
  options: StreamingClientOptions = {},
): StreamingClient {
  const created = createStreamingClient(url, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    clock,
    random: () => 0,
    ...options,
  });
  clients.push(created);
  return created;
}

after(async () => {
  for (const c of clients) c.close();
  for (const wss of servers) {
    for (const socket of wss.clients) socket.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
});

describe('StreamingClient over a real WebSocket, with an injected clock', () => {
  test('a request resolves with its reply, rejects with an error reply, and times out', async () => {
    const server = await startServer((frame, socket) => {
      if (frame.event === 'ok') socket.send(JSON.stringify({ id: frame.id, data: { fine: true } }));
      if (frame.event === 'bad') {
        socket.send(
          JSON.stringify({
            id: frame.id,
            error: { status: 400, code: 'VALIDATION_FAILED', message: 'no' },
          }),
        );
      }
    });
    const clock = new ManualClock();
    const c = client(server.url, clock);
    await waitFor(() => c.state === 'open', 'open');
    assert.deepEqual(await c.request('ok', {}), { fine: true });
    await assert.rejects(
      c.request('bad', {}),
      (error: StreamingRequestError) => error.error.code === 'VALIDATION_FAILED',
    );
    const silent = c.request('silent', {}, { timeoutMs: 1_000 });
    await waitFor(
      () => server.frames.some((f) => (f as { event: string }).event === 'silent'),
      'sent',
    );
    clock.advance(999);
    let settled = false;
    void silent.catch(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'not before the timeout');
    clock.advance(1);
    await assert.rejects(silent, (error: StreamingRequestError) => error.error.code === 'TIMEOUT');
  });

  test('on disconnect a request rejects unless idempotent, which is sent again after the reconnect', async () => {
    const server = await startServer();
    const clock = new ManualClock();
    const c = client(server.url, clock);
    const states: string[] = [];
    c.on('state', (state: string) => states.push(state));
    await waitFor(() => c.state === 'open', 'open');
    const plain = c.request('plain', {}, { timeoutMs: 60_000 });
    const retried = c.request('retried', {}, { timeoutMs: 60_000, idempotent: true });
    await waitFor(() => server.frames.length === 2, 'both requests sent');
    server.sockets[0].close(1012, 'restart');
    await assert.rejects(
      plain,
      (error: StreamingRequestError) => error.error.code === 'DISCONNECTED',
    );
    await waitFor(() => c.state === 'reconnecting', 'reconnecting');
    c.emit('queued', { n: 1 });
    clock.advance(0);
    await waitFor(() => server.sockets.length === 2 && c.state === 'open', 'reconnected');
    await waitFor(() => server.frames.length === 4, 'resent request and queued emit');
    const names = server.frames
      .slice(2)
      .map((f) => (f as { event: string }).event)
      .sort();
    assert.deepEqual(names, ['queued', 'retried']);
    const resent = server.frames.find(
      (f, i) => i >= 2 && (f as { event: string }).event === 'retried',
    ) as { id: number };
    server.sockets[1].send(JSON.stringify({ id: resent.id, data: 'done' }));
    assert.equal(await retried, 'done');
    assert.deepEqual(states, ['open', 'reconnecting', 'open']);
  });

  test('a frame that is not an envelope reaches `frame` listeners, parsed when it is JSON', async () => {
    const server = await startServer();
    const clock = new ManualClock();
    const c = client(server.url, clock);
    const frames: unknown[] = [];
    const events: unknown[] = [];
    c.on('frame', (value: unknown) => frames.push(value));
    c.on('news', (data: unknown) => events.push(data));
    await waitFor(() => server.sockets.length === 1 && c.state === 'open', 'open');
    server.sockets[0].send(JSON.stringify({ kind: 'broadcast', n: 1 }));
    server.sockets[0].send('plain text');
    server.sockets[0].send(JSON.stringify({ event: 'news', data: 'an envelope' }));
    await waitFor(() => events.length === 1, 'the envelope arrived');
    assert.deepEqual(frames, [{ kind: 'broadcast', n: 1 }, 'plain text']);
    assert.deepEqual(events, ['an envelope'], 'envelopes still go to their event');
  });

  test('the offline queue is bounded and reports what it dropped', async () => {
    const server = await startServer(undefined, 503);
    const clock = new ManualClock();
    const c = client(server.url, clock, { offlineQueue: 2 });
    await waitFor(() => c.state === 'reconnecting', 'reconnecting after a 503');
    for (let i = 0; i < 5; i += 1) c.emit('e', i);
    assert.equal(c.droppedCount, 3);
  });

  test('a 403 refusal stops reconnecting; with getToken it asks once more, then stops', async () => {
    const server = await startServer(undefined, 403);
    const clock = new ManualClock();
    const plain = client(server.url, clock);
    await waitFor(() => plain.state === 'closed', 'closed after 403');
    let tokens = 0;
    const withToken = client(server.url, clock, { getToken: () => `t${++tokens}` });
    await waitFor(() => withToken.state === 'reconnecting', 'one more attempt');
    clock.advance(0);
    await waitFor(() => withToken.state === 'closed', 'closed after the second 403');
    assert.equal(tokens, 2);
    assert.deepEqual(clock.pending().length, 0, 'no reconnect scheduled');
  });

  test('a 503 refusal backs off with bounds that grow up to the cap', async () => {
    const server = await startServer(undefined, 503);
    const clock = new ManualClock();
    const c = client(server.url, clock, {
      random: () => 0.999,
      reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
    });
    const delays: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      await waitFor(
        () => c.state === 'reconnecting' && clock.pending().length === 1,
        'retry scheduled',
      );
      delays.push(clock.pending()[0]);
      clock.advance(delays[i]);
      await waitFor(() => clock.pending().length === 1, 'next retry');
    }
    assert.deepEqual(delays, [99, 199, 399, 399]);
  });
});
