import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import {
  createStreamingClient,
  type StreamingClient,
  type WebSocketConstructor,
} from '../../../src/client/index.js';
import { waitFor } from '../../support/wait-for.js';
import { ManualClock } from './manual-clock.js';

const servers: WebSocketServer[] = [];
const clients: StreamingClient[] = [];

/** An unsigned JWT-shaped token (the client reads `exp` without verifying). */
function tokenExpiringAt(expSeconds: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub: 'alice', exp: expSeconds })}.sig`;
}

/** A real `ws` server that records frames and answers `$auth` with `answer`. */
async function authServer(answer: (id: unknown) => object) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  await new Promise((resolve) => wss.once('listening', resolve));
  const frames: Record<string, unknown>[] = [];
  const urls: string[] = [];
  wss.on('connection', (socket, request) => {
    urls.push(request.url ?? '');
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      frames.push(frame);
      if (frame.event === '$auth') socket.send(JSON.stringify(answer(frame.id)));
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/x`, frames, urls };
}

after(() => {
  for (const client of clients) client.close();
  for (const wss of servers) wss.close();
});

describe('StreamingClient token refresh (manual clock)', () => {
  test('sends $auth with the next getToken() 10 % (≥ 5 s) before exp, then re-arms on the new token', async () => {
    const clock = new ManualClock();
    const start = 1_900_000_000_000;
    clock.advance(start);
    const tokens = [tokenExpiringAt(1_900_000_100), tokenExpiringAt(1_900_000_200)];
    let calls = 0;
    const server = await authServer((id) => ({ id, data: { exp: 1_900_000_200 } }));
    const client = createStreamingClient(server.url, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      clock,
      getToken: () => tokens[Math.min(calls++, tokens.length - 1)],
    });
    clients.push(client);
    await waitFor(() => client.state === 'open', 'open');
    assert.ok(clock.pending().includes(90_000), `refresh due in 90 s: ${clock.pending()}`);
    clock.advance(89_999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(server.frames.length, 0, 'nothing sent before the refresh is due');
    clock.advance(1);
    const auth = await waitFor(
      () => server.frames.find((frame) => frame.event === '$auth'),
      'the $auth request',
    );
    assert.deepEqual(auth.data, { token: tokens[1] });
    // The second token has 110 s left: 10 % (11 s) before its exp.
    await waitFor(() => clock.pending().includes(99_000), 're-armed for the second token');
    assert.equal(server.urls.length, 1, 'no reconnect');
  });

  test('a refused refresh is reported as an error and not retried on the same token', async () => {
    const clock = new ManualClock();
    clock.advance(1_900_000_000_000);
    const tokens = [tokenExpiringAt(1_900_000_010), tokenExpiringAt(1_900_000_060)];
    let calls = 0;
    const server = await authServer((id) => ({
      id,
      error: { status: 403, code: 'FORBIDDEN', message: 'The new token is for another subject' },
    }));
    const errors: { code: string }[] = [];
    const client = createStreamingClient(server.url, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      clock,
      getToken: () => tokens[Math.min(calls++, tokens.length - 1)],
    });
    clients.push(client);
    client.on('error', (error: { code: string }) => errors.push(error));
    await waitFor(() => client.state === 'open', 'open');
    assert.ok(clock.pending().includes(5_000), `refresh at half of 10 s: ${clock.pending()}`);
    clock.advance(5_000);
    await waitFor(() => errors.length === 1, 'the refusal');
    assert.equal(errors[0].code, 'FORBIDDEN');
    assert.equal(client.state, 'open');
    clock.advance(4_999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(calls, 2, 'getToken not asked again');
    assert.equal(server.frames.filter((frame) => frame.event === '$auth').length, 1);
  });

  test('opaque tokens and tokenRefresh: false arm no refresh', async () => {
    const clock = new ManualClock();
    clock.advance(1_900_000_000_000);
    const server = await authServer((id) => ({ id }));
    const opaque = createStreamingClient(server.url, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      clock,
      getToken: () => 'opaque',
    });
    const off = createStreamingClient(server.url, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      clock,
      getToken: () => tokenExpiringAt(1_900_000_100),
      tokenRefresh: false,
    });
    clients.push(opaque, off);
    await waitFor(() => opaque.state === 'open' && off.state === 'open', 'both open');
    clock.advance(200_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(server.frames.filter((frame) => frame.event === '$auth').length, 0);
  });
});
