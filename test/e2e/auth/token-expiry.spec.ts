import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller, UseGuards } from '@nestjs/common';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import {
  CloseCode,
  OnMessage,
  StreamingGateway,
  SseRoute,
  StreamingJwtGuard,
  WebSocketRoute,
  type SseContext,
  type WebSocketConnection,
} from '../../../src/index.js';
import { createStreamingTestApp, type StreamingTestApp } from '../../../src/testing/index.js';
import { GatewayTestClient } from '../gateway/gateway-client.js';
import { delay, waitFor } from '../../support/wait-for.js';

const SECRET = 'token-expiry-secret';

/** A real HS256 token for `sub`, expiring `seconds` from now (exp in whole seconds, as usual). */
async function tokenFor(sub: string, seconds: number, secret = SECRET): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(new TextEncoder().encode(secret));
}

function expOf(token: string): number {
  return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number })
    .exp;
}

@StreamingGateway('/ws/secure')
@UseGuards(StreamingJwtGuard)
class SecureGateway {
  @OnMessage('whoami')
  whoami(): string {
    return 'ok';
  }
}

@StreamingGateway('/ws/open')
class OpenGateway {
  @OnMessage('ping')
  ping(): string {
    return 'pong';
  }
}

@Controller()
class RawController {
  @WebSocketRoute('/raw')
  @UseGuards(StreamingJwtGuard)
  raw(conn: WebSocketConnection): void {
    conn.keepOpen();
  }

  @SseRoute('/feed')
  @UseGuards(StreamingJwtGuard)
  feed(ctx: SseContext): void {
    ctx.keepOpen();
  }
}

async function openSecure(app: StreamingTestApp, token: string): Promise<GatewayTestClient> {
  return GatewayTestClient.open(`${app.wsUrl}/ws/secure?access_token=${token}`);
}

describe('StreamingJwtGuard closeOnExpiry and $auth', () => {
  let app: StreamingTestApp;
  before(async () => {
    app = await createStreamingTestApp({
      config: { jwt: { secret: SECRET, closeOnExpiry: true } },
      providers: [SecureGateway, OpenGateway],
      controllers: [RawController],
    });
  });
  after(async () => {
    await app.close();
  });

  it('closes a raw WebSocket route with 4401 at the token expiry, not before', async () => {
    const token = await tokenFor('alice', 2);
    const socket = new WebSocket(`${app.wsUrl}/raw?access_token=${token}`);
    const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
      socket.once('close', (code, reason) =>
        resolve({ code, reason: reason.toString(), at: Date.now() }),
      ),
    );
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const { code, reason, at } = await closed;
    assert.equal(code, CloseCode.TokenExpired);
    assert.equal(code, 4401);
    assert.equal(reason, 'token expired');
    assert.ok(at >= expOf(token) * 1000 - 50, `closed ${expOf(token) * 1000 - at} ms before exp`);
  });

  it('ends an SSE stream at the token expiry', async () => {
    const token = await tokenFor('alice', 2);
    const response = await fetch(`${app.url}/feed`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 200);
    const body = await response.text(); // resolves once the server ends the stream
    assert.ok(body.length > 0);
    assert.ok(Date.now() >= expOf(token) * 1000 - 50, 'ended at the expiry, not before');
  });

  it('$auth with a fresh token keeps a gateway connection open past the first expiry', async () => {
    const first = await tokenFor('alice', 2);
    const client = await openSecure(app, first);
    try {
      const second = await tokenFor('alice', 4);
      assert.deepEqual(await client.request('$auth', { token: second }), {
        id: 1,
        data: { exp: expOf(second) },
      });
      await waitFor(() => Date.now() > expOf(first) * 1000 + 500, 'past the first expiry');
      assert.equal(client.closeCode, undefined, 'still open after the first token expired');
      assert.deepEqual(await client.request('whoami'), { id: 2, data: 'ok' });
      assert.equal(await client.closed(), CloseCode.TokenExpired);
      assert.ok(Date.now() >= expOf(second) * 1000 - 50, 'closed at the second expiry');
    } finally {
      client.close();
    }
  });

  it('refuses a bad, a missing or a foreign token with an error reply and stays open until the old expiry', async () => {
    const token = await tokenFor('alice', 2);
    const client = await openSecure(app, token);
    try {
      const forged = await client.request('$auth', {
        token: await tokenFor('alice', 60, 'another-secret'),
      });
      assert.deepEqual(forged.error, {
        status: 401,
        code: 'UNAUTHORIZED',
        message: 'Invalid or expired access token',
      });
      const missing = await client.request('$auth', {});
      assert.equal((missing.error as { code: string }).code, 'UNAUTHORIZED');
      const notJwt = await client.request('$auth', { token: 'not-a-jwt' });
      assert.equal((notJwt.error as { status: number }).status, 401);
      const foreign = await client.request('$auth', { token: await tokenFor('mallory', 60) });
      assert.deepEqual(foreign.error, {
        status: 403,
        code: 'FORBIDDEN',
        message: 'The new token is for another subject',
      });
      assert.deepEqual(await client.request('whoami'), { id: 5, data: 'ok' });
      assert.equal(client.closeCode, undefined);
      assert.equal(await client.closed(), CloseCode.TokenExpired, 'the old expiry still holds');
      assert.ok(Date.now() >= expOf(token) * 1000 - 50);
    } finally {
      client.close();
    }
  });

  it('answers $auth with UNKNOWN_EVENT on a route without the JWT guard', async () => {
    const client = await GatewayTestClient.open(`${app.wsUrl}/ws/open`);
    try {
      const reply = await client.request('$auth', { token: await tokenFor('alice', 60) });
      assert.equal((reply.error as { code: string }).code, 'UNKNOWN_EVENT');
      assert.deepEqual(await client.request('ping'), { id: 2, data: 'pong' });
    } finally {
      client.close();
    }
  });
});

describe('StreamingJwtGuard without closeOnExpiry', () => {
  let app: StreamingTestApp;
  before(async () => {
    app = await createStreamingTestApp({
      config: { jwt: { secret: SECRET } },
      providers: [SecureGateway],
    });
  });
  after(async () => {
    await app.close();
  });

  it('leaves the connection open past the token expiry (the close is opt-in)', async () => {
    const token = await tokenFor('alice', 1);
    const client = await openSecure(app, token);
    try {
      await waitFor(() => Date.now() > expOf(token) * 1000 + 300, 'past the expiry');
      await delay(50);
      assert.equal(client.closeCode, undefined);
      assert.deepEqual(await client.request('whoami'), { id: 1, data: 'ok' });
    } finally {
      client.close();
    }
  });
});
