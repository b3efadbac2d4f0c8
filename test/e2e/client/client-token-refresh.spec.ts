import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UseGuards } from '@nestjs/common';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import {
  createStreamingClient,
  type StreamingClient,
  type StreamingClientState,
  type WebSocketConstructor,
} from '../../../src/client/index.js';
import { OnMessage, StreamingGateway, StreamingJwtGuard } from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { waitFor } from '../../support/wait-for.js';

const SECRET = 'client-token-refresh-secret';

/** A real HS256 token for `sub` that expires 2 s from now (whole seconds, so 1–2 s left). */
function shortToken(sub: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(Math.floor(Date.now() / 1000) + 2)
    .sign(new TextEncoder().encode(SECRET));
}

@StreamingGateway('/ws/refresh')
@UseGuards(StreamingJwtGuard)
class RefreshGateway {
  @OnMessage('ping')
  ping(): string {
    return 'pong';
  }
}

describe('client: in-band token refresh', () => {
  let app: StreamingTestApp;
  let client: StreamingClient | undefined;
  before(async () => {
    app = await createStreamingTestApp({
      config: { jwt: { secret: SECRET, closeOnExpiry: true } },
      providers: [RefreshGateway],
    });
  });
  after(async () => {
    client?.close();
    await app.close();
  });

  it('sends $auth with getToken() before each expiry and keeps one connection open', async () => {
    let issued = 0;
    const states: StreamingClientState[] = [];
    client = createStreamingClient(`${app.wsUrl}/ws/refresh`, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      getToken: () => {
        issued += 1;
        return shortToken('alice');
      },
      reconnect: { initialDelayMs: 50, maxDelayMs: 100 },
    });
    client.on('state', (state: StreamingClientState) => states.push(state));
    await waitFor(() => client?.state === 'open', 'open');
    const until = Date.now() + 5_000;
    await waitFor(() => Date.now() > until, 'five seconds of short-lived tokens', 7_000);
    assert.deepEqual(states, ['open'], 'never disconnected');
    assert.ok(issued >= 4, `getToken called ${issued} times (1 to connect, then refreshes)`);
    assert.equal(await client.request('ping'), 'pong');
    client.close();
  });

  it('without refresh the server closes at expiry and the client reconnects with a new token', async () => {
    let issued = 0;
    const states: StreamingClientState[] = [];
    client = createStreamingClient(`${app.wsUrl}/ws/refresh`, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      getToken: () => {
        issued += 1;
        return shortToken('alice');
      },
      tokenRefresh: false,
      reconnect: { initialDelayMs: 50, maxDelayMs: 100 },
    });
    client.on('state', (state: StreamingClientState) => states.push(state));
    await waitFor(() => client?.state === 'open', 'open');
    await waitFor(() => states.includes('reconnecting'), 'the expiry close', 4_000);
    await waitFor(() => client?.state === 'open', 'open again');
    assert.ok(issued >= 2, 'a fresh token for the reconnect');
    client.close();
  });
});
